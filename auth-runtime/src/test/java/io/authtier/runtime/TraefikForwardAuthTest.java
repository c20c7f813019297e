package io.authtier.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import io.authtier.runtime.testsupport.DocSnippets;
import io.authtier.runtime.testsupport.FreePorts;
import io.authtier.runtime.testsupport.JwksServer;
import io.authtier.runtime.testsupport.MutableClock;
import io.authtier.runtime.testsupport.RunningRuntime;
import io.authtier.runtime.testsupport.SigningKeys;
import io.authtier.runtime.testsupport.Tokens;
import io.authtier.runtime.testsupport.TraefikForwardAuth;
import io.authtier.runtime.testsupport.TraefikForwardAuth.Answered;
import io.authtier.runtime.testsupport.TraefikForwardAuth.Forwarded;
import io.authtier.runtime.testsupport.TraefikForwardAuth.Incoming;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The runtime behind Traefik's {@code forwardAuth}, configured as docs/auth-runtime.md's Middleware says: each test
 * sends the runtime the request that Traefik sends ({@link TraefikForwardAuth}, from forward.go) and does with the
 * answer what Traefik does. Traefik itself cannot be installed on these machines.
 */
@DisplayName("Traefik forwardAuth in front of the runtime, as documented")
class TraefikForwardAuthTest {

    @TempDir
    static Path dir;
    static JwksServer issuer;
    static ECKey key;
    static MutableClock clock;
    static String downIssuer;
    static RunningRuntime runtime;
    static TraefikForwardAuth traefik;

