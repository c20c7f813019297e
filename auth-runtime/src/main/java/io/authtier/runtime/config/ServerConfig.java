package io.authtier.runtime.config;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * The {@code server} section: where the runtime listens and whom it believes about the client.
 *
 * @param port            the auth API ({@code /auth}, {@code /ext-authz/**}, {@code /oauth2/*}); 1..65535
 * @param managementPort  {@code /metrics}, {@code /healthz}, {@code /readyz}; 1..65535, not {@code port}
 * @param trustedProxies  peers whose {@code X-Forwarded-*} headers are believed; empty means nobody's
 * @param maxTokenBytes   longer bearer tokens are rejected unread (SECURITY.md, bearer tokens 10); 256..65536
 * @param adminPort       the admin API ("log this user out everywhere"), bound to the loopback address only,
 *                        so that it is reached through {@code kubectl port-forward} or {@code exec}; 1..65535,
 *                        neither {@code port} nor {@code managementPort}
 * @param requestReadTimeout how long an HTTP/1.x request may take to arrive, from its first byte to its
 *                        last, before its connection is closed (slow clients, slowloris); 1s..5m
 */
public record ServerConfig(int port, int managementPort, List<Cidr> trustedProxies, int maxTokenBytes, int adminPort,
        Duration requestReadTimeout) {

    public static final Duration DEFAULT_REQUEST_READ_TIMEOUT = Duration.ofSeconds(10);

    public ServerConfig {
        trustedProxies = List.copyOf(trustedProxies);
        Objects.requireNonNull(requestReadTimeout, "requestReadTimeout");
    }

    /** With the default request read timeout. */
    public ServerConfig(int port, int managementPort, List<Cidr> trustedProxies, int maxTokenBytes, int adminPort) {
        this(port, managementPort, trustedProxies, maxTokenBytes, adminPort, DEFAULT_REQUEST_READ_TIMEOUT);
    }
}
