package io.authtier.runtime.login;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The pure rules of the login flow: PKCE, return targets, ID token and logout token claims, cookie parsing. */
@DisplayName("Login rules")
class LoginRulesTest {

    static final Instant NOW = Instant.parse("2026-11-28T12:00:00Z");
    static final Duration SKEW = Duration.ofSeconds(30);

    @Test
    @DisplayName("PKCE S256 matches the RFC 7636 example, and verifiers are 43 fresh characters")
    void pkce() {
        assertThat(Pkce.challengeOf("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk")).isEqualTo("E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM");
        Pkce one = Pkce.create(new java.security.SecureRandom());
        Pkce two = Pkce.create(new java.security.SecureRandom());
        assertThat(one.verifier()).hasSize(43).isNotEqualTo(two.verifier());
        assertThat(one.challenge()).isEqualTo(Pkce.challengeOf(one.verifier()));
        assertThat(one.toString()).doesNotContain(one.verifier());
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"https://evil.net/", "//evil.net", "/\\evil.net", "https://shop.example.com.evil.net/", "https://shop.example.com@evil.net/",
            "javascript:alert(1)", "data:text/html,x", "https://example.com/", "ftp://shop.example.com/", "/a b", "https://shop.example.com./",
            "http://a.shop.example.com:443@evil.net/", "", "https:/shop.example.com"})
    @DisplayName("Return targets outside the allowed domains are refused")
    void refusedTargets(String target) {
        assertThat(new ReturnTargets(List.of("shop.example.com", "*.apps.example.com")).check(target)).isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"/", "/cart?x=1#top", "https://shop.example.com/", "http://SHOP.example.com:8443/x", "https://a.b.apps.example.com/"})
    @DisplayName("Paths on this host and URLs on allowed domains are accepted as given")
    void acceptedTargets(String target) {
        assertThat(new ReturnTargets(List.of("shop.example.com", "*.apps.example.com")).check(target)).hasValue(target);
    }

    @Test
    @DisplayName("Characters beyond ASCII are %-encoded, in a host too (then refused); a target beyond the cap becomes /")
    void encodedAndCapped() {
        ReturnTargets targets = new ReturnTargets(List.of("shop.example.com"));
        assertThat(targets.check("/café?q=日本")).hasValue("/caf%C3%A9?q=%E6%97%A5%E6%9C%AC");
        assertThat(targets.check("https://shop.example.com/ü")).hasValue("https://shop.example.com/%C3%BC");
        assertThat(targets.check("https://shöp.example.com/")).isEmpty();
        assertThat(targets.check("/a\u2028b")).hasValue("/a%E2%80%A8b");
        assertThat(targets.check("/" + "a".repeat(ReturnTargets.MAX_LENGTH - 1))).hasValue("/" + "a".repeat(ReturnTargets.MAX_LENGTH - 1));
        assertThat(targets.check("/" + "a".repeat(ReturnTargets.MAX_LENGTH))).hasValue("/");
        assertThat(targets.check("https://evil.net/" + "a".repeat(ReturnTargets.MAX_LENGTH))).isEmpty();
    }

    @Test
    @DisplayName("A wildcard allows subdomains, not the domain itself")
    void wildcard() {
        ReturnTargets targets = new ReturnTargets(List.of("*.apps.example.com"));
        assertThat(targets.check("https://apps.example.com/")).isEmpty();
        assertThat(targets.check("https://x.apps.example.com/")).isPresent();
        assertThat(targets.check("https://xapps.example.com/")).isEmpty();
    }

    static CallbackUrls derivedCallbacks() {
        return new CallbackUrls(new io.authtier.runtime.config.LoginConfig("main", "web", Optional.empty(), List.of("openid"),
                List.of("shop.example.com", "*.apps.example.com", "localhost"), Optional.empty(), false));
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"https://evil.com", "https://apps.example.com", "https://shop.example.com.", "https://shop.example.com.evil.com",
            "http://shop.example.com", "http://a.apps.example.com:8080", "http://127.0.0.1:8080", "https://[::1]"})
    @DisplayName("Without redirectUrl, no callback is derived on a host outside the allowed domains, nor over http off the loopback")
    void refusedCallbacks(String origin) {
        assertThat(derivedCallbacks().of(Optional.of(origin))).isInstanceOf(CallbackUrls.Refused.class);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"https://shop.example.com", "https://shop.example.com:8443", "https://x.apps.example.com", "http://localhost:8080"})
    @DisplayName("Without redirectUrl, the callback is /oauth2/callback on an allowed origin")
    void derivedCallbacks(String origin) {
        assertThat(derivedCallbacks().of(Optional.of(origin))).isEqualTo(new CallbackUrls.Url(origin + "/oauth2/callback"));
    }

    @Test
    @DisplayName("A configured redirectUrl is used whatever the request's host")
    void configuredCallback() {
        CallbackUrls callbacks = new CallbackUrls(new io.authtier.runtime.config.LoginConfig("main", "web", Optional.empty(), List.of("openid"),
                List.of("shop.example.com"), Optional.of(java.net.URI.create("https://auth.example.com/oauth2/callback")), false));
        assertThat(callbacks.of(Optional.of("http://evil.com"))).isEqualTo(new CallbackUrls.Url("https://auth.example.com/oauth2/callback"));
        assertThat(derivedCallbacks().of(Optional.empty())).isInstanceOf(CallbackUrls.Refused.class);
    }

    @Test
    @DisplayName("The origin of the callback, for a post-logout redirect: redirectUrl's whatever the host, else an allowed host's only")
    void callbackOrigins() {
        CallbackUrls configured = new CallbackUrls(new io.authtier.runtime.config.LoginConfig("main", "web", Optional.empty(), List.of("openid"),
                List.of("shop.example.com"), Optional.of(java.net.URI.create("https://auth.example.com:8443/auth/oauth2/callback")), false));
        assertThat(configured.origin(Optional.of("http://evil.com"))).isEqualTo(new CallbackUrls.Url("https://auth.example.com:8443"));
        assertThat(derivedCallbacks().origin(Optional.of("https://x.apps.example.com"))).isEqualTo(new CallbackUrls.Url("https://x.apps.example.com"));
        assertThat(derivedCallbacks().origin(Optional.of("http://localhost:8080"))).isEqualTo(new CallbackUrls.Url("http://localhost:8080"));
        assertThat(derivedCallbacks().origin(Optional.of("https://evil.com"))).isInstanceOf(CallbackUrls.Refused.class);
        assertThat(derivedCallbacks().origin(Optional.of("http://shop.example.com"))).isInstanceOf(CallbackUrls.Refused.class);
        assertThat(derivedCallbacks().origin(Optional.empty())).isInstanceOf(CallbackUrls.Refused.class);
    }

    static Map<String, Object> idToken() {
        Map<String, Object> claims = new HashMap<>();
        claims.put("iss", "https://idp.example.com");
        claims.put("sub", "ada");
        claims.put("aud", List.of("shop-web"));
        claims.put("exp", NOW.getEpochSecond() + 300);
        claims.put("iat", NOW.getEpochSecond());
        claims.put("nonce", "n-1");
        return claims;
    }

    static Optional<String> idRules(Map<String, Object> claims) {
        return IdTokenRules.broken(claims, "shop-web", Optional.of("n-1"), NOW, SKEW);
    }

    @Test
    @DisplayName("ID token: each rule is checked")
    void idTokenRules() {
        assertThat(idRules(idToken())).isEmpty();
        Map<String, Object> wrongNonce = idToken();
        wrongNonce.put("nonce", "n-2");
        assertThat(idRules(wrongNonce)).hasValue("wrong_nonce");
        Map<String, Object> noNonce = idToken();
        noNonce.remove("nonce");
        assertThat(idRules(noNonce)).hasValue("wrong_nonce");
        Map<String, Object> otherClient = idToken();
        otherClient.put("aud", "other-app");
        assertThat(idRules(otherClient)).hasValue("wrong_audience");
        Map<String, Object> otherParty = idToken();
        otherParty.put("aud", List.of("shop-web", "other-app"));
        otherParty.put("azp", "other-app");
        assertThat(idRules(otherParty)).hasValue("wrong_authorized_party");
        Map<String, Object> severalWithoutAzp = idToken();
        severalWithoutAzp.put("aud", List.of("shop-web", "other-app"));
        assertThat(idRules(severalWithoutAzp)).hasValue("wrong_authorized_party");
        Map<String, Object> expired = idToken();
        expired.put("exp", NOW.getEpochSecond() - 31);
        assertThat(idRules(expired)).hasValue("expired");
        Map<String, Object> future = idToken();
        future.put("iat", NOW.getEpochSecond() + 31);
        assertThat(idRules(future)).hasValue("not_yet_valid");
        Map<String, Object> noSubject = idToken();
        noSubject.remove("sub");
        assertThat(idRules(noSubject)).hasValue("missing_claim");
        for (String unpassable : List.of("Zoë", " ada", "ada ", "a\nb")) {
            Map<String, Object> badSubject = idToken();
            badSubject.put("sub", unpassable);
            assertThat(idRules(badSubject)).as(unpassable).hasValue("missing_claim");
        }
    }

    @Test
    @DisplayName("ID token of a refresh: every rule but the nonce (OIDC Core 12.2)")
    void refreshedIdTokenRules() {
        Map<String, Object> noNonce = idToken();
        noNonce.remove("nonce");
        assertThat(IdTokenRules.broken(noNonce, "shop-web", Optional.empty(), NOW, SKEW)).isEmpty();
        Map<String, Object> expired = idToken();
        expired.put("exp", NOW.getEpochSecond() - 31);
        assertThat(IdTokenRules.broken(expired, "shop-web", Optional.empty(), NOW, SKEW)).hasValue("expired");
        Map<String, Object> severalWithoutAzp = idToken();
        severalWithoutAzp.put("aud", List.of("shop-web", "other-app"));
        assertThat(IdTokenRules.broken(severalWithoutAzp, "shop-web", Optional.empty(), NOW, SKEW)).hasValue("wrong_authorized_party");
    }

    @Test
    @DisplayName("A login that asked for authentication anew: auth_time a number no earlier than the login's start, less the clock skew; "
            + "otherwise not_reauthenticated, an absent or malformed auth_time included")
    void authenticatedAnew() {
        Instant started = NOW.minusSeconds(20);
        for (Object anew : List.of(started.getEpochSecond(), NOW.getEpochSecond(), started.getEpochSecond() - 30, (int) started.getEpochSecond(),
                started.getEpochSecond() + 0.5)) {
            Map<String, Object> claims = idToken();
            claims.put("auth_time", anew);
            assertThat(IdTokenRules.notAuthenticatedSince(claims, started, SKEW)).as(String.valueOf(anew)).isEmpty();
        }
        Map<String, Object> withoutAuthTime = idToken();
        withoutAuthTime.remove("auth_time");
        assertThat(IdTokenRules.notAuthenticatedSince(withoutAuthTime, started, SKEW)).hasValue("not_reauthenticated");
        for (Object old : java.util.Arrays.asList(started.getEpochSecond() - 31, started.getEpochSecond() - 3600, 0L,
                String.valueOf(NOW.getEpochSecond()), true, null)) {
            Map<String, Object> claims = idToken();
            claims.put("auth_time", old);
            assertThat(IdTokenRules.notAuthenticatedSince(claims, started, SKEW)).as(String.valueOf(old)).hasValue("not_reauthenticated");
        }
    }

    @Test
    @DisplayName("A pending login keeps whether it asked for authentication anew; one stored before that was recorded reads as not asking")
    void pendingLoginReauthenticate() {
        for (boolean reauthenticate : List.of(true, false)) {
            PendingLogin login = new PendingLogin("v", "n", "/x", "b", "https://shop.example.com/oauth2/callback", NOW, reauthenticate);
            assertThat(PendingLogin.decode(login.encode())).hasValue(login);
        }
        byte[] older = ("{\"v\":\"v\",\"n\":\"n\",\"r\":\"/x\",\"b\":\"b\",\"u\":\"https://shop.example.com/oauth2/callback\",\"t\":"
                + NOW.toEpochMilli() + "}").getBytes(java.nio.charset.StandardCharsets.UTF_8);
        assertThat(PendingLogin.decode(older)).hasValue(new PendingLogin("v", "n", "/x", "b", "https://shop.example.com/oauth2/callback", NOW, false));
    }

    @Test
    @DisplayName("When the user authenticated: auth_time where the ID token has it (never after its iat), else iat; "
            + "unknown, the earliest instant, where auth_time is not a number")
    void authenticatedAt() {
        long iat = NOW.getEpochSecond();
        Map<String, Object> withoutAuthTime = idToken();
        assertThat(AuthenticatedAt.of(withoutAuthTime)).isEqualTo(Instant.ofEpochSecond(iat));
        for (Object authTime : List.of(iat - 600, (int) (iat - 600), iat - 599.5, java.math.BigInteger.valueOf(iat - 600))) {
            Map<String, Object> claims = idToken();
            claims.put("auth_time", authTime);
            assertThat(AuthenticatedAt.of(claims)).as(authTime.getClass().getSimpleName()).isEqualTo(Instant.ofEpochSecond(iat - 600));
        }
        Map<String, Object> authenticatedAfterIssue = idToken();
        authenticatedAfterIssue.put("auth_time", iat + 60);
        assertThat(AuthenticatedAt.of(authenticatedAfterIssue)).isEqualTo(Instant.ofEpochSecond(iat));
        for (Object malformed : java.util.Arrays.asList(String.valueOf(iat - 600), "", true, List.of(iat), Map.of(), null)) {
            Map<String, Object> claims = idToken();
            claims.put("auth_time", malformed);
            assertThat(AuthenticatedAt.of(claims)).as(String.valueOf(malformed)).isEqualTo(AuthenticatedAt.UNKNOWN)
                    .isEqualTo(Instant.EPOCH);
        }
        // The rules do not judge auth_time: a malformed one refuses no login and no refresh by itself
        Map<String, Object> malformed = idToken();
        malformed.put("auth_time", "yesterday");
        assertThat(idRules(malformed)).isEmpty();
    }

    static Map<String, Object> logoutToken() {
        Map<String, Object> claims = new HashMap<>();
        claims.put("iss", "https://idp.example.com");
        claims.put("aud", "shop-web");
        claims.put("iat", NOW.getEpochSecond());
        claims.put("sid", "s-1");
        claims.put("jti", "j-1");
        claims.put("events", Map.of(LogoutTokenRules.EVENT, Map.of()));
        return claims;
    }

    @Test
    @DisplayName("Logout token: the event, sub or sid, no nonce, the audience and the lifetime are required")
    void logoutTokenRules() {
        assertThat(LogoutTokenRules.broken(logoutToken(), "shop-web", NOW, SKEW)).isEmpty();
        Map<String, Object> noEvent = logoutToken();
        noEvent.put("events", Map.of("http://example.com/other", Map.of()));
        assertThat(LogoutTokenRules.broken(noEvent, "shop-web", NOW, SKEW)).hasValue("missing_event");
        Map<String, Object> withNonce = logoutToken();
        withNonce.put("nonce", "x");
        assertThat(LogoutTokenRules.broken(withNonce, "shop-web", NOW, SKEW)).hasValue("nonce_present");
        Map<String, Object> nobody = logoutToken();
        nobody.remove("sid");
        assertThat(LogoutTokenRules.broken(nobody, "shop-web", NOW, SKEW)).hasValue("missing_claim");
        assertThat(LogoutTokenRules.broken(logoutToken(), "other-app", NOW, SKEW)).hasValue("wrong_audience");
        Map<String, Object> expired = logoutToken();
        expired.put("exp", NOW.getEpochSecond() - 60);
        assertThat(LogoutTokenRules.broken(expired, "shop-web", NOW, SKEW)).hasValue("expired");
        Map<String, Object> replayed = logoutToken();
        replayed.put("iat", NOW.getEpochSecond() - 6 * 60);
        assertThat(LogoutTokenRules.broken(replayed, "shop-web", NOW, SKEW)).hasValue("too_old");
        Map<String, Object> noId = logoutToken();
        noId.remove("jti");
        assertThat(LogoutTokenRules.broken(noId, "shop-web", NOW, SKEW)).hasValue("missing_claim");
    }

    @Test
    @DisplayName("Cookies: the named one is found among others, in any Cookie header")
    void cookies() {
        assertThat(Cookies.value(List.of("a=1; __Host-authtier=xyz; b=2"), "__Host-authtier")).hasValue("xyz");
        assertThat(Cookies.value(List.of("a=1", "__Host-authtier=\"q\""), "__Host-authtier")).hasValue("q");
        assertThat(Cookies.value(List.of("x__Host-authtier=1; __Host-authtier-login=2"), "__Host-authtier")).isEmpty();
        assertThat(Cookies.value(List.of(), "__Host-authtier")).isEmpty();
        // A pair without '=' is skipped, and an '=' further on does not make it one
        assertThat(Cookies.value(List.of("__Host-authtier; b=2"), "__Host-authtier")).isEmpty();
        assertThat(Cookies.value(List.of("junk; __Host-authtier=v"), "__Host-authtier")).hasValue("v");
    }

    @Test
    @DisplayName("Cookies: a header of many pairs without '=' is read in one pass, not once per pair (a CPU bomb on the event loop)")
    void cookieHeaderWithoutEqualsSigns() {
        // Given a Cookie header of a million ';'-separated names and no '=' at all. Looking for each pair's '='
        // from the pair to the end of the header read the rest of it once per pair: 10^12 characters here, and
        // at the HTTP layer's 16 KiB cap already about 10 ms of an event loop's CPU per request.
        String bomb = "a;".repeat(1_000_000) + "__Host-authtier=found";

        // When it is read, Then the cookie is found. The bound is a complexity guard, not a performance
        // figure: one pass takes milliseconds, a pass per pair hours.
        assertTimeoutPreemptively(Duration.ofSeconds(10), () ->
                assertThat(Cookies.value(List.of(bomb), "__Host-authtier")).hasValue("found"));
    }
}
