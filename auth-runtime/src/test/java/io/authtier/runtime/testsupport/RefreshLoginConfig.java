package io.authtier.runtime.testsupport;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import no.nav.security.mock.oauth2.token.DefaultOAuth2TokenCallback;

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

    /**
     * Logs {@code browser} in as user ada at {@code at} (an access token that lives 600 s, so a test's clock makes it
     * due for refresh) and gives it the same session cookie for each of {@code alsoAt}: replicas behind one
     * ingress, which this browser keeps apart by port.
     */
    public static void logInAcross(Browser browser, MockOAuth2Server idp, RunningRuntime at, RunningRuntime... alsoAt) {
        idp.enqueueCallback(new DefaultOAuth2TokenCallback("main", "ada", "JWT", List.of("shop-api"), Map.of(), 600));
        browser.logIn("http://127.0.0.1:" + at.port() + "/oauth2/start", idp.baseUrl().toString());
        String cookie = browser.cookie(authUrl(at), COOKIE);
        for (RunningRuntime other : alsoAt) {
            browser.setCookie(authUrl(other), COOKIE, cookie);
        }
    }

    private static final String COOKIE = "__Host-authtier";

    private static String authUrl(RunningRuntime replica) {
        return "http://127.0.0.1:" + replica.port() + "/auth";
    }
}
