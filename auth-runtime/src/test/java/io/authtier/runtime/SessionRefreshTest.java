package io.authtier.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.authtier.runtime.redis.RedisServers;
import io.authtier.runtime.session.redis.RedisSessionBytes;
import io.authtier.runtime.testsupport.Browser;
import io.authtier.runtime.testsupport.MutableClock;
import io.authtier.runtime.testsupport.RefreshLoginConfig;
import io.authtier.runtime.testsupport.RunningRuntime;
import io.authtier.runtime.testsupport.SigningKeys;
import io.authtier.runtime.testsupport.TokenEndpointFaults;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import no.nav.security.mock.oauth2.token.DefaultOAuth2TokenCallback;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Refreshing a session's access token through {@code /auth}, against a real OIDC server and Redis, with the
 * runtime's clock moved instead of waiting for the token to expire.
 */
@DisplayName("Session refresh")
class SessionRefreshTest {

    static final String COOKIE = "__Host-authtier";

    @TempDir
    Path dir;
    MockOAuth2Server idp;
    TokenEndpointFaults faults = new TokenEndpointFaults();
    RedisServers.Server redis;
    MutableClock clock;
    RunningRuntime runtime;

    @BeforeEach
    void start() throws IOException {
        idp = new MockOAuth2Server(faults);
        idp.start(java.net.InetAddress.getLoopbackAddress(), 0);
        redis = RedisServers.standalone(dir);
        Path k1 = SigningKeys.write(dir, "k1");
        clock = new MutableClock(Instant.now());
        runtime = RunningRuntime.start(config(k1, "500ms"), clock, policy -> policy);
        await().atMost(Duration.ofSeconds(20)).until(() -> runtime.management("/readyz").statusCode() == 200);
    }

    /** The runtime's configuration: this test's IdP and Redis, and {@code sessions.localCacheTtl}. */
    String config(Path signingKey, String localCacheTtl) {
        return RefreshLoginConfig.yaml(idp.issuerUrl("main").toString(), signingKey, redis.port(), localCacheTtl, "retry: {maxAttempts: 1}");
    }

    @AfterEach
    void stop() {
        runtime.close();
        redis.close();
        idp.shutdown();
    }

    Browser loggedIn(String subject) {
        return loggedIn(subject, Map.of());
    }

    Browser loggedIn(String subject, Map<String, Object> claims) {
        Browser browser = new Browser();
        idp.enqueueCallback(new DefaultOAuth2TokenCallback("main", subject, "JWT", List.of("shop-api"), claims, 600));
        HttpResponse<String> done = browser.logIn("http://127.0.0.1:" + runtime.port() + "/oauth2/start", idp.baseUrl().toString());
        assertThat(done.headers().firstValue("Location")).hasValue("/");
        return browser;
    }

    HttpResponse<String> auth(Browser browser) {
        return auth(browser, "");
    }

    HttpResponse<String> auth(Browser browser, String query) {
        return browser.get("http://127.0.0.1:" + runtime.port() + "/auth" + query);
    }

    double metric(String line) {
        return metricOf(runtime, line);
    }

    static double metricOf(RunningRuntime runtime, String line) {
        return runtime.management("/metrics").body().lines().filter(l -> l.startsWith(line + " "))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
    }

    @Test
    @DisplayName("20 concurrent requests on an expiring session make one refresh; all pass with the new token")
    void oneRefreshForConcurrentRequests() {
        Browser browser = loggedIn("ada");
        String before = auth(browser).headers().firstValue("Authorization").orElseThrow();

        // When the access token is 10 s from expiring (inside the refresh window) and 20 requests arrive at once
        clock.advance(Duration.ofSeconds(590));
        List<CompletableFuture<HttpResponse<String>>> requests = IntStream.range(0, 20)
                .mapToObj(i -> CompletableFuture.supplyAsync(() -> auth(browser))).toList();
        List<HttpResponse<String>> responses = requests.stream().map(CompletableFuture::join).toList();

        // Then all pass, exactly one refresh reached the IdP, and the session now carries the new token
        assertThat(responses).allSatisfy(response -> assertThat(response.statusCode()).isEqualTo(200));
        assertThat(metric("authtier_session_refreshes_total{outcome=\"refreshed\"}")).isEqualTo(1.0);
        String after = auth(browser).headers().firstValue("Authorization").orElseThrow();
        assertThat(after).startsWith("Bearer ").isNotEqualTo(before);
        // And the next requests make no refresh: the new token is far from expiry
        auth(browser);
        assertThat(metric("authtier_session_refreshes_total{outcome=\"refreshed\"}")).isEqualTo(1.0);
    }

