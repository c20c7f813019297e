package io.authtier.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.authtier.runtime.config.SameSite;
import io.authtier.runtime.redis.RedisServers;
import io.authtier.runtime.session.CookieCheck;
import io.authtier.runtime.session.SessionCookie;
import io.authtier.runtime.session.SigningKey;
import io.authtier.runtime.testsupport.BackchannelLogouts;
import io.authtier.runtime.testsupport.Browser;
import io.authtier.runtime.testsupport.DiscoveryExtras;
import io.authtier.runtime.testsupport.MutableClock;
import io.authtier.runtime.testsupport.RunningRuntime;
import io.authtier.runtime.testsupport.SigningKeys;
import io.authtier.runtime.testsupport.TokenEndpointFaults;
import java.io.IOException;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import no.nav.security.mock.oauth2.token.DefaultOAuth2TokenCallback;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Browser login end to end: a real OIDC server over HTTP (mock-oauth2-server: authorization code flow with
 * PKCE, ID tokens with the nonce, refresh tokens, end-session and JWKS), a real redis-server, and two
 * runtime instances sharing it, driven by a {@link Browser} that follows redirects.
 */
@DisplayName("Browser login, sessions and logout")
class BrowserLoginTest {

    static final String CLIENT = "shop-web";
    static final String COOKIE = "__Host-authtier";

    @TempDir
    static Path dir;
    static MockOAuth2Server idp;
    static final TokenEndpointFaults faults = new TokenEndpointFaults();
    static RedisServers.Server redis;
    static Path k1;
    static Path k2;
    static RunningRuntime first;
    static RunningRuntime second;

    @BeforeAll
    static void start() throws IOException {
        // The issuer "strict" says that its authorization responses carry iss (RFC 9207); "main" does not
        idp = new MockOAuth2Server(faults, new DiscoveryExtras(Map.of("strict", Map.of("authorization_response_iss_parameter_supported", true))));
        idp.start(java.net.InetAddress.getLoopbackAddress(), 0);
        redis = RedisServers.standalone(dir);
        k1 = key("k1");
        k2 = key("k2");
        Path secret = dir.resolve("client-secret");
        Files.writeString(secret, "not-checked-by-the-mock\n");
        first = runtime("[{id: k1, file: %s}]".formatted(k1), secret, Instant.now(), false);
        // The second replica has rotated: k2 signs, k1 still verifies.
        second = runtime("[{id: k2, file: %s}, {id: k1, file: %s}]".formatted(k2, k1), secret, Instant.now(), true);
    }

    static RunningRuntime runtime(String keys, Path secret, Instant now, boolean redirectToLogin) {
        RunningRuntime runtime = RunningRuntime.start("""
                issuers:
                - name: main
                  issuerUrl: %s
                  audiences: [shop-api]
                sessions:
                  store: Redis
                  cookie:
                    signingKeys: %s
                  passAccessToken: Header
                  login:
                    issuer: main
                    clientId: %s
                    clientSecretFile: %s
                    allowedRedirectDomains: [shop.example.com, "*.apps.example.com", 127.0.0.1]
                    redirectToLogin: %s
                redis:
                  topology: Standalone
                  endpoints: ["127.0.0.1:%d"]
                tokenCache:
                  l2: {enabled: false}
                """.formatted(idp.issuerUrl("main"), keys, CLIENT, secret, redirectToLogin, redis.port()),
                new MutableClock(now), policy -> policy);
        await().atMost(Duration.ofSeconds(20)).until(() -> runtime.management("/readyz").statusCode() == 200);
        return runtime;
    }

    @AfterAll
    static void stop() {
        first.close();
        second.close();
        redis.close();
        idp.shutdown();
    }

    static Path key(String name) {
        return SigningKeys.write(dir, name);
    }

    static String base(RunningRuntime runtime) {
        return "http://127.0.0.1:" + runtime.port();
    }

    /** Logs {@code browser} in at {@code runtime} as {@code subject}; returns the callback's response. */
    static HttpResponse<String> login(Browser browser, RunningRuntime runtime, String subject, Map<String, Object> claims) {
        idp.enqueueCallback(new DefaultOAuth2TokenCallback("main", subject, "JWT", List.of("shop-api"), claims, 3600));
        return browser.logIn(base(runtime) + "/oauth2/start?rd=/cart", idp.baseUrl().toString(), nextClient());
    }

    static final java.util.concurrent.atomic.AtomicInteger CLIENTS = new java.util.concurrent.atomic.AtomicInteger();

    /**
     * X-Forwarded-For of a client address of its own (through the trusted loopback proxy): the runtimes'
     * clocks stand still, so /oauth2/start's per-client bucket never refills, and this class starts more
     * logins than it holds. crossSiteSignOutAndRateLimit tests the limit itself.
     */
    static String[] nextClient() {
        int n = CLIENTS.incrementAndGet();
        return new String[] {"X-Forwarded-For", "10.78." + (n / 250) + "." + (n % 250 + 1)};
    }

    static Map<String, String> query(String url) {
        String raw = URI.create(url).getRawQuery();
        Map<String, String> out = new LinkedHashMap<>();
        for (String pair : raw.split("&")) {
            int equals = pair.indexOf('=');
            out.put(pair.substring(0, equals), URLDecoder.decode(pair.substring(equals + 1), StandardCharsets.UTF_8));
        }
        return out;
    }

    static HttpResponse<String> auth(Browser browser, RunningRuntime runtime, String... headers) {
        return browser.get(base(runtime) + "/auth", headers);
    }

