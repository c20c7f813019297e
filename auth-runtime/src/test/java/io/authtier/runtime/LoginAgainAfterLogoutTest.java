package io.authtier.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.authtier.runtime.testsupport.BackchannelLogouts;
import io.authtier.runtime.testsupport.Browser;
import io.authtier.runtime.testsupport.LoginFixture;
import io.authtier.runtime.testsupport.LoginFixture.Sessions;
import io.authtier.runtime.testsupport.TokenEndpointFaults;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import no.nav.security.mock.oauth2.token.DefaultOAuth2TokenCallback;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A login refused because a back-channel logout by {@code sub} alone overtook it (its user authenticated before
 * the logout) while the IdP still holds a single sign-on session of that user: every plain login again goes
 * through that session with the same old {@code auth_time} and is refused for as long as the logout is
 * remembered. The refusal is a page whose link starts the login again with {@code prompt=login}, so that the
 * IdP authenticates the user anew and the new ID token carries a fresh {@code auth_time}. mock-oauth2-server
 * redirects at once without {@code prompt} (as single sign-on would) and shows its login form with
 * {@code prompt=login}; the test gives each ID token the {@code auth_time} a real IdP would.
 */
@DisplayName("A login refused as overtaken by a logout links to a login again with prompt=login, which succeeds")
class LoginAgainAfterLogoutTest {

    /** A deep link with a query holding what a page must not echo raw: {@code &}, quotes, a tag. */
    static final String TARGET = "/shop/cart?item=a&note=\"hi\"'<b>";
    /** {@code start?prompt=login&rd=<TARGET %-encoded>}, escaped for the attribute: written out, not computed as the runtime does. */
    static final String ESCAPED_HREF = "start?prompt=login&amp;rd=%2Fshop%2Fcart%3Fitem%3Da%26note%3D%22hi%22%27%3Cb%3E";
    static final Pattern HREF = Pattern.compile("<a href=\"([^\"]*)\">Log in again</a>");

    @TempDir
    Path dir;
    final TokenEndpointFaults faults = new TokenEndpointFaults();
    @AutoClose
    LoginFixture fixture;

    @Test
    @DisplayName("Redis: the refused login answers 401 with a page linking to start?prompt=login&rd=…; following it logs the user in")
    void redis() throws Exception {
        fixture = LoginFixture.start(dir, Sessions.REDIS, Clock.systemUTC(), faults);
        refusedLoginLinksToLoginAgain();
    }

    @Test
    @DisplayName("Memory: the refused login answers 401 with a page linking to start?prompt=login&rd=…; following it logs the user in")
    void memory() throws Exception {
        fixture = LoginFixture.start(dir, Sessions.MEMORY, Clock.systemUTC(), faults);
        refusedLoginLinksToLoginAgain();
    }