    @Test
    @DisplayName("A replica that remembers the session from before another replica refreshed it does not refresh again")
    void secondReplicaSeesTheRefresh() throws IOException {
        try (RunningRuntime a = rememberingReplica(); RunningRuntime b = rememberingReplica()) {
            Browser browser = new Browser();
            // When the token is due for refresh and A refreshes it, then the same cookie reaches B
            String refreshedByA = refreshedAtAWhileBRemembers(a, b, browser);
            HttpResponse<String> atB = browser.get(auth(b));

            // Then B, under the lock, reads the session from Redis, finds the new token and calls nobody
            assertThat(atB.statusCode()).isEqualTo(200);
            assertThat(atB.headers().firstValue("Authorization")).hasValue(refreshedByA);
            assertThat(metricOf(a, "authtier_session_refreshes_total{outcome=\"refreshed\"}")).isEqualTo(1.0);
            assertThat(metricOf(b, "authtier_session_refreshes_total{outcome=\"refreshed\"}")).isEqualTo(0.0);
        }
    }

    @Test
    @DisplayName("A replica that finds the refresh lock still held, though the new tokens are stored, passes the new token, not its remembered one")
    void lockHeldAfterTheRefresh() throws IOException {
        try (RunningRuntime a = rememberingReplica(); RunningRuntime b = rememberingReplica()) {
            Browser browser = new Browser();
            String refreshedByA = refreshedAtAWhileBRemembers(a, b, browser);

            // When the session's refresh lock is held (A's release not yet arrived, or a third replica refreshing)
            String session = redis.command("KEYS", RedisSessionBytes.SESSION_PREFIX + "*").strip();
            assertThat(redis.command("SET", RedisSessionBytes.LOCK_PREFIX + session.substring(RedisSessionBytes.SESSION_PREFIX.length()),
                    "someone-else", "PX", "60000")).isEqualTo("+OK");
            HttpResponse<String> atB = browser.get(auth(b));

            // Then B reads the stored session rather than pass the token it remembered
            assertThat(atB.statusCode()).isEqualTo(200);
            assertThat(atB.headers().firstValue("Authorization")).hasValue(refreshedByA);
            assertThat(metricOf(b, "authtier_session_refreshes_total{outcome=\"refreshed\"}")).isEqualTo(0.0);
        }
    }

    /** A replica on the shared Redis that remembers a session it read for 5 s (the most allowed), once ready. */
    private RunningRuntime rememberingReplica() {
        RunningRuntime replica = RunningRuntime.start(config(dir.resolve("k1"), "5s"), clock, policy -> policy);
        await().atMost(Duration.ofSeconds(20)).until(() -> replica.management("/readyz").statusCode() == 200);
        return replica;
    }

    private static String auth(RunningRuntime replica) {
        return "http://127.0.0.1:" + replica.port() + "/auth";
    }

    /**
     * Logs {@code browser} in at A, lets B read (and remember) the session, then lets A refresh it once its
     * access token is due: B still remembers the session as it was before. Returns A's new token.
     */
    private String refreshedAtAWhileBRemembers(RunningRuntime a, RunningRuntime b, Browser browser) {
        RefreshLoginConfig.logInAcross(browser, idp, a, b);
        clock.advance(Duration.ofSeconds(560));
        HttpResponse<String> atB = browser.get(auth(b));
        assertThat(atB.statusCode()).isEqualTo(200);   // B now remembers the session
        clock.advance(Duration.ofSeconds(30));
        String refreshedByA = browser.get(auth(a)).headers().firstValue("Authorization").orElseThrow();
        assertThat(refreshedByA).isNotEqualTo(atB.headers().firstValue("Authorization").orElseThrow());
        return refreshedByA;
    }

