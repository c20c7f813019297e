package io.authtier.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import io.authtier.runtime.testsupport.Http;
import io.authtier.runtime.testsupport.JwksServer;
import io.authtier.runtime.testsupport.MutableClock;
import io.authtier.runtime.testsupport.RunningRuntime;
import io.authtier.runtime.testsupport.Tokens;
import java.net.InetAddress;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The runtime end to end: two issuers, one a real OIDC server (mock-oauth2-server, RS256), one a JWKS
 * served over HTTP by the test (PS256 and ES256 keys the test signs with).
 */
@DisplayName("Forward auth with JWT access tokens")
class ForwardAuthTest {

    static final Duration REFETCH = Duration.ofSeconds(30);
    static MockOAuth2Server idp;
    static JwksServer partner;
    static RSAKey psKey;
    static ECKey esKey;
    static MutableClock clock;
    static RunningRuntime runtime;

    @BeforeAll
    static void start() throws Exception {
        idp = new MockOAuth2Server();
        idp.start(InetAddress.getLoopbackAddress(), 0);
        psKey = new RSAKeyGenerator(2048).keyID("ps-1").generate();
        esKey = new ECKeyGenerator(Curve.P_256).keyID("es-1").generate();
        partner = new JwksServer("partner", List.of(psKey.toPublicJWK(), esKey.toPublicJWK()));
        clock = new MutableClock(Instant.now());
        runtime = RunningRuntime.start("""
                issuers:
                - name: main
                  issuerUrl: %s
                  audiences: [shop-api]
                - name: partner
                  issuerUrl: %s
                  audiences: [partner-api, other-api]
                  allowedAlgorithms: [PS256, ES256]
                """.formatted(idp.issuerUrl("main"), partner.issuer()), clock, policy -> policy.withRefetchInterval(REFETCH));
        await().atMost(Duration.ofSeconds(20)).until(() -> runtime.management("/readyz").statusCode() == 200);
    }

    @AfterAll
    static void stop() {
        runtime.close();
        partner.close();
        idp.shutdown();
    }

    static String mainToken(Map<String, Object> claims) {
        return idp.issueToken("main", "user-42", "shop-api", claims).serialize();
    }

    static String partnerToken(JWSAlgorithm alg) {
        return Tokens.sign(alg == JWSAlgorithm.ES256 ? esKey : psKey, alg,
                Tokens.accessClaims(partner.issuer(), "partner-api", clock.instant()).build());
    }

