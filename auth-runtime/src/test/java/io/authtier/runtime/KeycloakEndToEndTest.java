package io.authtier.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.authtier.runtime.redis.RedisServers;
import io.authtier.runtime.testsupport.Browser;
import io.authtier.runtime.testsupport.Keycloak;
import io.authtier.runtime.testsupport.RunningRuntime;
import io.authtier.runtime.testsupport.SigningKeys;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The runtime against a real Keycloak 26 (its own distribution, {@code kc.sh start-dev}), configured as
 * docs/login.md's "Keycloak" table says: a browser logs in through Keycloak's own login form (authorization
 * code with PKCE), {@code /auth} passes with the session cookie and with the access token Keycloak signed,
 * and both of Keycloak's logouts (RP-initiated and back-channel) end the session. The same steps, behind
 * nginx and with timings, are in {@code auth-runtime/src/jmh/keycloak-login.sh}.
 */
@DisplayName("End to end against a real Keycloak")
class KeycloakEndToEndTest {

    private static final String REALM = "shop";
    private static final String CLIENT = "shop-web";
    private static final String SECRET = "shop-web-secret-for-this-test";
    private static final Pattern LOGIN_FORM = Pattern.compile("<form[^>]*id=\"kc-form-login\"[^>]*action=\"([^\"]+)\"");

    @TempDir
    static Path dir;
    static Keycloak keycloak;
    static RedisServers.Server redis;
    static RunningRuntime runtime;
    static String aliceId;

    @BeforeAll
    static void start() throws IOException {
        keycloak = Keycloak.start(dir);
        redis = RedisServers.standalone(dir);
        keycloak.post("", Map.of("realm", REALM, "enabled", true));
        keycloak.post("/" + REALM + "/users", Map.of("username", "alice", "enabled", true, "email", "alice@example.com",
                "emailVerified", true, "firstName", "Alice", "lastName", "Example",
                "credentials", List.of(Map.of("type", "password", "value", "alice", "temporary", false))));
        aliceId = keycloak.get("/" + REALM + "/users?username=alice&exact=true").get(0).get("id").asText();
        keycloak.post("/" + REALM + "/groups", Map.of("name", "customers"));
        String groupId = keycloak.get("/" + REALM + "/groups?search=customers").get(0).get("id").asText();
        keycloak.put("/" + REALM + "/users/" + aliceId + "/groups/" + groupId, null);

        Path secret = Files.writeString(dir.resolve("client-secret"), SECRET);
        runtime = RunningRuntime.start("""
                issuers:
                - name: keycloak
                  issuerUrl: %s
                  audiences: [account]
                sessions:
                  store: Redis
                  cookie:
                    signingKeys: [{id: k1, file: %s}]
                  passAccessToken: Header
                  login:
                    issuer: keycloak
                    clientId: %s
                    clientSecretFile: %s
                    scopes: [openid, profile, email]
                    allowedRedirectDomains: [127.0.0.1]
                redis:
                  endpoints: ["127.0.0.1:%d"]
                """.formatted(keycloak.realmUrl(REALM), SigningKeys.write(dir, "k1"), CLIENT, secret, redis.port()),
                Clock.systemUTC(), policy -> policy);
        await().atMost(Duration.ofSeconds(60)).until(() -> runtime.management("/readyz").statusCode() == 200);

        // The client as docs/login.md's Keycloak table has it (direct access grants on only to fetch a token below)
        String app = "http://127.0.0.1:" + runtime.port();
        keycloak.post("/" + REALM + "/clients", Map.ofEntries(
                Map.entry("clientId", CLIENT), Map.entry("protocol", "openid-connect"), Map.entry("enabled", true),
                Map.entry("publicClient", false), Map.entry("clientAuthenticatorType", "client-secret"), Map.entry("secret", SECRET),
                Map.entry("standardFlowEnabled", true), Map.entry("directAccessGrantsEnabled", true),
                Map.entry("frontchannelLogout", false),
                Map.entry("redirectUris", List.of(app + "/oauth2/callback")),
                Map.entry("attributes", Map.of("post.logout.redirect.uris", app + "/*", "pkce.code.challenge.method", "S256",
                        "backchannel.logout.url", app + "/oauth2/backchannel-logout",
                        "backchannel.logout.session.required", "true")),
                Map.entry("protocolMappers", List.of(Map.of("name", "groups", "protocol", "openid-connect",
                        "protocolMapper", "oidc-group-membership-mapper", "config", Map.of("claim.name", "groups",
                                "full.path", "false", "id.token.claim", "true", "access.token.claim", "true",
                                "userinfo.token.claim", "true"))))));
    }

    @AfterAll
    static void stop() {
        if (runtime != null) {
            runtime.close();
        }
        if (redis != null) {
            redis.close();
        }
        if (keycloak != null) {
            keycloak.close();
        }
    }