    @Test
    @DisplayName("A full login: PKCE and state at the IdP, a secure cookie, the session encrypted in Redis, and /auth passes")
    void fullLogin() {
        Browser browser = new Browser();

        // When the browser starts a login and follows every redirect
        HttpResponse<String> last = login(browser, first, "ada", Map.of("email", "ada@example.com", "groups", List.of("staff")));

        // Then the IdP was asked with PKCE S256, a state and a nonce
        String authorize = browser.hops().getFirst().headers().firstValue("Location").orElseThrow();
        Map<String, String> params = query(authorize);
        assertThat(authorize).startsWith(idp.authorizationEndpointUrl("main").toString());
        assertThat(params).containsEntry("response_type", "code").containsEntry("client_id", CLIENT)
                .containsEntry("code_challenge_method", "S256").containsEntry("scope", "openid profile email")
                .containsEntry("redirect_uri", base(first) + "/oauth2/callback");
        assertThat(params.get("state")).hasSize(43);
        assertThat(params.get("nonce")).hasSize(43);
        assertThat(params.get("code_challenge")).hasSize(43);
        // And the callback sent the browser back to rd with the session cookie, with every protective attribute
        assertThat(last.statusCode()).isEqualTo(302);
        assertThat(last.headers().firstValue("Location")).hasValue("/cart");
        String setCookie = last.headers().allValues("Set-Cookie").stream().filter(c -> c.startsWith(COOKIE + "=")).findFirst().orElseThrow();
        assertThat(setCookie).contains("; Path=/", "; Secure", "; HttpOnly", "; SameSite=Lax", "; Max-Age=604800")
                .doesNotContainIgnoringCase("Domain");
        assertThat(last.headers().firstValue("Cache-Control")).hasValue("no-store");

        // And Redis holds the session encrypted: no token text, no claim in clear
        List<String> keys = redis.command("KEYS", "authtier:session:*").lines().filter(line -> !line.isBlank()).toList();
        assertThat(keys).isNotEmpty();
        HttpResponse<String> passed = auth(browser, first);
        String accessToken = passed.headers().firstValue("X-Auth-Request-Access-Token").orElseThrow();
        for (String key : keys) {
            String stored = redis.command("GET", key.strip());
            // Strings long enough that random ciphertext never holds them by chance ("eyJ" alone did, once in ~10 000 runs)
            assertThat(stored).doesNotContain(accessToken.substring(0, 20), accessToken.substring(accessToken.length() - 20),
                    "ada@example.com", "\"sub\":\"ada\"", "eyJhbGciOi", "eyJraWQiOi");
            assertThat(Long.parseLong(redis.command("PTTL", key.strip()).replace(":", ""))).isPositive();
        }

        // And /auth passes with the identity headers and hands the access token upstream
        assertThat(passed.statusCode()).isEqualTo(200);
        assertThat(passed.headers().firstValue("X-Auth-Request-User")).hasValue("ada");
        assertThat(passed.headers().firstValue("X-Auth-Request-Email")).hasValue("ada@example.com");
        assertThat(passed.headers().firstValue("X-Auth-Request-Groups")).hasValue("staff");
        assertThat(accessToken.split("\\.")).hasSize(3);

        // And /oauth2/userinfo tells a single-page app who is logged in, without any token
        HttpResponse<String> userinfo = browser.get(base(first) + "/oauth2/userinfo");
        assertThat(userinfo.statusCode()).isEqualTo(200);
        assertThat(userinfo.body()).contains("\"sub\":\"ada\"", "\"email\":\"ada@example.com\"").doesNotContain("eyJ");

        // And the metrics count the login, the session and the lookups, with no token or user in any label
        String metrics = first.management("/metrics").body();
        assertThat(metrics).contains("authtier_logins_total{outcome=\"success\"}", "authtier_session_creations_total",
                "authtier_session_lookups_total{result=\"found\"}", "authtier_sessions_active",
                "authtier_session_store_duration_seconds_bucket{operation=\"create\",outcome=\"ok\"",
                "authtier_http_request_duration_seconds_count{endpoint=\"oauth2_callback\"")
                .doesNotContain(accessToken.substring(0, 20), "ada@example.com");
        // And the breaker of the login issuer's token endpoint shows its state, as introspection's does
        assertThat(metrics).containsPattern("authtier_circuit_breaker_state\\{endpoint=\"token\",issuer=\"[^\"]+\",state=\"closed\"} 1.0");
        // And every Redis command of the login (pending login SET and GETDEL, the session GET) is timed as the
        // sessions' client, as a histogram; so is the session script (EVALSHA, or EVAL the first time Redis lacks it)
        for (String command : List.of("set", "getdel", "get")) {
            assertThat(metrics).contains("authtier_redis_command_duration_seconds_bucket{client=\"sessions\",command=\""
                    + command + "\",outcome=\"success\",le=\"0.001\"}");
        }
        assertThat(metrics).containsPattern("authtier_redis_command_duration_seconds_bucket\\{client=\"sessions\","
                + "command=\"(eval|evalsha)\",outcome=\"success\",le=\"0.001\"}");
        assertThat(metrics).contains("authtier_redis_connections_open{client=\"sessions\"} 1.0")
                .doesNotContain("authtier:session:", "authtier:login:");
    }

    @Test
    @DisplayName("A runtime just started publishes its counters at 0 for their known labels, and its Redis gauges")
    void countersAtZero() throws IOException {
        // Given a runtime that has answered nothing yet
        Path secret = dir.resolve("client-secret");
        try (RunningRuntime fresh = runtime("[{id: k1, file: %s}]".formatted(k1), secret, Instant.now(), false)) {

            // When Prometheus scrapes it
            String metrics = fresh.management("/metrics").body();

            // Then the counters that alerts use exist at 0
            for (String outcome : List.of("success", "redirect_refused", "no_state", "unknown_state", "browser_mismatch", "no_iss", "wrong_iss", "idp_error",
                    "no_code", "code_refused", "no_id_token", "unavailable", "no_host", "callback_host_refused", "callback_not_https", "idp_session_ended",
                    "prompt_refused")) {
                assertThat(metrics).contains("authtier_logins_total{outcome=\"" + outcome + "\"} 0.0");
            }
            for (String outcome : List.of("refreshed", "invalid_grant", "id_token_mismatch", "id_token_invalid",
                    "access_token_mismatch", "failed", "by_other")) {
                assertThat(metrics).contains("authtier_session_refreshes_total{outcome=\"" + outcome + "\"} 0.0");
            }
            for (String kind : List.of("sign_out", "backchannel", "admin")) {
                assertThat(metrics).contains("authtier_logouts_total{kind=\"" + kind + "\"} 0.0");
            }
            assertThat(metrics).contains("authtier_session_creations_total 0.0",
                    "authtier_session_lookups_total{result=\"found\"} 0.0",
                    "authtier_token_validations_total{issuer=\"main\",method=\"jwt\",result=\"accepted\"} 0.0",
                    "authtier_token_validations_total{issuer=\"main\",method=\"jwt\",result=\"undecidable\"} 0.0",
                    "authtier_jwks_refreshes_total{issuer=\"main\",result=\"failure\",trigger=\"scheduled\"} 0.0",
                    "authtier_jwks_refreshes_total{issuer=\"main\",result=\"rate_limited\",trigger=\"request\"} 0.0",
                    "authtier_cache_requests_total{result=\"hit\",tier=\"l1\"} 0.0",
                    "authtier_cache_requests_total{result=\"miss\",tier=\"l1\"} 0.0",
                    "authtier_redis_connections_open{client=\"sessions\"} 1.0");
            // And the sessions' Redis client has nothing in flight once its start-up commands are answered
            await().untilAsserted(() -> assertThat(fresh.management("/metrics").body())
                    .contains("authtier_redis_commands_in_flight{client=\"sessions\"} 0.0"));
        }
    }

    @Test
    @DisplayName("The callback of a successful login clears the browser-binding cookie that the start set, with the same attributes")
    void callbackClearsBindingCookie() {
        Browser browser = new Browser();

        // When a browser logs in
        HttpResponse<String> callback = login(browser, first, "bea", Map.of());

        // Then the start had set the binding cookie
        String binding = COOKIE + "-login";
        String set = browser.hops().getFirst().headers().allValues("Set-Cookie").stream()
                .filter(c -> c.startsWith(binding + "=")).findFirst().orElseThrow();
        assertThat(set).contains("; Path=/", "; Secure", "; HttpOnly", "; SameSite=Lax").doesNotContain("Max-Age=0");
        // And the callback ends it: empty, Max-Age=0, the attributes that __Host- requires, no Domain
        assertThat(callback.statusCode()).isEqualTo(302);
        assertThat(callback.headers().allValues("Set-Cookie")).filteredOn(c -> c.startsWith(binding + "="))
                .singleElement().isEqualTo(binding + "=; Path=/; Max-Age=0; Secure; HttpOnly; SameSite=Lax");
        assertThat(browser.cookie(base(first), binding)).isNull();
        // And the session cookie is set beside it
        assertThat(browser.cookie(base(first), COOKIE)).isNotEmpty();
    }

    @Test
    @DisplayName("A login whose ID token says email_verified false makes a session without the email: /auth and userinfo leave it out")
    void unverifiedEmailStaysOutOfTheSession() {
        Browser browser = new Browser();
        login(browser, first, "mallory", Map.of("email", "ceo@shop.example.com", "email_verified", false));

        HttpResponse<String> answer = auth(browser, first);

        assertThat(answer.statusCode()).isEqualTo(200);
        assertThat(answer.headers().firstValue("X-Auth-Request-User")).hasValue("mallory");
        assertThat(answer.headers().firstValue("X-Auth-Request-Email")).isEmpty();
        assertThat(browser.get(base(first) + "/oauth2/userinfo").body()).contains("\"sub\":\"mallory\"").doesNotContain("ceo@shop.example.com");
    }

