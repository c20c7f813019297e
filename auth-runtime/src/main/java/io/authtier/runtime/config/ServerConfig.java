package io.authtier.runtime.config;

import java.util.List;

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
 */
public record ServerConfig(int port, int managementPort, List<Cidr> trustedProxies, int maxTokenBytes, int adminPort) {

    public ServerConfig {
        trustedProxies = List.copyOf(trustedProxies);
    }
}
