package io.authtier.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import io.authtier.runtime.testsupport.DocSnippets;
import io.authtier.runtime.testsupport.EnvoyExtAuthz;
import io.authtier.runtime.testsupport.EnvoyExtAuthz.Allowed;
import io.authtier.runtime.testsupport.EnvoyExtAuthz.Denied;
import io.authtier.runtime.testsupport.EnvoyExtAuthz.Failed;
import io.authtier.runtime.testsupport.EnvoyExtAuthz.Incoming;
import io.authtier.runtime.testsupport.EnvoyExtAuthz.Matcher;
import io.authtier.runtime.testsupport.FreePorts;
import io.authtier.runtime.testsupport.JwksServer;
import io.authtier.runtime.testsupport.MutableClock;
import io.authtier.runtime.testsupport.RunningRuntime;
import io.authtier.runtime.testsupport.SigningKeys;
import io.authtier.runtime.testsupport.Tokens;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The runtime behind Envoy's {@code ext_authz} HTTP filter, configured as docs/auth-runtime.md's filter says: each
 * test sends the runtime the check request that Envoy sends ({@link EnvoyExtAuthz}, from Envoy's source) and does
 * with the answer what Envoy does. Envoy itself cannot be installed on these machines.
 */
@DisplayName("Envoy ext_authz in front of the runtime, as documented")
class EnvoyExtAuthzTest {

    @TempDir
    static Path dir;
    static JwksServer issuer;
    static ECKey key;
    static MutableClock clock;
    static String downIssuer;
    static RunningRuntime runtime;
    static EnvoyExtAuthz envoy;

    @BeforeAll
    static void start() throws Exception {
        key = new ECKeyGenerator(Curve.P_256).keyID("envoy-1").generate();
        issuer = new JwksServer("envoy", List.of(key.toPublicJWK()));
        clock = new MutableClock(Instant.now());
        downIssuer = "http://127.0.0.1:" + FreePorts.next() + "/realms/down";
        runtime = RunningRuntime.start("""
                issuers:
                - {name: main, issuerUrl: '%s', audiences: [api], allowedAlgorithms: [ES256]}
                - {name: down, issuerUrl: '%s', audiences: [api], allowedAlgorithms: [ES256]}
                routes:
                - {pathPrefix: /admin, allowedGroups: [admins]}
                sessions:
                  store: Memory
                  cookie:
                    signingKeys: [{id: k1, file: %s}]
                  login:
                    issuer: main
                    clientId: shop-web
                    allowedRedirectDomains: [shop.example.com]
                    redirectToLogin: true
                """.formatted(issuer.issuer(), downIssuer, SigningKeys.write(dir, "k1")), clock, policy -> policy);
        envoy = EnvoyExtAuthz.documented(DocSnippets.yaml("auth-runtime.md", "### Envoy (`ext_authz`, HTTP service)")
                .path("http_filters").path(0).path("typed_config"));
        String token = token(c -> c);
        await().atMost(Duration.ofSeconds(20)).ignoreExceptions()
                .until(() -> envoy.handle(runtime.port(), request("GET", "/shop", "authorization", "Bearer " + token)) instanceof Allowed);
    }

    @AfterAll
    static void stop() {
        runtime.close();
        issuer.close();
    }

    /** An admin's token (groups admins, staff; email ada@example.com), changed by {@code claims}. */
    static String token(UnaryOperator<JWTClaimsSet.Builder> claims) {
        return Tokens.sign(key, JWSAlgorithm.ES256, claims.apply(Tokens.accessClaims(issuer.issuer(), "api", clock.instant())).build());
    }

    /** A downstream request to shop.example.com, as Envoy decoded it, with header name/value pairs. */
    static Incoming request(String method, String path, String... headers) {
        List<Map.Entry<String, String>> list = new ArrayList<>();
        for (int i = 0; i < headers.length; i += 2) {
            list.add(Map.entry(headers[i], headers[i + 1]));
        }
        return new Incoming(method, "shop.example.com", path, List.copyOf(list));
    }

    @Test
    @DisplayName("A valid token passes: the upstream gets the identity, and every identity header the answer lacks is removed, the client's copies with it")
    void identityReachesTheUpstream() {
        // Given a token without email or preferred_username, and a client that forges identity headers
        String token = token(c -> c.claim("email", null).claim("preferred_username", null));

        // When Envoy checks a POST to /orders/17 (the check request: POST /ext-authz/orders/17, no body)
        var outcome = envoy.handle(runtime.port(), request("POST", "/orders/17?x=1", "authorization", "Bearer " + token,
                "content-type", "application/json", "x-auth-request-user", "root", "x-auth-request-email", "boss@example.com",
                "x-auth-request-preferred-username", "boss", "x-auth-request-access-token", "forged"));

        // Then the upstream sees the token's identity, and not one of the client's forged headers
        assertThat(outcome).isInstanceOfSatisfying(Allowed.class, allowed -> {
            assertThat(allowed.all("x-auth-request-user")).containsExactly("user-1");
            assertThat(allowed.all("x-auth-request-groups")).containsExactly("admins,staff");
            assertThat(allowed.all("x-auth-request-email")).isEmpty();
            assertThat(allowed.all("x-auth-request-preferred-username")).isEmpty();
            assertThat(allowed.all("x-auth-request-access-token")).isEmpty();
            assertThat(allowed.all("authorization")).containsExactly("Bearer " + token);
        });
    }

    @Test
    @DisplayName("The routes rule applies to the original path after the prefix, whatever the method")
    void routesSeeTheOriginalPath() {
        String admin = "Bearer " + token(c -> c);
        String staff = "Bearer " + token(c -> c.claim("groups", List.of("staff")));

        for (String method : List.of("GET", "POST", "DELETE", "HEAD", "OPTIONS")) {
            assertThat(envoy.handle(runtime.port(), request(method, "/admin/users/7", "authorization", admin)))
                    .as(method).isInstanceOf(Allowed.class);
            assertThat(envoy.handle(runtime.port(), request(method, "/admin/users/7", "authorization", staff)))
                    .as(method).isInstanceOfSatisfying(Denied.class, denied -> assertThat(denied.status()).isEqualTo(403));
        }
        assertThat(envoy.handle(runtime.port(), request("GET", "/shop/../admin?q=a|b", "authorization", staff)))
                .isInstanceOfSatisfying(Denied.class, denied -> assertThat(denied.status()).isEqualTo(403));
        assertThat(envoy.handle(runtime.port(), request("GET", "/", "authorization", staff))).isInstanceOf(Allowed.class);
    }

    @Test
    @DisplayName("A bad token is denied with 401, and its WWW-Authenticate reaches the client")
    void unauthorized() {
        var outcome = envoy.handle(runtime.port(), request("GET", "/shop", "authorization", "Bearer not.a.token"));

        assertThat(outcome).isInstanceOfSatisfying(Denied.class, denied -> {
            assertThat(denied.status()).isEqualTo(401);
            assertThat(denied.first("www-authenticate")).startsWith("Bearer error=\"invalid_token\"");
        });
    }

    @Test
    @DisplayName("When nothing can decide, the runtime's 503 reaches the client as 503 (status_on_error), not as Envoy's default 403")
    void undecidable() {
        String token = Tokens.sign(key, JWSAlgorithm.ES256, Tokens.accessClaims(downIssuer, "api", clock.instant()).build());

        var outcome = envoy.handle(runtime.port(), request("GET", "/shop", "authorization", "Bearer " + token));

        assertThat(outcome).isInstanceOfSatisfying(Failed.class, failed -> assertThat(failed.status()).isEqualTo(503));
    }

    @Test
    @DisplayName("With login.md's additions (accept, cookie), a browser without a session is sent to the login and back to its page; without accept it gets 401")
    void browserIsSentToTheLogin() throws Exception {
        // Given the filter with what login.md adds for sessions
        String guide = Files.readString(Path.of("..", "docs", "login.md"));
        String envoySection = guide.substring(guide.indexOf("### Envoy\n"), guide.indexOf("## Keycloak"));
        assertThat(envoySection).contains("{exact: cookie, ignore_case: true}", "{exact: accept, ignore_case: true}",
                "{exact: set-cookie, ignore_case: true}");
        EnvoyExtAuthz withSessions = new EnvoyExtAuthz(envoy.pathPrefix(),
                Stream.concat(envoy.allowedHeaders().stream(), Stream.of(new Matcher("cookie", null, true), new Matcher("accept", null, true))).toList(),
                envoy.upstream(), Stream.concat(envoy.client().stream(), Stream.of(new Matcher("set-cookie", null, true))).toList(),
                List.of(new Matcher("set-cookie", null, true)), envoy.statusOnError());

        // When a browser opens a page
        var outcome = withSessions.handle(runtime.port(), request("GET", "/orders?id=7", "accept", "text/html,application/xhtml+xml"));

        // Then Envoy answers with the runtime's redirect, whose relative Location the browser resolves on the page's origin
        assertThat(outcome).isInstanceOfSatisfying(Denied.class, denied -> {
            assertThat(denied.status()).isEqualTo(302);
            assertThat(denied.first("location")).isEqualTo("/oauth2/start?rd=%2Forders%3Fid%3D7");
        });
        // And without accept in allowed_headers the runtime cannot tell a browser: 401
        assertThat(envoy.handle(runtime.port(), request("GET", "/orders", "accept", "text/html")))
                .isInstanceOfSatisfying(Denied.class, denied -> assertThat(denied.status()).isEqualTo(401));
    }
}