    @Test
    @DisplayName("Envoy ext_authz with a session: the headers the session lacks are named for removal, its access token is not")
    void extAuthzSessionRemovesUnsetHeaders() {
        // Given a session whose user has no email and no groups (passAccessToken: Header)
        Browser browser = new Browser();
        login(browser, first, "cy", Map.of("preferred_username", "cy"));

        // When Envoy asks with the session cookie and a forged email header
        HttpResponse<String> answer = browser.get(base(first) + "/ext-authz/cart", "X-Auth-Request-Email", "boss@example.com");

        // Then it passes with the access token, and Envoy is told to remove the email and groups headers
        assertThat(answer.statusCode()).isEqualTo(200);
        assertThat(answer.headers().firstValue("X-Auth-Request-Access-Token")).isPresent();
        assertThat(answer.headers().allValues("x-envoy-auth-headers-to-remove")).containsExactly("x-auth-request-email,x-auth-request-groups");
        // And /auth, for nginx and Traefik, has no such header
        assertThat(auth(browser, first).headers().firstValue("x-envoy-auth-headers-to-remove")).isEmpty();
    }

    static final java.util.concurrent.atomic.AtomicInteger RAW_CLIENTS = new java.util.concurrent.atomic.AtomicInteger();

    /**
     * The answer to a GET sent as written, so that its Host header can be anything; each from its own client
     * address (X-Forwarded-For through the trusted loopback), outside the other tests' /oauth2/start rate limit.
     */
    static String rawGet(RunningRuntime runtime, String pathAndQuery, String headers) throws IOException {
        try (java.net.Socket socket = new java.net.Socket(java.net.InetAddress.getLoopbackAddress(), runtime.port())) {
            String client = "X-Forwarded-For: 10.77.0." + RAW_CLIENTS.incrementAndGet() + "\r\n";
            socket.getOutputStream().write(("GET " + pathAndQuery + " HTTP/1.1\r\n" + headers + client + "Connection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            return new String(socket.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {
            "Host: evil.com\r\n",
            "Host: apps.example.com\r\n",
            "Host: 127.0.0.1\r\nX-Forwarded-Proto: https\r\nX-Forwarded-Host: evil.com\r\n",
            "Host: 127.0.0.1\r\nX-Forwarded-Proto: http\r\nX-Forwarded-Host: shop.example.com\r\n"})
    @DisplayName("Without redirectUrl, a login on a host outside allowedRedirectDomains, or on plain http off the loopback, is refused with 400")
    void callbackOnForeignHostRefused(String headers) throws IOException {
        // When a login starts with a Host (or a trusted proxy's X-Forwarded-Host) that is not allowed, or without https
        String answer = rawGet(first, "/oauth2/start?rd=/cart", headers);

        // Then it is refused, saying what to configure, and the IdP is never asked with that host
        assertThat(answer).startsWith("HTTP/1.1 400 ").doesNotContainIgnoringCase("Location:").doesNotContain("evil.com")
                .doesNotContainIgnoringCase("Set-Cookie:").contains("sessions.login.redirectUrl");
        assertThat(first.management("/metrics").body()).containsPattern("authtier_logins_total\\{outcome=\"callback_(host_refused|not_https)\"\\} [1-9]");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"shop.example.com", "a.apps.example.com"})
    @DisplayName("Without redirectUrl, the callback is derived from a trusted proxy's X-Forwarded-Host and -Proto when that host is allowed")
    void callbackFromTrustedProxy(String host) throws IOException {
        // When the trusted proxy names an allowed host, over https
        String answer = rawGet(first, "/oauth2/start?rd=/cart",
                "Host: 127.0.0.1\r\nX-Forwarded-Proto: https\r\nX-Forwarded-Host: " + host + "\r\n");

        // Then the IdP is asked to send the browser back to that host
        assertThat(answer).startsWith("HTTP/1.1 302 ");
        String location = answer.lines().filter(line -> line.regionMatches(true, 0, "Location:", 0, 9)).findFirst().orElseThrow().substring(9).strip();
        assertThat(query(location)).containsEntry("redirect_uri", "https://" + host + "/oauth2/callback");
    }

    @Test
    @DisplayName("A raw UTF-8 rd (sent unencoded by a non-browser client) comes back %-encoded once, not byte by byte")
    void rawUtf8Target() throws IOException {
        try (java.net.Socket socket = new java.net.Socket(java.net.InetAddress.getLoopbackAddress(), first.port())) {
            socket.getOutputStream().write(("GET /oauth2/sign_out?rd=/caf\u00e9/\u65e5 HTTP/1.1\r\nHost: 127.0.0.1\r\nSec-Fetch-Site: same-origin\r\n"
                    + "Connection: close\r\n\r\n")
                    .getBytes(StandardCharsets.UTF_8));
            String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);

            assertThat(answer).startsWith("HTTP/1.1 302").contains("location: /caf%C3%A9/%E6%97%A5\r\n");
        }
    }

    @Test
    @DisplayName("Logging in again from the same browser ends the session its old cookie held")
    void loginAgainReplacesSession() {
        Browser browser = new Browser();
        login(browser, first, "walt", Map.of());
        String old = browser.cookie(base(first), COOKIE);

        // When the browser, still holding that cookie, logs in again
        login(browser, first, "walt", Map.of());
        String current = browser.cookie(base(first), COOKIE);

        // Then the new cookie works, and the old one no longer opens a session
        assertThat(current).isNotEqualTo(old);
        assertThat(auth(browser, first).statusCode()).isEqualTo(200);
        Browser withOld = new Browser();
        withOld.setCookie(base(first), COOKIE, old);
        assertThat(auth(withOld, first).statusCode()).isEqualTo(401);
    }