    @BeforeAll
    static void start() throws Exception {
        key = new ECKeyGenerator(Curve.P_256).keyID("traefik-1").generate();
        issuer = new JwksServer("traefik", List.of(key.toPublicJWK()));
        clock = new MutableClock(Instant.now());
        // An issuer that never answers: its tokens cannot be decided (503)
        downIssuer = "http://127.0.0.1:" + FreePorts.next() + "/realms/down";
        runtime = RunningRuntime.start("""
                issuers:
                - {name: main, issuerUrl: '%s', audiences: [api], allowedAlgorithms: [ES256]}
                - {name: down, issuerUrl: '%s', audiences: [api], allowedAlgorithms: [ES256]}
                routes:
                - {pathPrefix: /billing, allowedGroups: [billing]}
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
        traefik = TraefikForwardAuth.documented(DocSnippets.yaml("auth-runtime.md", "### Traefik (`forwardAuth`)")
                .path("spec").path("forwardAuth"), runtime.port());
        String admin = token(c -> c);
        await().atMost(Duration.ofSeconds(20)).ignoreExceptions()
                .until(() -> traefik.handle(request("GET", "/shop", "Authorization", "Bearer " + admin)) instanceof Forwarded);
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

    /** A browser's request to https://shop.example.com{requestUri}, from 203.0.113.7, with header name/value pairs. */
    static Incoming request(String method, String requestUri, String... headers) {
        List<Map.Entry<String, String>> list = new ArrayList<>();
        for (int i = 0; i < headers.length; i += 2) {
            list.add(Map.entry(headers[i], headers[i + 1]));
        }
        return new Incoming(method, "shop.example.com", requestUri, true, "203.0.113.7", List.copyOf(list));
    }

    @Test
    @DisplayName("A valid token passes: the upstream gets the identity, and none of the client's own identity headers")
    void identityReachesTheUpstream() {
        // Given a token without email, and a client that forges every identity header
        String token = token(c -> c.claim("email", null));
        List<String> forged = List.of("X-Auth-Request-User", "X-Auth-Request-Subject", "X-Auth-Request-Issuer",
                "X-Auth-Request-Email", "X-Auth-Request-Preferred-Username", "X-Auth-Request-Groups");
        List<String> headers = new ArrayList<>(List.of("Authorization", "Bearer " + token));
        forged.forEach(name -> headers.addAll(List.of(name, "forged")));

        // When Traefik asks about it
        var outcome = traefik.handle(request("GET", "/shop/cart", headers.toArray(String[]::new)));

        // Then it goes upstream with the token's identity; the email the token lacks is gone, not the client's
        assertThat(outcome).isInstanceOf(Forwarded.class);
        Forwarded upstream = (Forwarded) outcome;
        assertThat(upstream.all("X-Auth-Request-User")).containsExactly("user-1");
        assertThat(upstream.all("X-Auth-Request-Groups")).containsExactly("admins,staff");
        assertThat(upstream.all("X-Auth-Request-Email")).isEmpty();
        assertThat(forged).allSatisfy(name -> assertThat(upstream.all(name)).doesNotContain("forged"));
        // And every identity header the runtime can answer with is in the documented authResponseHeaders
        assertThat(traefik.authResponseHeaders()).containsAll(forged);
    }

    @Test
    @DisplayName("The documented address's query rule and the routes rule of X-Forwarded-Uri both apply; a client's X-Forwarded-Uri is overwritten")
    void rulesSeeTheOriginalRequest() {
        String admin = token(c -> c);
        String billing = token(c -> c.claim("groups", List.of("admins", "billing")));
        String staff = token(c -> c.claim("groups", List.of("staff")));

        // Traefik asks with GET and names the original POST and path in X-Forwarded-Method and -Uri
        assertThat(traefik.handle(request("POST", "/billing/invoices?id=7", "Authorization", "Bearer " + billing)))
                .isInstanceOf(Forwarded.class);
        // The routes rule of /billing, not of the /shop the client claims
        var spoofed = traefik.handle(request("POST", "/billing/invoices", "Authorization", "Bearer " + admin, "X-Forwarded-Uri", "/shop"));
        assertThat(spoofed).isInstanceOfSatisfying(Answered.class, answered -> {
            assertThat(answered.status()).isEqualTo(403);
            assertThat(answered.answer().first("WWW-Authenticate")).contains("insufficient_scope");
        });
        // The address's ?allowed_groups=admins
        assertThat(traefik.handle(request("GET", "/shop", "Authorization", "Bearer " + staff)))
                .isInstanceOfSatisfying(Answered.class, answered -> assertThat(answered.status()).isEqualTo(403));
    }

    @Test
    @DisplayName("A client's Expect: 100-continue, which Traefik copies onto its bodiless GET, is answered all the same")
    void expectContinue() {
        String admin = token(c -> c);

        var outcome = traefik.handle(request("POST", "/shop/upload", "Authorization", "Bearer " + admin, "Expect", "100-continue",
                "Content-Type", "application/octet-stream"));

        assertThat(outcome).isInstanceOf(Forwarded.class);
    }

    @Test
    @DisplayName("A bad token gets 401 with its challenge, which Traefik hands to the client")
    void unauthorized() {
        var outcome = traefik.handle(request("GET", "/shop", "Authorization", "Bearer not.a.token", "Accept", "application/json"));

        assertThat(outcome).isInstanceOfSatisfying(Answered.class, answered -> {
            assertThat(answered.status()).isEqualTo(401);
            assertThat(answered.answer().first("WWW-Authenticate")).startsWith("Bearer error=\"invalid_token\"");
        });
    }

    @Test
    @DisplayName("A browser without a session is sent to the login on its own host, not to the runtime's Service address")
    void browserIsSentToTheLoginOnItsHost() {
        // When a browser opens a page and Traefik asks (it resolves a relative Location against the auth address)
        var outcome = traefik.handle(request("GET", "/app/orders?id=7", "Accept", "text/html,application/xhtml+xml"));

        // Then the browser is sent to /oauth2/start on shop.example.com, over https, and back to the page afterwards
        assertThat(outcome).isInstanceOfSatisfying(Answered.class, answered -> {
            assertThat(answered.status()).isEqualTo(302);
            assertThat(answered.location()).isEqualTo("https://shop.example.com/oauth2/start?rd=%2Fapp%2Forders%3Fid%3D7");
        });
    }

    @Test
    @DisplayName("A browser on a host that may not log in gets no absolute redirect to it")
    void otherHostIsNotNamed() {
        var outcome = traefik.handle(new Incoming("GET", "evil.example", "/app", true, "203.0.113.7",
                List.of(Map.entry("Accept", "text/html"))));

        assertThat(outcome).isInstanceOfSatisfying(Answered.class, answered -> {
            assertThat(answered.status()).isEqualTo(302);
            assertThat(answered.answer().first("Location")).startsWith("/oauth2/start");
        });
    }

    @Test
    @DisplayName("When nothing can decide (the issuer never answered), Traefik hands the 503 and its Retry-After to the client")
    void undecidable() {
        String token = Tokens.sign(key, JWSAlgorithm.ES256, Tokens.accessClaims(downIssuer, "api", clock.instant()).build());

        var outcome = traefik.handle(request("GET", "/shop", "Authorization", "Bearer " + token));

        assertThat(outcome).isInstanceOfSatisfying(Answered.class, answered -> {
            assertThat(answered.status()).isEqualTo(503);
            assertThat(answered.answer().first("Retry-After")).isNotNull();
        });
    }
}