    private static String app() {
        return "http://127.0.0.1:" + runtime.port();
    }

    /** Logs {@code browser} in as alice through Keycloak's login form; returns the runtime's answer to the callback. */
    private static HttpResponse<String> logIn(Browser browser) {
        HttpResponse<String> loginPage = browser.follow(app() + "/oauth2/start?rd=/app/", next -> false);
        assertThat(loginPage.statusCode()).isEqualTo(200);
        assertThat(loginPage.uri().toString()).startsWith(keycloak.realmUrl(REALM));
        // Keycloak was asked for PKCE S256 and the runtime's state and nonce
        assertThat(browser.hops()).anySatisfy(hop -> assertThat(hop.headers().firstValue("Location").orElse(""))
                .startsWith(keycloak.realmUrl(REALM) + "/protocol/openid-connect/auth?")
                .contains("code_challenge_method=S256").contains("state=").contains("nonce="));
        Matcher form = LOGIN_FORM.matcher(loginPage.body());
        assertThat(form.find()).as("Keycloak's login form").isTrue();
        HttpResponse<String> submitted = browser.postForm(form.group(1).replace("&amp;", "&"),
                Map.of("username", "alice", "password", "alice", "credentialId", ""));
        assertThat(submitted.statusCode()).isEqualTo(302);
        String callback = submitted.headers().firstValue("Location").orElseThrow();
        assertThat(callback).startsWith(app() + "/oauth2/callback?");
        return browser.follow(callback, next -> !next.contains("/oauth2/"));
    }

    @Test
    @DisplayName("A browser logs in through Keycloak's form; /auth passes with the cookie and with the access token Keycloak signed")
    void login() {
        Browser browser = new Browser();

        HttpResponse<String> back = logIn(browser);

        assertThat(back.statusCode()).isEqualTo(302);
        assertThat(back.headers().firstValue("Location")).hasValue("/app/");
        assertThat(back.headers().allValues("Set-Cookie")).anySatisfy(cookie -> assertThat(cookie)
                .startsWith("__Host-authtier=").contains("Secure").contains("HttpOnly").contains("SameSite=Lax")
                .doesNotContain("Domain="));
        HttpResponse<String> auth = browser.get(app() + "/auth");
        assertThat(auth.statusCode()).isEqualTo(200);
        assertThat(auth.headers().firstValue("X-Auth-Request-User")).hasValue(aliceId);
        assertThat(auth.headers().firstValue("X-Auth-Request-Email")).hasValue("alice@example.com");
        assertThat(auth.headers().firstValue("X-Auth-Request-Preferred-Username")).hasValue("alice");
        assertThat(auth.headers().firstValue("X-Auth-Request-Groups")).hasValue("customers");

        // The access token the session holds is Keycloak's RS256 JWT: /auth validates it against Keycloak's JWKS
        String accessToken = auth.headers().firstValue("X-Auth-Request-Access-Token").orElseThrow();
        HttpResponse<String> bearer = new Browser().get(app() + "/auth", "Authorization", "Bearer " + accessToken);
        assertThat(bearer.statusCode()).isEqualTo(200);
        assertThat(bearer.headers().firstValue("X-Auth-Request-User")).hasValue(aliceId);
        assertThat(bearer.headers().firstValue("X-Auth-Request-Groups")).hasValue("customers");
    }

    @Test
    @DisplayName("With Keycloak's single sign-on alive, a login again goes straight through; with prompt=login (and max_age=0) "
            + "Keycloak asks for the password again, and the ID token's fresh auth_time is accepted")
    void promptLoginAsksAgain() {
        Browser browser = new Browser();
        logIn(browser);
        String keycloakAuth = keycloak.realmUrl(REALM) + "/protocol/openid-connect/auth?";

        // When the same browser logs in again without prompt, then Keycloak's single sign-on answers at once: no form
        HttpResponse<String> again = browser.follow(app() + "/oauth2/start?rd=/app/", next -> next.endsWith("/app/"));
        assertThat(again.statusCode()).isEqualTo(302);
        assertThat(again.headers().firstValue("Location")).hasValue("/app/");

        // When it logs in with prompt=login, then Keycloak shows its login form again
        int hopsBefore = browser.hops().size();
        HttpResponse<String> form = browser.follow(app() + "/oauth2/start?prompt=login&rd=/app/", next -> false);
        assertThat(browser.hops().subList(hopsBefore, browser.hops().size())).anySatisfy(hop -> assertThat(hop.headers()
                .firstValue("Location").orElse("")).startsWith(keycloakAuth).contains("prompt=login").contains("max_age=0"));
        assertThat(form.statusCode()).isEqualTo(200);
        Matcher action = LOGIN_FORM.matcher(form.body());
        assertThat(action.find()).as("Keycloak's login form, shown again").isTrue();

        // And once the user has entered the password again, the login completes: the new auth_time passes the check
        HttpResponse<String> submitted = browser.postForm(action.group(1).replace("&amp;", "&"),
                Map.of("username", "alice", "password", "alice", "credentialId", ""));
        assertThat(submitted.statusCode()).isEqualTo(302);
        HttpResponse<String> back = browser.follow(submitted.headers().firstValue("Location").orElseThrow(), next -> !next.contains("/oauth2/"));
        assertThat(back.statusCode()).isEqualTo(302);
        assertThat(back.headers().firstValue("Location")).hasValue("/app/");
        assertThat(browser.get(app() + "/auth").statusCode()).isEqualTo(200);
    }