    @Test
    @DisplayName("Another replica reads the session; with a rotated key it still verifies the old cookie and re-signs it")
    void otherReplicaAndRotation() {
        // Given a session created on the first replica, its cookie signed with k1
        Browser browser = new Browser();
        login(browser, first, "grace", Map.of());
        String cookie = browser.cookie(base(first), COOKIE);

        // When the second replica, which signs with k2 and still verifies k1, sees it
        Browser sameUser = new Browser();
        sameUser.setCookie(base(second), COOKIE, cookie);
        HttpResponse<String> response = auth(sameUser, second);

        // Then it passes, and the answer carries the cookie re-signed under k2
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("X-Auth-Request-User")).hasValue("grace");
        String resigned = sameUser.cookie(base(second), COOKIE);
        assertThat(resigned).isNotEqualTo(cookie);
        assertThat(verifier("k2", k2).read(resigned)).isInstanceOf(CookieCheck.Valid.class);
        // And the re-signed cookie works on the second replica too
        assertThat(auth(sameUser, second).statusCode()).isEqualTo(200);
    }

    static SessionCookie verifier(String id, Path file) {
        return new SessionCookie(COOKIE, SameSite.Lax, List.of(SigningKey.read(new io.authtier.runtime.config.SigningKeyFile(id, file))),
                Duration.ofDays(7));
    }

    @Test
    @DisplayName("A modified cookie, or one signed with an unknown key id, is refused and cleared")
    void tamperedCookies() {
        Browser browser = new Browser();
        login(browser, first, "mallory", Map.of());
        String cookie = browser.cookie(base(first), COOKIE);

        // A flipped character
        char last = cookie.charAt(cookie.length() - 5);
        String flipped = cookie.substring(0, cookie.length() - 5) + (last == 'A' ? 'B' : 'A') + cookie.substring(cookie.length() - 4);
        // The same ticket, signed with a key the runtime does not have, under an id it does not know
        CookieCheck.Valid valid = (CookieCheck.Valid) verifier("k1", k1).read(cookie);
        String unknownKey = new SessionCookie(COOKIE, SameSite.Lax,
                List.of(new SigningKey("k9", new byte[32])), Duration.ofDays(7)).value(valid.ticket());

        for (String forged : List.of(flipped, unknownKey, "garbage", cookie + "A")) {
            Browser attacker = new Browser();
            attacker.setCookie(base(first), COOKIE, forged);
            HttpResponse<String> response = auth(attacker, first);
            assertThat(response.statusCode()).as(forged).isEqualTo(401);
            assertThat(response.headers().allValues("Set-Cookie")).anyMatch(c -> c.startsWith(COOKIE + "=;") && c.contains("Max-Age=0"));
        }
        // And the genuine cookie still works
        assertThat(auth(browser, first).statusCode()).isEqualTo(200);
    }

    @Test
    @DisplayName("A replayed state, a callback in another browser, and a code from another login are all refused")
    void callbackTampering() {
        Browser browser = new Browser();
        HttpResponse<String> done = login(browser, first, "eve", Map.of());
        assertThat(done.statusCode()).isEqualTo(302);
        String callback = browser.hops().stream().map(r -> r.uri().toString()).filter(u -> u.contains("/oauth2/callback")).findFirst().orElseThrow();

        // The same callback again (a replayed state, a pending login used twice)
        HttpResponse<String> replay = browser.get(callback);
        assertThat(replay.statusCode()).isEqualTo(400);
        assertThat(replay.body()).contains("unknown, expired or already used");

        // A fresh login whose callback is opened in another browser (login CSRF)
        Browser victim = new Browser();
        Browser attacker = new Browser();
        idp.enqueueCallback(new DefaultOAuth2TokenCallback("main", "attacker", "JWT", List.of("shop-api"), Map.of(), 3600));
        HttpResponse<String> toIdp = attacker.follow(base(first) + "/oauth2/start", next -> next.contains("/oauth2/callback"));
        String attackersCallback = toIdp.uri().resolve(toIdp.headers().firstValue("Location").orElseThrow()).toString();
        HttpResponse<String> csrf = victim.get(attackersCallback);
        assertThat(csrf.statusCode()).isEqualTo(400);
        assertThat(csrf.body()).contains("started in another browser");
        assertThat(victim.cookie(base(first), COOKIE)).isNull();

        // Two logins in one browser: the code of the second delivered with the state of the first. The
        // IdP refuses it (PKCE: the first login's verifier does not match the second's challenge), and had
        // it not, the nonce would not match.
        Browser twoTabs = new Browser();
        HttpResponse<String> tabA = twoTabs.follow(base(first) + "/oauth2/start", next -> next.contains("/oauth2/callback"));
        HttpResponse<String> tabB = twoTabs.follow(base(first) + "/oauth2/start", next -> next.contains("/oauth2/callback"));
        String stateA = query(tabA.headers().firstValue("Location").orElseThrow()).get("state");
        String codeB = query(tabB.headers().firstValue("Location").orElseThrow()).get("code");
        HttpResponse<String> mixed = twoTabs.get(base(first) + "/oauth2/callback?code=" + codeB + "&state=" + stateA);
        assertThat(mixed.statusCode()).isIn(400, 401);
        assertThat(twoTabs.cookie(base(first), COOKIE)).isNull();
    }

    @Test
    @DisplayName("A callback without the browser's binding cookie, or with another browser's, leaves the pending login to the browser that started it")
    void callbackFromAnotherBrowserDoesNotBurnTheLogin() {
        // Given a login on its way back from the IdP in the victim's browser, whose callback URL (state and code) leaked
        Browser victim = new Browser();
        idp.enqueueCallback(new DefaultOAuth2TokenCallback("main", "vera", "JWT", List.of("shop-api"), Map.of(), 3600));
        HttpResponse<String> toCallback = victim.follow(base(first) + "/oauth2/start?rd=/cart", next -> next.contains("/oauth2/callback"),
                nextClient());
        String callback = toCallback.uri().resolve(toCallback.headers().firstValue("Location").orElseThrow()).toString();
        double unknown = metric(first, "authtier_logins_total{outcome=\"unknown_state\"}");
        double mismatch = metric(first, "authtier_logins_total{outcome=\"browser_mismatch\"}");

        // When someone else opens it first: with no binding cookie, then with a binding cookie of their own
        Browser bare = new Browser();
        HttpResponse<String> withoutBinding = bare.get(callback);
        Browser other = new Browser();
        other.follow(base(first) + "/oauth2/start", next -> next.startsWith(idp.baseUrl().toString()), nextClient());
        assertThat(other.cookie(base(first), COOKIE + "-login")).isNotEmpty();
        HttpResponse<String> withOtherBinding = other.get(callback);

        // Then both are refused, and neither gets a session
        assertThat(withoutBinding.statusCode()).isEqualTo(400);
        assertThat(withOtherBinding.statusCode()).isEqualTo(400);
        assertThat(bare.cookie(base(first), COOKIE)).isNull();
        assertThat(other.cookie(base(first), COOKIE)).isNull();
        // And the victim's browser still finishes its login, once
        HttpResponse<String> done = victim.get(callback);
        assertThat(done.statusCode()).isEqualTo(302);
        assertThat(done.headers().firstValue("Location")).hasValue("/cart");
        assertThat(auth(victim, first).headers().firstValue("X-Auth-Request-User")).hasValue("vera");
        assertThat(victim.get(callback).statusCode()).isEqualTo(400);
        // And the refusals said and counted the login as unknown or another browser's, without telling which
        assertThat(withOtherBinding.body()).isEqualTo(withoutBinding.body()).contains("unknown, expired or already used, or was started in another browser");
        // (the replay too: the login cleared the browser's binding cookie)
        assertThat(metric(first, "authtier_logins_total{outcome=\"browser_mismatch\"}")).isEqualTo(mismatch + 2);
        assertThat(metric(first, "authtier_logins_total{outcome=\"unknown_state\"}")).isEqualTo(unknown + 1);
    }

    /** The callback URL that the IdP sends a login of {@code subject} started at {@code runtime} back to, not yet opened. */
    static String callbackOf(Browser browser, RunningRuntime runtime, String issuerId, String subject) {
        idp.enqueueCallback(new DefaultOAuth2TokenCallback(issuerId, subject, "JWT", List.of("shop-api"), Map.of(), 3600));
        HttpResponse<String> toCallback = browser.follow(base(runtime) + "/oauth2/start?rd=/cart", next -> next.contains("/oauth2/callback"),
                nextClient());
        return toCallback.uri().resolve(toCallback.headers().firstValue("Location").orElseThrow()).toString();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {"another issuer | http://127.0.0.1:1/main", "the issuer with a slash added | ISSUER/",
            "the issuer in capitals | ISSUER_CAPITALS", "empty | ''"})
    @DisplayName("A callback whose iss is not the issuer exactly (RFC 9207: a mix-up) is refused with 400; the same with the issuer's iss passes")
    void callbackWithAnotherIss(String name, String iss) {
        Browser browser = new Browser();
        String callback = callbackOf(browser, first, "main", "iris");
        String issuer = idp.issuerUrl("main").toString();
        double wrong = metric(first, "authtier_logins_total{outcome=\"wrong_iss\"}");

        HttpResponse<String> refused = browser.get(callback + "&iss="
                + URLEncoder.encode(iss.replace("ISSUER_CAPITALS", issuer.toUpperCase(java.util.Locale.ROOT)).replace("ISSUER", issuer), StandardCharsets.UTF_8));

        assertThat(refused.statusCode()).isEqualTo(400);
        assertThat(refused.body()).contains("does not come from the identity provider");
        assertThat(browser.cookie(base(first), COOKIE)).isNull();
        assertThat(metric(first, "authtier_logins_total{outcome=\"wrong_iss\"}")).isEqualTo(wrong + 1);
        // The refusal came before the login was taken: the answer as the issuer sent it still logs in
        HttpResponse<String> accepted = browser.get(callback + "&iss=" + URLEncoder.encode(issuer, StandardCharsets.UTF_8));
        assertThat(accepted.statusCode()).isEqualTo(302);
        assertThat(accepted.headers().firstValue("Location")).hasValue("/cart");
    }

    @Test
    @DisplayName("An IdP whose discovery says authorization_response_iss_parameter_supported: a callback without iss is refused")
    void callbackWithoutIssWhereItIsPromised() {
        try (RunningRuntime strict = RunningRuntime.start("""
                issuers:
                - name: strict
                  issuerUrl: %s
                  audiences: [shop-api]
                sessions:
                  store: Memory
                  cookie:
                    signingKeys: [{id: k1, file: %s}]
                  login:
                    issuer: strict
                    clientId: %s
                    allowedRedirectDomains: [127.0.0.1]
                """.formatted(idp.issuerUrl("strict"), k1, CLIENT), new MutableClock(Instant.now()), policy -> policy)) {
            await().atMost(Duration.ofSeconds(20)).until(() -> strict.management("/readyz").statusCode() == 200);
            Browser browser = new Browser();
            String callback = callbackOf(browser, strict, "strict", "ines");

            HttpResponse<String> withoutIss = browser.get(callback);

            assertThat(withoutIss.statusCode()).isEqualTo(400);
            assertThat(browser.cookie(base(strict), COOKIE)).isNull();
            assertThat(metric(strict, "authtier_logins_total{outcome=\"no_iss\"}")).isEqualTo(1.0);
            // And with the issuer's iss, as such an IdP sends it, the login passes
            HttpResponse<String> withIss = browser.get(callback + "&iss=" + URLEncoder.encode(idp.issuerUrl("strict").toString(), StandardCharsets.UTF_8));
            assertThat(withIss.statusCode()).isEqualTo(302);
            assertThat(auth(browser, strict).headers().firstValue("X-Auth-Request-User")).hasValue("ines");
        }
    }

    @Test
    @DisplayName("The 401s of /oauth2/userinfo and /oauth2/callback carry a WWW-Authenticate challenge that says where to log in")
    void unauthorizedAnswersCarryAChallenge() {
        String challenge = "Cookie realm=\"authtier\", form-action=\"/oauth2/start\"";
        // userinfo without a session
        HttpResponse<String> userinfo = new Browser().get(base(first) + "/oauth2/userinfo");
        assertThat(userinfo.statusCode()).isEqualTo(401);
        assertThat(userinfo.headers().allValues("WWW-Authenticate")).containsExactly(challenge);

        // A callback with which the IdP says it did not log the user in (error=access_denied; no code, so no token is asked for)
        Browser browser = new Browser();
        HttpResponse<String> toCallback = browser.follow(base(first) + "/oauth2/start?rd=/cart", next -> next.contains("/oauth2/callback"),
                nextClient());
        String callback = toCallback.uri().resolve(toCallback.headers().firstValue("Location").orElseThrow()).toString();
        HttpResponse<String> denied = browser.get(callback.replaceFirst("code=[^&]*", "error=access_denied"));
        assertThat(denied.statusCode()).isEqualTo(401);
        assertThat(denied.headers().allValues("WWW-Authenticate")).containsExactly(challenge);
        assertThat(browser.cookie(base(first), COOKIE)).isNull();

        // And a 400 has none
        assertThat(new Browser().get(base(first) + "/oauth2/callback").headers().firstValue("WWW-Authenticate")).isEmpty();
    }

    @ParameterizedTest(name = "typ {0}")
    @ValueSource(strings = {"logout+jwt", "application/logout+jwt", "Application/Logout+JWT"})
    @DisplayName("A logout token's typ may be the media type in full, in any case (RFC 7515 4.1.9)")
    void logoutTokenTypes(String typ) throws Exception {
        Browser browser = new Browser();
        login(browser, first, "tyra", Map.of("sid", "idp-session-typ-" + typ));
        String token = idp.issueToken("main", "tyra", new DefaultOAuth2TokenCallback("main", "tyra", typ, List.of(CLIENT),
                Map.of("sid", "idp-session-typ-" + typ, "events", event()), 120)).serialize();

        HttpResponse<String> answer = postLogout(first, token);

        assertThat(answer.statusCode()).isEqualTo(200);
        assertThat(auth(browser, first).statusCode()).isEqualTo(401);
    }

    static double metric(RunningRuntime runtime, String line) {
        return runtime.management("/metrics").body().lines().filter(l -> l.startsWith(line + " "))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
    }

    @ParameterizedTest(name = "token_type {0}")
    @CsvSource({"DPoP, 503", "MAC, 503", "'', 503", "absent, 503", "bearer, 302", "Bearer, 302"})
    @DisplayName("A code exchange answered with a token_type other than Bearer (any case) is an IdP error: no session, 503")
    void tokenTypeMustBeBearer(String tokenType, int status) {
        // Given a login that reached the IdP and comes back with a code
        Browser browser = new Browser();
        HttpResponse<String> toCallback = browser.follow(base(first) + "/oauth2/start?rd=/cart", next -> next.contains("/oauth2/callback"),
                nextClient());
        String callback = toCallback.uri().resolve(toCallback.headers().firstValue("Location").orElseThrow()).toString();
        String nonce = query(browser.hops().getFirst().headers().firstValue("Location").orElseThrow()).get("nonce");
        // And an IdP whose answer to that code is right in every other way: a signed ID token with the nonce
        String idToken = idp.issueToken("main", CLIENT, new DefaultOAuth2TokenCallback("main", "tess", "JWT", List.of(CLIENT),
                Map.of("nonce", nonce), 3600)).serialize();
        String accessToken = idp.issueToken("main", "tess", "shop-api", Map.of(), 3600).serialize();
        faults.answerNextCode(200, "{\"access_token\":\"" + accessToken + "\","
                + ("absent".equals(tokenType) ? "" : "\"token_type\":\"" + tokenType + "\",")
                + "\"expires_in\":600,\"id_token\":\"" + idToken + "\"}");
        double unavailable = metric(first, "authtier_logins_total{outcome=\"unavailable\"}");

        HttpResponse<String> answer = browser.get(callback);

        // Then only Bearer makes a session; anything else is counted as the IdP being unusable, as a malformed answer is
        assertThat(answer.statusCode()).isEqualTo(status);
        if (status == 503) {
            assertThat(browser.cookie(base(first), COOKIE)).isNull();
            assertThat(answer.headers().firstValue("Retry-After")).hasValue("1");
            assertThat(metric(first, "authtier_logins_total{outcome=\"unavailable\"}")).isEqualTo(unavailable + 1);
        } else {
            assertThat(answer.headers().firstValue("Location")).hasValue("/cart");
            assertThat(auth(browser, first).headers().firstValue("X-Auth-Request-User")).hasValue("tess");
        }
    }

    @Test
    @DisplayName("The code is redeemed with the PKCE verifier whose S256 hash the authorize request carried")
    void pkceVerifierMatchesChallenge() throws Exception {
        // Given a login through the runtime, with the IdP's requests recorded
        while (recorded(1) != null) {
            // drain what earlier tests left
        }
        Browser browser = new Browser();
        login(browser, first, "pkce", Map.of());
        String challenge = query(browser.hops().getFirst().headers().firstValue("Location").orElseThrow()).get("code_challenge");

        // When the code exchange that reached the IdP is examined
        String form = null;
        for (var recorded = recorded(5000); recorded != null; recorded = recorded(200)) {
            String body = recorded.getBody().readUtf8();
            if (body.contains("grant_type=authorization_code")) {
                form = body;
            }
        }

        // Then it carried the verifier, and its S256 hash is the challenge (so an IdP that enforces PKCE,
        // such as Keycloak with "S256" set on the client, refuses the code to anyone without it)
        assertThat(form).isNotNull();
        String verifier = Arrays.stream(form.split("&")).filter(p -> p.startsWith("code_verifier=")).findFirst().orElseThrow()
                .substring("code_verifier=".length());
        byte[] digest = java.security.MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII));
        assertThat(java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(digest)).isEqualTo(challenge);
        assertThat(form).contains("redirect_uri=").doesNotContain("client_secret=");
    }

    /** The IdP's next recorded request, or null if none arrives within {@code millis}. */
    static okhttp3.mockwebserver.RecordedRequest recorded(long millis) {
        try {
            return idp.takeRequest(millis, java.util.concurrent.TimeUnit.MILLISECONDS);
        } catch (RuntimeException e) {
            return null; // "no request found in queue within timeout"
        }
    }

    @ParameterizedTest(name = "rd={0}")
    @ValueSource(strings = {"https://evil.example.net/", "//evil.example.net/x", "/\\evil.example.net", "https://shop.example.com.evil.net/",
            "https://shop.example.com@evil.net/", "javascript:alert(1)", "https://apps.example.com/", "http://evil.net\\@shop.example.com/"})
    @DisplayName("Open redirects are refused before anything is sent to the IdP")
    void openRedirects(String rd) {
        HttpResponse<String> response = new Browser().get(base(first) + "/oauth2/start?rd=" + URLEncoder.encode(rd, StandardCharsets.UTF_8));
        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.headers().firstValue("Location")).isEmpty();
    }

    @ParameterizedTest(name = "rd={0}")
    @ValueSource(strings = {"/orders?id=7", "https://shop.example.com/cart", "https://a.apps.example.com/"})
    @DisplayName("Allowed return targets start a login")
    void allowedRedirects(String rd) {
        HttpResponse<String> response = new Browser().get(base(first) + "/oauth2/start?rd=" + URLEncoder.encode(rd, StandardCharsets.UTF_8));
        assertThat(response.statusCode()).isEqualTo(302);
        assertThat(response.headers().firstValue("Location").orElseThrow()).startsWith(idp.authorizationEndpointUrl("main").toString());
    }

    @ParameterizedTest(name = "rd={0}")
    @ValueSource(strings = {"/app/search?q=a%26b%3Dc&x=100%25", "/app/a%20b", "/app/caf%C3%A9/%2F+x"})
    @DisplayName("An unencoded rd (nginx's rd=$request_uri) comes back byte for byte, its escapes and query untouched")
    void unencodedTargetKeptAsSent(String rd) {
        HttpResponse<String> out = new Browser().get(base(first) + "/oauth2/sign_out?rd=" + rd, "Sec-Fetch-Site", "same-origin");

        assertThat(out.statusCode()).isEqualTo(302);
        assertThat(out.headers().firstValue("Location")).hasValue(rd);
    }

    @Test
    @DisplayName("Sign-out ends the session on every replica at once and sends the browser to the IdP with id_token_hint")
    void signOut() {
        Browser browser = new Browser();
        login(browser, first, "linus", Map.of());
        String cookie = browser.cookie(base(first), COOKIE);
        Browser elsewhere = new Browser();
        elsewhere.setCookie(base(second), COOKIE, cookie);
        assertThat(auth(elsewhere, second).statusCode()).isEqualTo(200);

        // When the user signs out on the first replica, by a link on the application's page
        HttpResponse<String> out = browser.get(base(first) + "/oauth2/sign_out?rd=/bye", "Sec-Fetch-Site", "same-origin");

        // Then the browser goes to the IdP's end-session endpoint with the ID token and the way back
        String location = out.headers().firstValue("Location").orElseThrow();
        assertThat(out.statusCode()).isEqualTo(302);
        assertThat(location).startsWith(idp.endSessionEndpointUrl("main").toString());
        assertThat(query(location)).containsKey("id_token_hint").containsEntry("post_logout_redirect_uri", base(first) + "/bye")
                .containsEntry("client_id", CLIENT);
        assertThat(out.headers().allValues("Set-Cookie")).anyMatch(c -> c.startsWith(COOKIE + "=;") && c.contains("Max-Age=0"));
        // And the session is gone for the other replica too, within its short memory of sessions (sessions.localCacheTtl)
        await().atMost(Duration.ofSeconds(3)).pollInterval(Duration.ofMillis(100))
                .until(() -> auth(elsewhere, second).statusCode() == 401);
        assertThat(browser.get(base(first) + "/oauth2/userinfo").statusCode()).isEqualTo(401);
    }

    @Test
    @DisplayName("A sign-out whose session is gone already still ends the IdP's session: to the IdP with client_id, no ID token")
    void signOutOfGoneSession() {
        Browser browser = new Browser();
        login(browser, first, "lena", Map.of());
        String cookie = browser.cookie(base(first), COOKIE);
        assertThat(browser.get(base(first) + "/oauth2/sign_out?rd=/bye", "Sec-Fetch-Site", "same-origin").statusCode()).isEqualTo(302);

        // When the same cookie signs out again (a second tab, or a first try that failed after its delete)
        Browser again = new Browser();
        again.setCookie(base(first), COOKIE, cookie);
        HttpResponse<String> out = again.get(base(first) + "/oauth2/sign_out?rd=/bye", "Sec-Fetch-Site", "same-origin");

        // Then the browser still goes to the IdP's end-session endpoint, naming the client, and the cookie is cleared
        assertThat(out.statusCode()).isEqualTo(302);
        String location = out.headers().firstValue("Location").orElseThrow();
        assertThat(location).startsWith(idp.endSessionEndpointUrl("main").toString());
        assertThat(query(location)).doesNotContainKey("id_token_hint").containsEntry("client_id", CLIENT)
                .containsEntry("post_logout_redirect_uri", base(first) + "/bye");
        assertThat(out.headers().allValues("Set-Cookie")).anyMatch(c -> c.startsWith(COOKIE + "=;") && c.contains("Max-Age=0"));
        // While a request without a session cookie goes straight back to rd
        assertThat(new Browser().get(base(first) + "/oauth2/sign_out?rd=/bye", "Sec-Fetch-Site", "same-origin")
                .headers().firstValue("Location")).hasValue("/bye");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "Sec-Fetch-Site same-origin | Sec-Fetch-Site: same-origin",
            "Sec-Fetch-Site same-site (a sibling host) | Sec-Fetch-Site: same-site",
            "Sec-Fetch-Site none (typed, bookmarked) | Sec-Fetch-Site: none",
            "Origin of this host, no Sec-Fetch-Site | Origin: BASE",
            "Origin null, Referer of this host | Origin: null, Referer: BASE/app/account",
            "Referer of this host | Referer: BASE/app/account?tab=1",
            "Origin of the host a trusted proxy names | X-Forwarded-Proto: https, X-Forwarded-Host: shop.example.com, Origin: https://shop.example.com",
            "Referer of that host, with its default port | X-Forwarded-Proto: https, X-Forwarded-Host: shop.example.com, Referer: https://SHOP.example.com:443/x"})
    @DisplayName("Sign-out is honoured when Sec-Fetch-Site, else Origin, else Referer, says it comes from this site")
    void signOutFromThisSite(String name, String headers) {
        Browser browser = new Browser();
        login(browser, first, "olga", Map.of());

        HttpResponse<String> out = browser.get(base(first) + "/oauth2/sign_out?rd=/bye", headers(headers));

        assertThat(out.statusCode()).isEqualTo(302);
        assertThat(out.headers().allValues("Set-Cookie")).anyMatch(c -> c.startsWith(COOKIE + "=;") && c.contains("Max-Age=0"));
        assertThat(auth(browser, first).statusCode()).isEqualTo(401);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "Sec-Fetch-Site cross-site, though Origin is this host | Sec-Fetch-Site: cross-site, Origin: BASE",
            "Origin of another site | Origin: http://evil.example",
            "Origin of this host on another port | Origin: http://127.0.0.1:1",
            "Origin of this host over https | Origin: https://127.0.0.1:PORT",
            "Referer of another site | Referer: http://evil.example/BASE/",
            "Origin of another site, Referer of this host | Origin: http://evil.example, Referer: BASE/app/",
            "Origin of this host, not the one the trusted proxy names | X-Forwarded-Proto: https, X-Forwarded-Host: shop.example.com, Origin: BASE"})
    @DisplayName("Sign-out is refused (403) when the browser says it comes from another site, and the session stays")
    void signOutFromAnotherSite(String name, String headers) {
        Browser browser = new Browser();
        login(browser, first, "olga", Map.of());

        HttpResponse<String> out = browser.get(base(first) + "/oauth2/sign_out?rd=/bye", headers(headers));

        assertThat(out.statusCode()).isEqualTo(403);
        assertThat(out.body()).contains("must be started from this site");
        assertThat(auth(browser, first).statusCode()).isEqualTo(200);
    }

    /** "Name: value, Name: value" as header arguments, with BASE and PORT standing for the first replica's. */
    static String[] headers(String list) {
        return Arrays.stream(list.split(", ")).flatMap(header -> Arrays.stream(header.split(": ", 2)))
                .map(part -> part.replace("BASE", base(first)).replace("PORT", String.valueOf(first.port()))).toArray(String[]::new);
    }

    @Test
    @DisplayName("A sign-out that nothing says the origin of is refused with a page whose button posts it from this origin")
    void signOutOfUnknownOrigin() {
        Browser browser = new Browser();
        login(browser, first, "olga", Map.of());

        // When an old browser (no Sec-Fetch-Site) follows a link that hid its Referer, or a client sends no such header
        HttpResponse<String> bare = browser.get(base(first) + "/oauth2/sign_out?rd=/bye%3Cscript%3E");

        // Then the session stays, and the answer is a page with a sign-out button, framed by no one, that echoes nothing
        assertThat(bare.statusCode()).isEqualTo(403);
        assertThat(auth(browser, first).statusCode()).isEqualTo(200);
        assertThat(bare.headers().firstValue("Content-Type")).hasValue("text/html; charset=utf-8");
        assertThat(bare.body()).contains("<form method=\"post\" action=\"sign_out\"><button type=\"submit\">Sign out</button></form>")
                .doesNotContain("bye", "script");
        assertThat(bare.headers().firstValue("X-Frame-Options")).hasValue("DENY");
        assertThat(bare.headers().firstValue("Content-Security-Policy")).hasValue("default-src 'none'; frame-ancestors 'none'");
        // And the page lets the browser name this origin on the POST (no-referrer would make it Origin: null)
        assertThat(bare.headers().firstValue("Referrer-Policy")).hasValue("same-origin");
        assertThat(bare.headers().firstValue("Cache-Control")).hasValue("no-store");
        // An Origin: null alone tells nothing either
        assertThat(browser.get(base(first) + "/oauth2/sign_out", "Origin", "null").statusCode()).isEqualTo(403);

        // When the user clicks the button: the browser posts the form (relative action) with this origin
        String action = bare.uri().resolve("sign_out").toString();
        HttpResponse<String> posted = browser.postForm(action, Map.of(), "Origin", base(first));

        // Then the user is signed out
        assertThat(posted.statusCode()).isEqualTo(302);
        assertThat(auth(browser, first).statusCode()).isEqualTo(401);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "a Host outside allowedRedirectDomains | Host: evil.com | ''",
            "a trusted proxy's host outside them | Host: 127.0.0.1; X-Forwarded-Proto: https; X-Forwarded-Host: evil.com | ''",
            "an allowed host over plain http | Host: 127.0.0.1; X-Forwarded-Proto: http; X-Forwarded-Host: shop.example.com | ''",
            "an allowed host over https | Host: 127.0.0.1; X-Forwarded-Proto: https; X-Forwarded-Host: shop.example.com | https://shop.example.com/bye",
            "an allowed wildcard host | Host: 127.0.0.1; X-Forwarded-Proto: https; X-Forwarded-Host: a.apps.example.com | https://a.apps.example.com/bye"})
    @DisplayName("Sign-out gives the IdP a post-logout redirect on this host only where a callback could be; otherwise none, and still signs out")
    void postLogoutRedirectOnAllowedHostsOnly(String name, String hostHeaders, String expected) throws IOException {
        Browser browser = new Browser();
        login(browser, first, "omar", Map.of());
        String cookie = browser.cookie(base(first), COOKIE);

        // When the sign-out request names that host (Sec-Fetch-Site: none, so that only the host is in question)
        String answer = rawGet(first, "/oauth2/sign_out?rd=/bye", hostHeaders.replace("; ", "\r\n") + "\r\nSec-Fetch-Site: none\r\n"
                + "Cookie: " + COOKIE + "=" + cookie + "\r\n");

        // Then the browser goes to the IdP's end-session endpoint, with a way back only to an allowed origin
        assertThat(answer).startsWith("HTTP/1.1 302 ");
        String location = answer.lines().filter(line -> line.regionMatches(true, 0, "Location:", 0, 9)).findFirst().orElseThrow().substring(9).strip();
        assertThat(location).startsWith(idp.endSessionEndpointUrl("main").toString());
        Map<String, String> params = query(location);
        assertThat(params).containsKey("id_token_hint").containsEntry("client_id", CLIENT);
        if (expected.isEmpty()) {
            assertThat(params).doesNotContainKey("post_logout_redirect_uri");
            assertThat(location).doesNotContain("evil.com");
        } else {
            assertThat(params).containsEntry("post_logout_redirect_uri", expected);
        }
        // And the session has ended either way
        assertThat(auth(browser, first).statusCode()).isEqualTo(401);
    }

    @Test
    @DisplayName("Access rules apply to sessions: groups, roles and scopes from the login")
    void accessRulesForSessions() {
        Browser browser = new Browser();
        login(browser, first, "hedy", Map.of("groups", List.of("staff"), "realm_access", Map.of("roles", List.of("admin"))));

        assertThat(browser.get(base(first) + "/auth?allowed_groups=staff").statusCode()).isEqualTo(200);
        assertThat(browser.get(base(first) + "/auth?allowed_roles=admin").statusCode()).isEqualTo(200);
        assertThat(browser.get(base(first) + "/auth?required_scopes=email").statusCode()).isEqualTo(200);
        assertThat(browser.get(base(first) + "/auth?allowed_groups=finance").statusCode()).isEqualTo(403);
        assertThat(browser.get(base(first) + "/auth?allowed_roles=auditor").statusCode()).isEqualTo(403);
        assertThat(browser.get(base(first) + "/auth?required_scopes=payments").statusCode()).isEqualTo(403);
    }

    @Test
    @DisplayName("Another site cannot sign a user out, and /oauth2/start is rate limited per client")
    void crossSiteSignOutAndRateLimit() {
        Browser browser = new Browser();
        login(browser, first, "barbara", Map.of());
        HttpResponse<String> crossSite = browser.get(base(first) + "/oauth2/sign_out", "Sec-Fetch-Site", "cross-site");
        assertThat(crossSite.statusCode()).isEqualTo(403);
        assertThat(auth(browser, first).statusCode()).isEqualTo(200);

        // One client (by X-Forwarded-For from the trusted proxy) starting logins in a loop is stopped
        List<Integer> statuses = java.util.stream.IntStream.range(0, 80).mapToObj(i -> new Browser()
                .get(base(second) + "/oauth2/start", "X-Forwarded-For", "203.0.113.7").statusCode()).toList();
        assertThat(statuses.subList(0, 50)).containsOnly(302);
        assertThat(statuses).contains(429);
        // while another client still gets through
        assertThat(new Browser().get(base(second) + "/oauth2/start", "X-Forwarded-For", "203.0.113.8").statusCode()).isEqualTo(302);
        // A client that writes an X-Forwarded-For line of its own, to which the proxy adds a line with the real
        // address (HAProxy's option forwardfor), is still known by that real address: one list, all lines
        List<Integer> spoofing = java.util.stream.IntStream.range(0, 80).mapToObj(i -> new Browser()
                .get(base(second) + "/oauth2/start", "X-Forwarded-For", "8.8.0." + i, "X-Forwarded-For", "203.0.113.9")
                .statusCode()).toList();
        assertThat(spoofing).contains(429);
    }

    @Test
    @DisplayName("Log out everywhere (admin port) ends every session of that user and no other")
    void logoutEverywhere() throws Exception {
        Browser laptop = new Browser();
        Browser phone = new Browser();
        Browser colleague = new Browser();
        login(laptop, first, "margaret", Map.of());
        login(phone, second, "margaret", Map.of());
        login(colleague, first, "katherine", Map.of());

        // A web page (the browser names its Origin) cannot use an operator's port-forward
        HttpResponse<String> fromPage = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + first.adminPort() + "/admin/logout?sub=margaret"))
                .header("Origin", "http://evil.example").POST(HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(fromPage.statusCode()).isEqualTo(403);
        assertThat(auth(laptop, first).statusCode()).isEqualTo(200);

        // When an operator logs margaret out everywhere through the admin port
        HttpResponse<String> admin = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + first.adminPort() + "/admin/logout?sub=margaret"))
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());

        // Then both of her sessions end, and her colleague's does not
        assertThat(admin.statusCode()).isEqualTo(200);
        assertThat(admin.body()).isEqualTo("{\"sessionsEnded\":2}");
        assertThat(auth(laptop, first).statusCode()).isEqualTo(401);
        await().atMost(Duration.ofSeconds(3)).pollInterval(Duration.ofMillis(100)).until(() -> auth(phone, second).statusCode() == 401);
        assertThat(auth(colleague, first).statusCode()).isEqualTo(200);
    }

    @Test
    @DisplayName("Back-channel logout ends the sessions of its sid (of its sub too, if it names one), or of its sub, and refuses tokens that are not logout tokens")
    void backchannelLogout() throws Exception {
        Browser a = new Browser();
        Browser b = new Browser();
        Browser c = new Browser();
        login(a, first, "alan", Map.of("sid", "idp-session-1"));
        login(b, second, "alan", Map.of("sid", "idp-session-1"));
        login(c, first, "alan", Map.of("sid", "idp-session-2"));
        // Another user's session under the same sid (an IdP mix-up): a token naming alan must not end it
        Browser d = new Browser();
        login(d, first, "bea", Map.of("sid", "idp-session-1"));

        // An ID token is not a logout token; neither is a logout token without the event
        assertThat(postLogout(first, idp.issueToken("main", "alan", new DefaultOAuth2TokenCallback("main", "alan", "JWT",
                List.of(CLIENT), Map.of("sid", "idp-session-1", "nonce", "n"), 60)).serialize()).statusCode()).isEqualTo(400);
        assertThat(postLogout(first, logoutToken(Map.of("sid", "idp-session-1"))).statusCode()).isEqualTo(400);
        assertThat(postLogout(first, "not-a-jwt").statusCode()).isEqualTo(400);
        // Not a form at all (JSON, or no body type): 400 invalid_request, not stored by anything
        HttpResponse<String> json = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(base(first) + "/oauth2/backchannel-logout"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("{\"logout_token\":\"x\"}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(json.statusCode()).isEqualTo(400);
        assertThat(json.body()).contains("invalid_request");
        assertThat(json.headers().firstValue("Cache-Control")).hasValue("no-store");
        HttpResponse<String> untyped = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(base(first) + "/oauth2/backchannel-logout?logout_token=x"))
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(untyped.statusCode()).isEqualTo(400);
        assertThat(auth(a, first).statusCode()).isEqualTo(200);

        // When the IdP ends its session idp-session-1
        String sidToken = logoutToken(Map.of("sid", "idp-session-1", "events", event()));
        HttpResponse<String> bySid = postLogout(first, sidToken);

        // Then exactly the two sessions of that IdP session end, and the same token cannot be used again
        assertThat(bySid.statusCode()).isEqualTo(200);
        HttpResponse<String> replayed = postLogout(second, sidToken);
        assertThat(replayed.statusCode()).isEqualTo(400);
        assertThat(replayed.body()).contains("used already");
        assertThat(auth(a, first).statusCode()).isEqualTo(401);
        await().atMost(Duration.ofSeconds(3)).pollInterval(Duration.ofMillis(100)).until(() -> auth(b, second).statusCode() == 401);
        assertThat(auth(c, first).statusCode()).isEqualTo(200);
        assertThat(auth(d, first).statusCode()).isEqualTo(200);

        // And a logout token with sub only ends every remaining session of that user
        assertThat(postLogout(second, logoutToken(Map.of("events", event()))).statusCode()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(3)).pollInterval(Duration.ofMillis(100)).until(() -> auth(c, first).statusCode() == 401);
    }

    static Map<String, Object> event() {
        return Map.of("http://schemas.openid.net/event/backchannel-logout", Map.of());
    }

    static String logoutToken(Map<String, Object> claims) {
        return idp.issueToken("main", "alan", new DefaultOAuth2TokenCallback("main", "alan", "logout+jwt", List.of(CLIENT), claims, 120))
                .serialize();
    }

    static HttpResponse<String> postLogout(RunningRuntime runtime, String token) {
        return BackchannelLogouts.post(base(runtime), token);
    }

    @Test
    @DisplayName("/auth without a session: 401 for an API client, a redirect to the login for a browser where configured")
    void anonymous() {
        // An API client on either replica gets 401
        assertThat(new Browser().get(base(first) + "/auth").statusCode()).isEqualTo(401);
        assertThat(new Browser().get(base(second) + "/auth", "Accept", "application/json").statusCode()).isEqualTo(401);
        // A browser on the first replica (redirectToLogin off) gets 401 too
        assertThat(new Browser().get(base(first) + "/auth", "Accept", "text/html").statusCode()).isEqualTo(401);

        // A browser behind a trusted proxy on the second (redirectToLogin on) is sent to the login, and back afterwards
        HttpResponse<String> redirect = new Browser().get(base(second) + "/auth", "Accept", "text/html,application/xhtml+xml",
                "X-Forwarded-Uri", "/orders?id=7");
        assertThat(redirect.statusCode()).isEqualTo(302);
        assertThat(redirect.headers().firstValue("Location")).hasValue("/oauth2/start?rd=" + URLEncoder.encode("/orders?id=7", StandardCharsets.UTF_8));
        // Envoy appends the original path and query to /ext-authz: that is where the browser comes back to
        HttpResponse<String> envoy = new Browser().get(base(second) + "/ext-authz/orders?id=7", "Accept", "text/html");
        assertThat(envoy.statusCode()).isEqualTo(302);
        assertThat(envoy.headers().firstValue("Location")).hasValue("/oauth2/start?rd=" + URLEncoder.encode("/orders?id=7", StandardCharsets.UTF_8));
        // An original URL whose encoded form would not fit in a request line: to the login without rd, not to a 414
        HttpResponse<String> huge = new Browser().get(base(second) + "/auth", "Accept", "text/html",
                "X-Forwarded-Uri", "/search?q=" + "a%26b".repeat(1600));
        assertThat(huge.statusCode()).isEqualTo(302);
        assertThat(huge.headers().firstValue("Location")).hasValue("/oauth2/start");
        // A deep link of 5 000 characters, as nginx passes it on: the login starts (its target becomes /), no 414
        HttpResponse<String> deep = new Browser().get(base(first) + "/oauth2/start?rd=/" + "a".repeat(5000));
        assertThat(deep.statusCode()).isEqualTo(302);
        assertThat(deep.headers().firstValue("Location").orElseThrow()).startsWith(idp.authorizationEndpointUrl("main").toString());
    }
}
