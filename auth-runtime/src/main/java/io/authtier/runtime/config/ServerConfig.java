package io.authtier.runtime.config;

import java.util.List;

/**
 * The {@code server} section: where the runtime listens and whom it believes about the client.
 *
 * @param port            the auth API ({@code /auth}, {@code /ext-authz/**}, {@code /oauth2/*}); 1..65535
 * @param managementPort  {@code /metrics}, {@code /healthz}, {@code /readyz}; 1..65535, not {@code port}
 * @param trustedProxies  peers whose {@code X-Forwarded-*} headers are believed; empty means nobody's
 * @param maxTokenBytes   longer bearer tokens are rejected unread (SECURITY.md, bearer tokens 10); 256..65536
 */
public record ServerConfig(int port, int managementPort, List<Cidr> trustedProxies, int maxTokenBytes) {

    public ServerConfig {
        trustedProxies = List.copyOf(trustedProxies);
    }
}