    @Test
    @DisplayName("Keycloak's tokens: an access token passes, its ID token and a tampered copy do not")
    void bearerTokens() {
        JsonNode tokens = keycloak.passwordGrant(REALM, CLIENT, SECRET, "alice", "alice");
        String access = tokens.get("access_token").asText();
        String[] parts = access.split("\\.");
        String tampered = parts[0] + "." + parts[1].substring(0, parts[1].length() - 2)
                + (parts[1].endsWith("AA") ? "AB" : "AA") + "." + parts[2];

        assertThat(runtime.auth(access).statusCode()).isEqualTo(200);
        assertThat(runtime.auth(tokens.get("id_token").asText()).statusCode()).isEqualTo(401);
        assertThat(runtime.auth(tampered).statusCode()).isEqualTo(401);
    }

    @Test
    @DisplayName("Sign-out sends the browser to Keycloak's end-session endpoint with id_token_hint, and the session is gone")
    void signOut() {
        Browser browser = new Browser();
        logIn(browser);
        assertThat(browser.get(app() + "/auth").statusCode()).isEqualTo(200);
        String cookie = browser.cookie(app(), "__Host-authtier");

        HttpResponse<String> out = browser.get(app() + "/oauth2/sign_out?rd=/app/", "Sec-Fetch-Site", "same-origin");

        assertThat(out.statusCode()).isEqualTo(302);
        URI endSession = URI.create(out.headers().firstValue("Location").orElseThrow());
        assertThat(endSession.toString()).startsWith(keycloak.realmUrl(REALM) + "/protocol/openid-connect/logout?")
                .contains("id_token_hint=").contains("client_id=" + CLIENT);
        // Keycloak accepts the hint and sends the browser back to the post-logout redirect
        HttpResponse<String> atKeycloak = browser.follow(endSession.toString(), next -> next.startsWith(app()));
        assertThat(atKeycloak.headers().firstValue("Location")).hasValueSatisfying(location -> assertThat(location).startsWith(app()));
        assertThat(new Browser().get(app() + "/auth", "Cookie", "__Host-authtier=" + cookie).statusCode()).isEqualTo(401);
    }

    @Test
    @DisplayName("Logging the user out in Keycloak posts a logout token to the runtime, which ends the session")
    void backchannelLogout() {
        // Given alice logged in from this browser alone (other tests leave her Keycloak sessions behind: see below)
        keycloak.post("/" + REALM + "/users/" + aliceId + "/logout", Map.of());
        Browser browser = new Browser();
        logIn(browser);
        assertThat(browser.get(app() + "/auth").statusCode()).isEqualTo(200);

        keycloak.post("/" + REALM + "/users/" + aliceId + "/logout", Map.of());

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(browser.get(app() + "/auth").statusCode()).isEqualTo(401));
    }

    @Test
    @DisplayName("alice in two browsers, logged out in Keycloak: Keycloak 26.5 sends one logout token naming one session's sid "
            + "(keycloak#22914), which ends that session only (docs/login.md, Keycloak: end the others with /admin/logout)")
    void keycloakLogsOutOneOfTwoSessions() {
        // Given alice logged in from two browsers, so two sessions in Keycloak and two at the runtime
        keycloak.post("/" + REALM + "/users/" + aliceId + "/logout", Map.of());
        Browser laptop = new Browser();
        logIn(laptop);
        Browser phone = new Browser();
        logIn(phone);

        // When an administrator logs alice out in Keycloak
        keycloak.post("/" + REALM + "/users/" + aliceId + "/logout", Map.of());

        // Then one of her sessions ends at the runtime, and the other lives on: the only logout token names one sid.
        // (Not the runtime's /admin/logout here: it would refuse the logins of the tests after this one for 11 minutes.)
        await().atMost(Duration.ofSeconds(30)).until(() -> Stream.of(laptop, phone).filter(b -> b.get(app() + "/auth").statusCode() == 401).count() == 1);
        assertThat(Stream.of(laptop, phone).map(b -> b.get(app() + "/auth").statusCode())).containsExactlyInAnyOrder(200, 401);
    }
}