    @Test
    @DisplayName("A refresh reads groups, roles and scopes again: a role taken away at the IdP is gone after it")
    void refreshRereadsAccess() throws Exception {
        Browser browser = loggedIn("ada", Map.of("roles", List.of("admin"), "groups", List.of("staff", "ops")));
        assertThat(auth(browser, "?allowed_roles=admin").statusCode()).isEqualTo(200);
        assertThat(auth(browser, "?allowed_groups=ops").statusCode()).isEqualTo(200);
        assertThat(auth(browser, "?required_scopes=orders.write").statusCode()).isEqualTo(403);

        // The IdP answers the refresh with tokens that no longer carry admin nor ops, a new role, and new
        // scopes as an array (RFC 6749 says a string; the runtime reads scopes as it reads access tokens')
        com.nimbusds.jose.jwk.RSAKey key = new com.nimbusds.jose.jwk.gen.RSAKeyGenerator(2048).keyID("idp").generate();
        String issuer = idp.issuerUrl("main").toString();
        Instant now = clock.instant();
        String access = io.authtier.runtime.testsupport.Tokens.sign(key, com.nimbusds.jose.JWSAlgorithm.RS256,
                io.authtier.runtime.testsupport.Tokens.accessClaims(issuer, "shop-api", now)
                        .subject("ada").claim("realm_access", Map.of("roles", List.of("viewer"))).build());
        String id = idToken("main", "ada", List.of("shop-web"), Map.of("groups", List.of("staff")), 3600, "JWT");
        faults.answerNextRefresh(200, "{\"access_token\":\"" + access + "\",\"token_type\":\"Bearer\",\"expires_in\":600,"
                + "\"refresh_token\":\"rt-2\",\"id_token\":\"" + id + "\",\"scope\":[\"openid\",\"orders.write\"]}");
        clock.advance(Duration.ofSeconds(590));

        HttpResponse<String> refreshed = auth(browser, "?allowed_roles=admin");

        // Then the refresh happened, and the session now holds what the new tokens say
        assertThat(metric("authtier_session_refreshes_total{outcome=\"refreshed\"}")).isEqualTo(1.0);
        assertThat(refreshed.statusCode()).isEqualTo(403);
        assertThat(auth(browser, "?allowed_roles=viewer").statusCode()).isEqualTo(200);
        assertThat(auth(browser, "?allowed_groups=ops").statusCode()).isEqualTo(403);
        HttpResponse<String> staff = auth(browser, "?allowed_groups=staff");
        assertThat(staff.statusCode()).isEqualTo(200);
        assertThat(staff.headers().firstValue("Authorization")).hasValue("Bearer " + access);
        assertThat(staff.headers().firstValue("X-Auth-Request-Groups")).hasValue("staff");
        assertThat(auth(browser, "?required_scopes=openid,orders.write").statusCode()).isEqualTo(200);
    }