    private void refusedLoginLinksToLoginAgain() {
        String base = fixture.base();
        MockOAuth2Server idp = fixture.idp();
        String idpBase = idp.baseUrl().toString();
        long now = Instant.now().getEpochSecond();
        // Given a user who authenticated at the IdP 20 s ago (an SSO session the IdP keeps), and a logout of that user by
        // sub alone 10 s ago (another browser's logout) that reaches the runtime while this login's code exchange waits
        String logoutToken = idp.issueToken("main", "hal", new DefaultOAuth2TokenCallback("main", "hal", "logout+jwt", List.of("shop-web"),
                Map.of("iat", now - 10, "events", Map.of("http://schemas.openid.net/event/backchannel-logout", Map.of())), 120)).serialize();
        AtomicReference<HttpResponse<String>> logout = new AtomicReference<>();
        faults.beforeNextCode(() -> logout.set(BackchannelLogouts.post(base, logoutToken)));
        idp.enqueueCallback(new DefaultOAuth2TokenCallback("main", "hal", "JWT", List.of("shop-api"),
                Map.of("iat", now, "auth_time", now - 20), 3600));

        // When the login to a deep link (sent %-encoded, as ingress-nginx does) finishes
        Browser browser = new Browser();
        HttpResponse<String> refused = browser.logIn(base + "/oauth2/start?rd=" + URLEncoder.encode(TARGET, StandardCharsets.UTF_8), idpBase);

        // Then it is refused as before (401, idp_session_ended, no session), now with a page, with the headers of every browser answer
        assertThat(logout.get().statusCode()).isEqualTo(200);
        assertThat(refused.uri().getPath()).isEqualTo("/oauth2/callback");
        assertThat(refused.statusCode()).isEqualTo(401);
        assertThat(refused.headers().firstValue("Content-Type")).hasValue("text/html; charset=utf-8");
        assertThat(refused.headers().firstValue("Cache-Control")).hasValue("no-store");
        assertThat(refused.headers().firstValue("Referrer-Policy")).hasValue("no-referrer"); // the callback URL holds a code
        assertThat(refused.headers().firstValue("Content-Security-Policy")).hasValue("default-src 'none'; frame-ancestors 'none'");
        assertThat(refused.headers().firstValue("X-Frame-Options")).hasValue("DENY");
        assertThat(refused.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(value -> assertThat(value).startsWith("Cookie realm="));
        assertThat(refused.headers().allValues("Set-Cookie")).noneMatch(value -> value.startsWith("__Host-authtier="));
        assertThat(SessionRefreshTest.metricOf(fixture.runtime(), "authtier_logins_total{outcome=\"idp_session_ended\"}")).isEqualTo(1.0);
        assertThat(browser.get(base + "/auth").statusCode()).isEqualTo(401);
        // And the page says why, and links (relative, target %-encoded, the whole href escaped) to a login again with prompt=login
        assertThat(refused.body()).contains("ended this login meanwhile")
                .contains("<a href=\"" + ESCAPED_HREF + "\">Log in again</a>")
                .doesNotContain("\"hi\"", "'<b>", "<b>");
        assertThat(refused.body().indexOf("<a ")).isEqualTo(refused.body().lastIndexOf("<a "));

        // When the user, instead, starts a plain login again at once: the IdP's single sign-on answers with the same old auth_time
        Browser plain = new Browser();
        idp.enqueueCallback(new DefaultOAuth2TokenCallback("main", "hal", "JWT", List.of("shop-api"),
                Map.of("auth_time", now - 20), 3600));
        HttpResponse<String> again = plain.logIn(base + "/oauth2/start?rd=%2F", idpBase);

        // Then that is refused too: the page's link is what lets the user in
        assertThat(again.statusCode()).isEqualTo(401);
        assertThat(again.body()).contains("<a href=\"start?prompt=login&amp;rd=%2F\">Log in again</a>");

        // When the user follows the page's link as a browser does (the attribute unescaped, resolved against the callback URL)
        Matcher href = HREF.matcher(refused.body());
        assertThat(href.find()).isTrue();
        URI link = refused.uri().resolve(unescapeAttribute(href.group(1)));
        assertThat(link.getPath()).isEqualTo("/oauth2/start");
        HttpResponse<String> start = browser.get(link.toString());

        // Then the IdP is asked to authenticate the user anew
        assertThat(start.statusCode()).isEqualTo(302);
        String authorize = start.headers().firstValue("Location").orElseThrow();
        assertThat(authorize).startsWith(idpBase);
        assertThat(LoginPromptTest.query(authorize)).containsEntry("prompt", List.of("login"));

        // And it does so: its login form, not a redirect through its single sign-on
        HttpResponse<String> idpLogin = browser.get(authorize);
        assertThat(idpLogin.statusCode()).isEqualTo(200);
        assertThat(idpLogin.body()).contains("name=\"username\"");

        // When the user authenticates there: the new ID token's auth_time is now, after the logout
        long reauthenticated = Instant.now().getEpochSecond();
        idp.enqueueCallback(new DefaultOAuth2TokenCallback("main", "hal", "JWT", List.of("shop-api"), Map.of(), 3600));
        HttpResponse<String> toCallback = browser.postForm(authorize,
                Map.of("username", "hal", "claims", "{\"auth_time\": " + reauthenticated + "}"));
        assertThat(toCallback.statusCode()).isEqualTo(302);
        // (hop by hop: the final Location holds quotes, which java.net.URI would not resolve)
        HttpResponse<String> callback = browser.get(toCallback.uri().resolve(toCallback.headers().firstValue("Location").orElseThrow()).toString());

        // Then the login succeeds, back to the same deep link, and the session passes /auth
        assertThat(callback.statusCode()).isEqualTo(302);
        assertThat(callback.headers().firstValue("Location")).hasValue(TARGET);
        assertThat(callback.headers().allValues("Set-Cookie")).anyMatch(value -> value.startsWith("__Host-authtier="));
        assertThat(browser.get(base + "/auth").statusCode()).isEqualTo(200);
        assertThat(SessionRefreshTest.metricOf(fixture.runtime(), "authtier_logins_total{outcome=\"success\"}")).isEqualTo(1.0);
    }

    /** What a browser makes of an attribute value: its character references resolved. */
    private static String unescapeAttribute(String value) {
        return value.replace("&quot;", "\"").replace("&#39;", "'").replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&");
    }
}
