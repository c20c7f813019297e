package io.authtier.runtime.testsupport;

import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The runtime configuration the Redis fault tests share: issuer {@code main} (audience shop-api), browser login
 * as client shop-web with signing key k1, sessions in Redis read afresh on every request (no local memory),
 * and the L2 token cache off. Tests append what they vary, such as {@code resilience: {timeout: 1s}}.
 * {@link #inMemory(String, Path)} is the same login with sessions in the runtime's memory instead.
 */
public final class RedisLoginConfig {
    private RedisLoginConfig() {
    }

    /** Redis standalone at 127.0.0.1:{@code port}. */
    public static String standalone(String issuerUrl, Path signingKey, int port) {
        return yaml(issuerUrl, signingKey, "", List.of(port));
    }

    /** A Redis Cluster with seed nodes at 127.0.0.1:{@code ports}. */
    public static String cluster(String issuerUrl, Path signingKey, List<Integer> ports) {
        return yaml(issuerUrl, signingKey, "  topology: Cluster\n", ports);
    }

    /**
     * The same login with sessions in memory: no {@code redis} section, and no {@code tokenCache} section (there is
     * no Redis for an L2 cache to be in).
     */
    public static String inMemory(String issuerUrl, Path signingKey) {
        return login(issuerUrl, signingKey, "");
    }

    /** As {@link #inMemory(String, Path)}, with {@code cookieSetting} (such as {@code sameSite: Strict}) in {@code sessions.cookie}. */
    public static String inMemory(String issuerUrl, Path signingKey, String cookieSetting) {
        return login(issuerUrl, signingKey, "    " + cookieSetting + "\n");
    }

    private static String yaml(String issuerUrl, Path signingKey, String topology, List<Integer> ports) {
        return login(issuerUrl, signingKey, "") + """
                redis:
                %s  endpoints: [%s]
                tokenCache:
                  l2: {enabled: false}
                """.formatted(topology,
                ports.stream().map(port -> "\"127.0.0.1:" + port + "\"").collect(Collectors.joining(", ")));
    }

    /**
     * The {@code issuers} and {@code sessions} sections, which say nothing of where sessions are kept;
     * {@code cookieLines} go into {@code sessions.cookie}, indented.
     */
    private static String login(String issuerUrl, Path signingKey, String cookieLines) {
        return """
                issuers:
                - name: main
                  issuerUrl: %s
                  audiences: [shop-api]
                sessions:
                  localCacheTtl: 0s
                  cookie:
                %s    signingKeys: [{id: k1, file: %s}]
                  login:
                    issuer: main
                    clientId: shop-web
                    allowedRedirectDomains: [shop.example.com, 127.0.0.1]
                """.formatted(issuerUrl, cookieLines, signingKey);
    }
}