    /** An ID token signed by the IdP with the key of {@code issuerId} (the mock's clock: valid {@code expiry} s from now). */
    private String idToken(String issuerId, String subject, List<String> audience, Map<String, Object> claims, long expiry, String typ) {
        return idp.issueToken(issuerId, "shop-web", new DefaultOAuth2TokenCallback(issuerId, subject, typ, audience, claims, expiry)).serialize();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"another subject, mallory, shop-web, main", "another audience, ada, someone-else, main", "another issuer, ada, shop-web, evil"})
    @DisplayName("A refresh answered with an ID token of another sub, aud or iss (OIDC Core 12.2) ends the session; nothing of it is used")
    void refreshForAnotherUser(String name, String subject, String audience, String issuerId) throws Exception {
        Browser browser = loggedIn("ada", Map.of("groups", List.of("customers")));
        String id = idToken(issuerId, subject, List.of(audience), Map.of("groups", List.of("admins")), 3600, "JWT");
        faults.answerNextRefresh(200, "{\"access_token\":\"at-2\",\"token_type\":\"Bearer\",\"expires_in\":600,"
                + "\"refresh_token\":\"rt-2\",\"id_token\":\"" + id + "\",\"scope\":[\"openid\",\"orders.write\"]}");
        clock.advance(Duration.ofSeconds(590));

        HttpResponse<String> answer = auth(browser, "?allowed_groups=admins");

        assertThat(answer.statusCode()).isEqualTo(401);
        assertThat(answer.headers().firstValue("X-Auth-Request-Groups")).isEmpty();
        assertThat(metric("authtier_session_refreshes_total{outcome=\"id_token_mismatch\"}")).isEqualTo(1.0);
        assertThat(auth(browser).statusCode()).isEqualTo(401);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"another subject", "another issuer", "no subject"})
    @DisplayName("A refresh answered without an ID token but with another user's JWT access token ends the session; nothing of it is used")
    void refreshWithAnotherUsersAccessToken(String name) throws Exception {
        Browser browser = loggedIn("ada");
        Map<String, Object> admin = Map.of("realm_access", Map.of("roles", List.of("admin")));
        String access = switch (name) {
            case "another subject" -> idp.issueToken("main", "bob", "shop-api", admin, 3600).serialize();
            case "another issuer" -> idp.issueToken("evil", "ada", "shop-api", admin, 3600).serialize();
            case "no subject" -> io.authtier.runtime.testsupport.Tokens.sign(new com.nimbusds.jose.jwk.gen.RSAKeyGenerator(2048).keyID("idp").generate(),
                    com.nimbusds.jose.JWSAlgorithm.RS256, io.authtier.runtime.testsupport.Tokens.accessClaims(idp.issuerUrl("main").toString(),
                            "shop-api", clock.instant()).subject(null).claim("realm_access", Map.of("roles", List.of("admin"))).build());
            default -> throw new IllegalArgumentException(name);
        };
        faults.answerNextRefresh(200, "{\"access_token\":\"" + access + "\",\"token_type\":\"Bearer\",\"expires_in\":600,"
                + "\"refresh_token\":\"rt-2\"}");
        clock.advance(Duration.ofSeconds(590));

        HttpResponse<String> answer = auth(browser, "?allowed_roles=admin");

        // Then neither the role nor the token reaches the upstream, and the session has ended
        assertThat(answer.statusCode()).isEqualTo(401);
        assertThat(answer.headers().firstValue("Authorization")).isEmpty();
        assertThat(metric("authtier_session_refreshes_total{outcome=\"access_token_mismatch\"}")).isEqualTo(1.0);
        assertThat(metric("authtier_session_refreshes_total{outcome=\"refreshed\"}")).isEqualTo(0.0);
        assertThat(auth(browser).statusCode()).isEqualTo(401);
    }

    @Test
    @DisplayName("An access token whose sub is not the ID token's (Okta names the login) is of the user when the login's access token named the same")
    void refreshKeepsTheAccessTokensOwnSubject() throws Exception {
        // Given a login whose ID token says 00u-ada and whose access token says ada@example.com
        Browser browser = new Browser();
        String start = "http://127.0.0.1:" + runtime.port() + "/oauth2/start";
        HttpResponse<String> toCallback = browser.follow(start, next -> next.contains("/oauth2/callback"));
        String nonce = BrowserLoginTest.query(browser.hops().getFirst().headers().firstValue("Location").orElseThrow()).get("nonce");
        String id = idp.issueToken("main", "shop-web", new DefaultOAuth2TokenCallback("main", "00u-ada", "JWT", List.of("shop-web"),
                Map.of("nonce", nonce), 3600)).serialize();
        faults.answerNextCode(200, "{\"access_token\":\"" + idp.issueToken("main", "ada@example.com", "shop-api", Map.of(), 3600).serialize()
                + "\",\"token_type\":\"Bearer\",\"expires_in\":600,\"refresh_token\":\"rt-1\",\"id_token\":\"" + id + "\"}");
        assertThat(browser.get(toCallback.uri().resolve(toCallback.headers().firstValue("Location").orElseThrow()).toString()).statusCode())
                .isEqualTo(302);
        // When the refresh brings a new access token of that same login name, with a role, and no ID token
        String access = idp.issueToken("main", "ada@example.com", "shop-api", Map.of("realm_access", Map.of("roles", List.of("viewer"))), 3600)
                .serialize();
        faults.answerNextRefresh(200, "{\"access_token\":\"" + access + "\",\"token_type\":\"bearer\",\"expires_in\":600}");
        clock.advance(Duration.ofSeconds(590));

        HttpResponse<String> answer = auth(browser, "?allowed_roles=viewer");

        // Then it is taken, and its role with it
        assertThat(answer.statusCode()).isEqualTo(200);
        assertThat(answer.headers().firstValue("Authorization")).hasValue("Bearer " + access);
        assertThat(answer.headers().firstValue("X-Auth-Request-User")).hasValue("00u-ada");
        assertThat(metric("authtier_session_refreshes_total{outcome=\"refreshed\"}")).isEqualTo(1.0);
    }

    @Test
    @DisplayName("An opaque access token in a refresh answer cannot be checked, and is kept: the session goes on with it and its ID token's groups")
    void refreshWithOpaqueAccessToken() {
        Browser browser = loggedIn("ada", Map.of("groups", List.of("staff")));
        faults.answerNextRefresh(200, "{\"access_token\":\"opaque-at-2\",\"token_type\":\"Bearer\",\"expires_in\":600}");
        clock.advance(Duration.ofSeconds(590));

        HttpResponse<String> answer = auth(browser, "?allowed_groups=staff");

        assertThat(answer.statusCode()).isEqualTo(200);
        assertThat(answer.headers().firstValue("Authorization")).hasValue("Bearer opaque-at-2");
        assertThat(metric("authtier_session_refreshes_total{outcome=\"refreshed\"}")).isEqualTo(1.0);
    }

    @Test
    @DisplayName("A refresh answered with a token_type other than Bearer is an IdP error: nothing of it is used, the session goes on")
    void refreshTokenTypeMustBeBearer() {
        Browser browser = loggedIn("ada");
        String before = auth(browser).headers().firstValue("Authorization").orElseThrow();
        String access = idp.issueToken("main", "ada", "shop-api", Map.of(), 3600).serialize();
        faults.answerNextRefresh(200, "{\"access_token\":\"" + access + "\",\"token_type\":\"DPoP\",\"expires_in\":600,"
                + "\"refresh_token\":\"rt-2\"}");
        clock.advance(Duration.ofSeconds(590));

        HttpResponse<String> answer = auth(browser);

        // Then the DPoP-bound token is not taken: the request passes with the current one, still valid for 10 s
        assertThat(answer.statusCode()).isEqualTo(200);
        assertThat(answer.headers().firstValue("Authorization")).hasValue(before);
        assertThat(metric("authtier_session_refreshes_total{outcome=\"failed\"}")).isEqualTo(1.0);
        assertThat(metric("authtier_session_refreshes_total{outcome=\"refreshed\"}")).isEqualTo(0.0);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"alg none", "signed by another key", "expired", "several audiences without azp", "typ logout+jwt"})
    @DisplayName("A refresh answered with an ID token that a login would refuse (signature, lifetime, audience, typ) ends the session; nothing of it is used")
    void refreshWithInvalidIdToken(String name) throws Exception {
        Browser browser = loggedIn("ada", Map.of("groups", List.of("customers")));
        String issuer = idp.issuerUrl("main").toString();
        Instant now = clock.instant();
        com.nimbusds.jwt.JWTClaimsSet claims = new com.nimbusds.jwt.JWTClaimsSet.Builder().issuer(issuer).subject("ada").audience("shop-web")
                .claim("groups", List.of("admins")).issueTime(java.util.Date.from(now)).expirationTime(java.util.Date.from(now.plusSeconds(3600))).build();
        String id = switch (name) {
            // With a signature segment, so that it has the shape of a signed token
            case "alg none" -> io.authtier.runtime.testsupport.Tokens.raw("{\"alg\":\"none\",\"typ\":\"JWT\"}", claims.toString(),
                    io.authtier.runtime.testsupport.Tokens.b64("none"));
            case "signed by another key" -> io.authtier.runtime.testsupport.Tokens.sign(
                    new com.nimbusds.jose.jwk.gen.RSAKeyGenerator(2048).keyID("idp").generate(), com.nimbusds.jose.JWSAlgorithm.RS256, claims);
            // Valid for a minute by the IdP's clock, which the runtime's is 590 s ahead of
            case "expired" -> idToken("main", "ada", List.of("shop-web"), Map.of("groups", List.of("admins")), 60, "JWT");
            case "several audiences without azp" -> idp.issueToken("main", "shop-web", new DefaultOAuth2TokenCallback("main", "ada", "JWT",
                    List.of("shop-web", "other-app"), Map.of("groups", List.of("admins")), 3600) {
                @Override
                public Map<String, Object> addClaims(com.nimbusds.oauth2.sdk.TokenRequest request) {
                    Map<String, Object> added = new java.util.HashMap<>(super.addClaims(request));
                    added.remove("azp"); // the mock names the client as azp; this IdP does not
                    return added;
                }
            }).serialize();
            case "typ logout+jwt" -> idToken("main", "ada", List.of("shop-web"), Map.of("groups", List.of("admins")), 3600, "logout+jwt");
            default -> throw new IllegalArgumentException(name);
        };
        faults.answerNextRefresh(200, "{\"access_token\":\"at-2\",\"token_type\":\"Bearer\",\"expires_in\":600,"
                + "\"refresh_token\":\"rt-2\",\"id_token\":\"" + id + "\"}");
        clock.advance(Duration.ofSeconds(590));

        HttpResponse<String> answer = auth(browser, "?allowed_groups=admins");

        assertThat(answer.statusCode()).isEqualTo(401);
        assertThat(answer.headers().firstValue("X-Auth-Request-Groups")).isEmpty();
        assertThat(metric("authtier_session_refreshes_total{outcome=\"id_token_invalid\"}")).isEqualTo(1.0);
        assertThat(metric("authtier_session_refreshes_total{outcome=\"refreshed\"}")).isEqualTo(0.0);
        assertThat(auth(browser).statusCode()).isEqualTo(401);
    }

    @Test
    @DisplayName("invalid_grant ends the session; an IdP error keeps it while its token is still valid")
    void refreshFailures() {
        Browser refused = loggedIn("grace");
        Browser kept = loggedIn("linus");
        clock.advance(Duration.ofSeconds(590));

        // An IdP error (503) on refresh: the session stays, its current token is still valid for 10 s
        faults.failNextRefresh(503, "{}");
        assertThat(auth(kept).statusCode()).isEqualTo(200);
        assertThat(metric("authtier_session_refreshes_total{outcome=\"failed\"}")).isEqualTo(1.0);

        // invalid_grant (the refresh token was revoked): the session ends, in Redis too
        long before = redis.command("KEYS", "authtier:session:*").lines().filter(l -> !l.isBlank()).count();
        faults.failNextRefresh(400, "{\"error\":\"invalid_grant\"}");
        HttpResponse<String> ended = auth(refused);
        assertThat(ended.statusCode()).isEqualTo(401);
        assertThat(ended.headers().allValues("Set-Cookie")).anyMatch(c -> c.startsWith(COOKIE + "=;"));
        assertThat(redis.command("KEYS", "authtier:session:*").lines().filter(l -> !l.isBlank()).count()).isEqualTo(before - 1);
        assertThat(auth(refused).statusCode()).isEqualTo(401);
    }
}
