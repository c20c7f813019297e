package io.authtier.runtime.testsupport;

import java.nio.file.Path;

/**
 * The runtime configuration the session refresh tests share: issuer {@code main} (audience shop-api), browser
 * login as client shop-web with signing key k1, sessions in standalone Redis, the access token passed upstream
 * in {@code Authorization} (so a test sees which token a request went on with). Tests vary the session memory
 * and the IdP calls' resilience.
 */
public final class RefreshLoginConfig {
    private RefreshLoginConfig() {
    }

    /**
     * @param localCacheTtl {@code sessions.localCacheTtl}, e.g. {@code 0s}
     * @param resilience    the {@code resilience} block's fields, flow style, e.g. {@code timeout: 1s, retry: {maxAttempts: 1}}
     */
    public static String yaml(String issuerUrl, Path signingKey, int redisPort, String localCacheTtl, String resilience) {
        return """
                issuers:
                - name: main
                  issuerUrl: %s
                  audiences: [shop-api]
                resilience: {%s}
                sessions:
                  localCacheTtl: %s
                  cookie:
                    signingKeys: [{id: k1, file: %s}]
                  passAccessToken: Authorization
                  login:
                    issuer: main
                    clientId: shop-web
                    allowedRedirectDomains: [shop.example.com, 127.0.0.1]
                redis:
                  endpoints: ["127.0.0.1:%d"]
                """.formatted(issuerUrl, resilience, localCacheTtl, signingKey, redisPort);
    }
}