    @Test
    @DisplayName("An RS256 token from the OIDC server passes with the identity headers")
    void rs256FromIdp() {
        // Given a token that the IdP issued
        String token = mainToken(Map.of("email", "grace@example.com", "preferred_username", "grace", "groups", List.of("ops", "dev")));

        // When the ingress asks
        HttpResponse<String> response = runtime.auth(token);

        // Then it passes, and the headers say who it is
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("X-Auth-Request-User")).hasValue("user-42");
        assertThat(response.headers().firstValue("X-Auth-Request-Subject")).hasValue("user-42");
        assertThat(response.headers().firstValue("X-Auth-Request-Issuer")).hasValue(idp.issuerUrl("main").toString());
        assertThat(response.headers().firstValue("X-Auth-Request-Email")).hasValue("grace@example.com");
        assertThat(response.headers().firstValue("X-Auth-Request-Preferred-Username")).hasValue("grace");
        assertThat(response.headers().firstValue("X-Auth-Request-Groups")).hasValue("ops,dev");
    }

    @Test
    @DisplayName("An email that the IdP says is not verified is not passed on: a user-chosen address must not name an account upstream")
    void unverifiedEmailIsLeftOut() {
        // Given tokens whose email_verified is false (JSON or text), true, or absent
        String unverified = mainToken(Map.of("email", "ceo@shop.example.com", "email_verified", false));
        String unverifiedText = mainToken(Map.of("email", "ceo@shop.example.com", "email_verified", "false"));
        String verified = mainToken(Map.of("email", "grace@example.com", "email_verified", true));
        String silent = mainToken(Map.of("email", "grace@example.com"));

        // Then each passes, and only the first two leave the email out
        for (String token : List.of(unverified, unverifiedText)) {
            HttpResponse<String> response = runtime.auth(token);
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.headers().firstValue("X-Auth-Request-User")).hasValue("user-42");
            assertThat(response.headers().firstValue("X-Auth-Request-Email")).isEmpty();
        }
        assertThat(runtime.auth(verified).headers().firstValue("X-Auth-Request-Email")).hasValue("grace@example.com");
        assertThat(runtime.auth(silent).headers().firstValue("X-Auth-Request-Email")).hasValue("grace@example.com");
    }

    @ParameterizedTest(name = "sub \"{0}\"")
    @ValueSource(strings = {"Zoë", "line\nbreak", "a\u0000b", " alice", "alice ", "   "})
    @DisplayName("A sub that cannot be passed on as it is (not printable ASCII, or spaces at its ends) is refused: never a 200 without a usable identity")
    void unpassableSubjectIsRefused(String subject) {
        // Given a correctly signed token whose sub no header could carry unchanged
        String token = Tokens.sign(psKey, JWSAlgorithm.PS256, Tokens.accessClaims(partner.issuer(), "partner-api", clock.instant())
                .subject(subject).build());

        // When the ingress asks
        HttpResponse<String> response = runtime.auth(token);

        // Then it is refused like a token without sub
        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(response.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(v -> assertThat(v).contains("invalid_token"));
        assertThat(response.headers().firstValue("X-Auth-Request-User")).isEmpty();
    }

    @Test
    @DisplayName("Groups with spaces at their ends are left out of X-Auth-Request-Groups, so the upstream never reads ' admins' as admins")
    void groupsThatWouldBeTrimmedAreLeftOut() {
        String token = mainToken(Map.of("groups", List.of("admins ", " staff", "ops")));

        HttpResponse<String> response = runtime.auth(token);

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("X-Auth-Request-Groups")).hasValue("ops");
        assertThat(runtime.get("/auth?allowed_groups=admins", "Authorization", "Bearer " + token).statusCode()).isEqualTo(403);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"PS256", "ES256"})
    @DisplayName("PS256 and ES256 tokens of the second issuer pass, also on the second and later requests")
    void secondIssuer(String algorithm) {
        // Given a token of the second issuer
        String token = partnerToken(JWSAlgorithm.parse(algorithm));

        // When it is presented twice (the second time from the verified-token cache)
        HttpResponse<String> first = runtime.auth(token);
        HttpResponse<String> second = runtime.auth(token);

        // Then both pass
        assertThat(List.of(first.statusCode(), second.statusCode())).containsExactly(200, 200);
        assertThat(second.headers().firstValue("X-Auth-Request-Issuer")).hasValue(partner.issuer());
        assertThat(second.headers().firstValue("X-Auth-Request-Groups")).hasValue("admins,staff");
        assertThat(runtime.management("/metrics").body())
                .contains("authtier_cache_requests_total{result=\"hit\",tier=\"l1\"}")
                .contains("authtier_token_validations_total{issuer=\"partner\",method=\"jwt\",result=\"accepted\"}");
    }

    @Test
    @DisplayName("Keycloak-shaped access tokens (typ claim Bearer, aud list) and RFC 9068 at+jwt tokens pass")
    void accessTokenShapes() {
        // Given a token as Keycloak issues it, and one typed at+jwt
        String keycloak = Tokens.sign(psKey, JWSAlgorithm.PS256, Tokens.accessClaims(partner.issuer(), "partner-api", clock.instant())
                .audience(List.of("account", "other-api")).claim("typ", "Bearer").claim("azp", "shop-web").build());
        String rfc9068 = Tokens.sign(esKey, JWSAlgorithm.ES256, Tokens.accessClaims(partner.issuer(), "partner-api", clock.instant()).build(),
                header -> header.type(new com.nimbusds.jose.JOSEObjectType("at+jwt")));

        // Then both pass
        assertThat(runtime.auth(keycloak).statusCode()).isEqualTo(200);
        assertThat(runtime.auth(rfc9068).statusCode()).isEqualTo(200);
    }

    @Test
    @DisplayName("Without a token the answer is 401 with a bare Bearer challenge, and client copies of identity headers are not echoed")
    void noToken() {
        // When a request comes without Authorization but with forged identity headers
        HttpResponse<String> response = runtime.get("/auth", "X-Auth-Request-User", "admin", "X-Auth-Request-Groups", "admins");

        // Then
        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(response.headers().firstValue("WWW-Authenticate")).hasValue("Bearer");
        assertThat(response.headers().firstValue("X-Auth-Request-User")).isEmpty();
        assertThat(response.headers().firstValue("X-Auth-Request-Groups")).isEmpty();
    }

    @Test
    @DisplayName("A valid token with forged identity headers gets the token's identity, not the client's")
    void forgedHeadersIgnored() {
        // Given a valid token and a forged user header
        String token = partnerToken(JWSAlgorithm.ES256);

        // When
        HttpResponse<String> response = runtime.get("/auth", "Authorization", "Bearer " + token, "X-Auth-Request-User", "admin");

        // Then
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().allValues("X-Auth-Request-User")).containsExactly("user-1");
    }

    @Test
    @DisplayName("The Bearer scheme is matched case-insensitively; other schemes get 401")
    void scheme() {
        String token = partnerToken(JWSAlgorithm.PS256);

        assertThat(runtime.get("/auth", "Authorization", "bEaReR " + token).statusCode()).isEqualTo(200);
        HttpResponse<String> basic = runtime.get("/auth", "Authorization", "Basic dXNlcjpwYXNz");
        assertThat(basic.statusCode()).isEqualTo(401);
        assertThat(basic.headers().firstValue("WWW-Authenticate")).hasValue("Bearer");
    }

    @Test
    @DisplayName("Access rules in the auth URL's query: a principal outside them gets 403, inside 200")
    void accessRules() {
        // Given a token in groups admins and staff, role shop-admin, scopes openid and orders:read
        String token = partnerToken(JWSAlgorithm.ES256);
        String auth = "Bearer " + token;

        // Then each rule decides
        assertThat(runtime.get("/auth?allowed_groups=finance,admins", "Authorization", auth).statusCode()).isEqualTo(200);
        HttpResponse<String> forbidden = runtime.get("/auth?allowed_groups=finance", "Authorization", auth);
        assertThat(forbidden.statusCode()).isEqualTo(403);
        assertThat(forbidden.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(v -> assertThat(v).startsWith("Bearer error=\"insufficient_scope\""));
        assertThat(forbidden.headers().firstValue("X-Auth-Request-User")).isEmpty();
        assertThat(runtime.get("/auth?allowed_roles=shop-admin", "Authorization", auth).statusCode()).isEqualTo(200);
        assertThat(runtime.get("/auth?allowed_roles=root", "Authorization", auth).statusCode()).isEqualTo(403);
        assertThat(runtime.get("/auth?required_scopes=openid,orders:read", "Authorization", auth).statusCode()).isEqualTo(200);
        assertThat(runtime.get("/auth?required_scopes=orders:read,orders:write", "Authorization", auth).statusCode()).isEqualTo(403);
        assertThat(runtime.get("/auth?allowed_groups=admins&allowed_roles=root", "Authorization", auth).statusCode()).isEqualTo(403);
    }

    @Test
    @DisplayName("Scopes are read from scope and scp, each as a space-separated string or an array, and the two are joined")
    void scopeClaimShapes() {
        // Given tokens carrying their scopes as Entra ID (scp string), as an array under scope, and under both
        String entra = "Bearer " + scopedToken(Map.of("scp", "orders.read orders.write"));
        String scopeArray = "Bearer " + scopedToken(Map.of("scope", List.of("orders.read", "orders.write")));
        String both = "Bearer " + scopedToken(Map.of("scope", "openid orders.read", "scp", List.of("orders.write")));

        // Then each scope counts on its own, whichever claim and form carried it
        for (String auth : List.of(entra, scopeArray)) {
            assertThat(runtime.get("/auth?required_scopes=orders.read", "Authorization", auth).statusCode()).isEqualTo(200);
            assertThat(runtime.get("/auth?required_scopes=orders.read,orders.write", "Authorization", auth).statusCode()).isEqualTo(200);
            assertThat(runtime.get("/auth?required_scopes=orders.delete", "Authorization", auth).statusCode()).isEqualTo(403);
        }
        assertThat(runtime.get("/auth?required_scopes=openid,orders.read,orders.write", "Authorization", both).statusCode()).isEqualTo(200);
        assertThat(runtime.get("/auth?required_scopes=orders.delete", "Authorization", both).statusCode()).isEqualTo(403);
    }

    /** A partner token whose scope claims are exactly {@code scopeClaims} (the default {@code scope} removed). */
    static String scopedToken(Map<String, Object> scopeClaims) {
        var claims = Tokens.accessClaims(partner.issuer(), "partner-api", clock.instant()).claim("scope", null);
        scopeClaims.forEach(claims::claim);
        return Tokens.sign(esKey, JWSAlgorithm.ES256, claims.build());
    }

    @Test
    @DisplayName("An access rule with a malformed escape fails closed with 500, and the service keeps answering")
    void malformedRule() throws Exception {
        String auth = "Bearer " + partnerToken(JWSAlgorithm.ES256);

        // When a raw request carries a query no URI class would build
        String statusLine;
        try (java.net.Socket socket = new java.net.Socket(InetAddress.getLoopbackAddress(), runtime.port())) {
            socket.getOutputStream().write(("GET /auth?allowed_groups=%zz HTTP/1.1\r\nHost: x\r\nAuthorization: " + auth
                    + "\r\nConnection: close\r\n\r\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            statusLine = new java.io.BufferedReader(new java.io.InputStreamReader(socket.getInputStream(),
                    java.nio.charset.StandardCharsets.US_ASCII)).readLine();
        }

        // Then
        assertThat(statusLine).isEqualTo("HTTP/1.1 500 Internal Server Error");
        assertThat(runtime.get("/auth", "Authorization", auth).statusCode()).isEqualTo(200);
        // And a misconfigured auth URL, which fails every request it serves, does not write a log line per request
        ch.qos.logback.classic.Logger routerLog = (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(
                io.authtier.runtime.http.AuthRouter.class);
        var lines = new ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent>();
        lines.start();
        routerLog.addAppender(lines);
        try {
            for (int i = 0; i < 20; i++) {
                assertThat(runtime.get("/auth?allowed_group=admins", "Authorization", auth).statusCode()).isEqualTo(500);
            }
        } finally {
            routerLog.detachAppender(lines);
        }
        assertThat(lines.list).hasSizeLessThanOrEqualTo(1);
        // And the failure is recorded for the endpoint the request was for, not under an undocumented label
        assertThat(runtime.management("/metrics").body())
                .contains("authtier_http_request_duration_seconds_count{endpoint=\"auth\",status=\"500\"}")
                .doesNotContain("endpoint=\"error\"");
    }

    @Test
    @DisplayName("Envoy ext_authz: /ext-authz/<original path> answers 200 for a good token and 401 for a bad one")
    void extAuthz() {
        String token = partnerToken(JWSAlgorithm.PS256);

        HttpResponse<String> ok = runtime.get("/ext-authz/orders/17?x=1", "Authorization", "Bearer " + token);
        HttpResponse<String> bad = runtime.get("/ext-authz/orders/17", "Authorization", "Bearer " + token + "x");

        assertThat(ok.statusCode()).isEqualTo(200);
        assertThat(ok.headers().firstValue("X-Auth-Request-User")).hasValue("user-1");
        assertThat(bad.statusCode()).isEqualTo(401);
        assertThat(runtime.get("/elsewhere").statusCode()).isEqualTo(404);
    }

    @Test
    @DisplayName("Envoy ext_authz: a 200 names every identity header it does not set for removal, so a client's forged copy never reaches the upstream")
    void extAuthzRemovesUnsetIdentityHeaders() {
        // Given a token without email, preferred_username or groups, and a client that forges those headers
        String token = mainToken(Map.of());
        String[] forged = {"Authorization", "Bearer " + token, "X-Auth-Request-Email", "boss@example.com",
                "X-Auth-Request-Groups", "admins", "X-Auth-Request-Access-Token", "forged"};

        // When Envoy asks, twice (the second answer from the verified-token cache), and nginx asks on /auth
        List<HttpResponse<String>> envoy = List.of(runtime.get("/ext-authz/orders", forged), runtime.get("/ext-authz/orders", forged));
        HttpResponse<String> nginx = runtime.get("/auth", forged);

        // Then Envoy is told to remove exactly the identity headers the answer lacks (never Authorization: it is the checked token)
        for (HttpResponse<String> answer : envoy) {
            assertThat(answer.statusCode()).isEqualTo(200);
            assertThat(answer.headers().allValues("x-envoy-auth-headers-to-remove")).containsExactly(
                    "x-auth-request-email,x-auth-request-preferred-username,x-auth-request-groups,x-auth-request-access-token");
            assertThat(answer.headers().firstValue("X-Auth-Request-User")).hasValue("user-42");
            assertThat(answer.headers().firstValue("X-Auth-Request-Email")).isEmpty();
        }
        // And /auth carries no such header: nginx and Traefik replace or drop every header they copy
        assertThat(nginx.statusCode()).isEqualTo(200);
        assertThat(nginx.headers().firstValue("x-envoy-auth-headers-to-remove")).isEmpty();
        // And a refusal carries none either (Envoy forwards nothing then)
        assertThat(runtime.get("/ext-authz/orders", "Authorization", "Bearer " + token + "x").headers()
                .firstValue("x-envoy-auth-headers-to-remove")).isEmpty();
    }

    @Test
    @DisplayName("The management port serves health, readiness and Prometheus metrics with the contract's names")
    void management() {
        // Given some traffic
        runtime.auth(partnerToken(JWSAlgorithm.PS256));

        // Then
        assertThat(runtime.management("/healthz").statusCode()).isEqualTo(200);
        assertThat(runtime.management("/readyz").statusCode()).isEqualTo(200);
        assertThat(runtime.management("/metrics").body())
                .contains("authtier_http_requests_in_flight ")
                .contains("authtier_http_request_duration_seconds_bucket{endpoint=\"auth\"")
                .contains("authtier_jwks_refreshes_total{issuer=\"partner\",result=\"success\",trigger=\"startup\"} 1.0")
                .contains("authtier_jwks_refreshes_total{issuer=\"main\",result=\"success\",trigger=\"startup\"} 1.0");
    }

    @Test
    @DisplayName("Key rotation at the IdP: a token with a new kid passes without a restart")
    void rotation() throws Exception {
        // Given the partner starts signing with a new key, published in its JWKS
        RSAKey rotated = new RSAKeyGenerator(2048).keyID("ps-2").generate();
        partner.setKeys(List.of(rotated.toPublicJWK(), psKey.toPublicJWK(), esKey.toPublicJWK()));
        clock.advance(REFETCH.plusSeconds(1));
        String token = Tokens.sign(rotated, JWSAlgorithm.PS256, Tokens.accessClaims(partner.issuer(), "partner-api", clock.instant()).build());

        // When a token signed with it arrives
        HttpResponse<String> response = runtime.auth(token);

        // Then the runtime refetched the JWKS and accepts it
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(runtime.auth(partnerToken(JWSAlgorithm.ES256)).statusCode()).isEqualTo(200);
    }

    @Test
    @DisplayName("A flood of unknown kids costs the IdP at most one JWKS fetch per interval, and every one gets 401")
    void unknownKidFlood() throws Exception {
        // Given the refetch interval has passed since the last fetch
        clock.advance(REFETCH.plusSeconds(1));
        RSAKey attacker = new RSAKeyGenerator(2048).generate();
        int before = partner.jwksRequests();

        // When 60 tokens with different unknown kids arrive at once
        List<CompletableFuture<HttpResponse<String>>> responses = IntStream.range(0, 60)
                .mapToObj(i -> Tokens.sign(new RSAKey.Builder(attacker).keyID("unknown-" + i).build(), JWSAlgorithm.PS256,
                        Tokens.accessClaims(partner.issuer(), "partner-api", clock.instant()).build()))
                .map(token -> Http.client().sendAsync(Http.request(runtime.port(), "/auth", "Authorization", "Bearer " + token),
                        HttpResponse.BodyHandlers.ofString()))
                .toList();

        // Then all are refused, and the JWKS was fetched at most once
        assertThat(responses).allSatisfy(future -> assertThat(future.join().statusCode()).isEqualTo(401));
        assertThat(partner.jwksRequests() - before).isLessThanOrEqualTo(1);

        // And within the same interval, more unknown kids fetch nothing
        int after = partner.jwksRequests();
        assertThat(runtime.auth(Tokens.sign(new RSAKey.Builder(attacker).keyID("unknown-x").build(), JWSAlgorithm.PS256,
                Tokens.accessClaims(partner.issuer(), "partner-api", clock.instant()).build())).statusCode()).isEqualTo(401);
        assertThat(partner.jwksRequests()).isEqualTo(after);
        assertThat(runtime.management("/metrics").body())
                .contains("authtier_jwks_refreshes_total{issuer=\"partner\",result=\"rate_limited\",trigger=\"request\"}");

        // And good tokens still pass
        assertThat(runtime.auth(partnerToken(JWSAlgorithm.ES256)).statusCode()).isEqualTo(200);
    }
}
