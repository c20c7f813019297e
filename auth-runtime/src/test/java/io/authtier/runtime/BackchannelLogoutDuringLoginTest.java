package io.authtier.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.authtier.runtime.testsupport.BackchannelLogouts;
import io.authtier.runtime.testsupport.Browser;
import io.authtier.runtime.testsupport.LoginFixture;
import io.authtier.runtime.testsupport.LoginFixture.Sessions;
import io.authtier.runtime.testsupport.TokenEndpointFaults;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import no.nav.security.mock.oauth2.token.DefaultOAuth2TokenCallback;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A back-channel logout of an IdP session that arrives while a login under that session is still finishing
 * (the callback waits for its tokens, or has them and is writing the session): the session that the login
 * then creates must not outlive the logout that the IdP has already sent, and will not send again.
 */
@DisplayName("A back-channel logout that overtakes a login under its IdP session ends that login too")
class BackchannelLogoutDuringLoginTest {

    static final String SID = "idp-session-overtaken";

    @TempDir
    Path dir;
    final TokenEndpointFaults faults = new TokenEndpointFaults();
    @AutoClose
    LoginFixture fixture;

    @Test
    @DisplayName("Redis: the logout is processed while the callback's code exchange is under way; the login is refused, and no session lives")
    void redis() throws Exception {
        fixture = LoginFixture.start(dir, Sessions.REDIS, Clock.systemUTC(), faults);
        overtakenLoginEndsNoSession();
    }

    @Test
    @DisplayName("Memory: the logout is processed while the callback's code exchange is under way; the login is refused, and no session lives")
    void memory() throws Exception {
        fixture = LoginFixture.start(dir, Sessions.MEMORY, Clock.systemUTC(), faults);
        overtakenLoginEndsNoSession();
    }

    @Test
    @DisplayName("Redis, logout by sub alone: a login whose ID token was issued before the logout is refused; one issued after it succeeds")
    void redisBySubject() throws Exception {
        fixture = LoginFixture.start(dir, Sessions.REDIS, Clock.systemUTC(), faults);
        overtakenLoginBySubjectEndsNoSession();
    }

    @Test
    @DisplayName("Memory, logout by sub alone: a login whose ID token was issued before the logout is refused; one issued after it succeeds")
    void memoryBySubject() throws Exception {
        fixture = LoginFixture.start(dir, Sessions.MEMORY, Clock.systemUTC(), faults);
        overtakenLoginBySubjectEndsNoSession();
    }

    @Test
    @DisplayName("Redis, logout by sub alone: a login whose user authenticated (auth_time) before the logout is refused, though its "
            + "ID token was issued after it; one that authenticated after it succeeds; a malformed auth_time is refused")
    void redisBySubjectAuthTime() throws Exception {
        fixture = LoginFixture.start(dir, Sessions.REDIS, Clock.systemUTC(), faults);
        loginAuthenticatedBeforeLogoutEndsNoSession();
    }

    @Test
    @DisplayName("Memory, logout by sub alone: a login whose user authenticated (auth_time) before the logout is refused, though its "
            + "ID token was issued after it; one that authenticated after it succeeds; a malformed auth_time is refused")
    void memoryBySubjectAuthTime() throws Exception {
        fixture = LoginFixture.start(dir, Sessions.MEMORY, Clock.systemUTC(), faults);
        loginAuthenticatedBeforeLogoutEndsNoSession();
    }

    private void overtakenLoginEndsNoSession() throws Exception {
        String base = fixture.base();
        MockOAuth2Server idp = fixture.idp();
        String logoutToken = idp.issueToken("main", "dee", new DefaultOAuth2TokenCallback("main", "dee", "logout+jwt", List.of("shop-web"),
                Map.of("sid", SID, "events", Map.of("http://schemas.openid.net/event/backchannel-logout", Map.of())), 120)).serialize();
        // Given a login under IdP session SID whose code exchange reaches the IdP just as the IdP ends SID: the
        // IdP posts its logout token, which the runtime handles (200, nothing to end yet), before it answers the exchange
        AtomicReference<HttpResponse<String>> logout = new AtomicReference<>();
        faults.beforeNextCode(() -> logout.set(postLogout(base, logoutToken)));
        idp.enqueueCallback(new DefaultOAuth2TokenCallback("main", "dee", "JWT", List.of("shop-api"), Map.of("sid", SID), 3600));

        // When the login finishes
        Browser browser = new Browser();
        HttpResponse<String> callback = browser.logIn(base + "/oauth2/start", idp.baseUrl().toString());

        // Then the logout was taken, the login is refused, and the browser has no session: the login did not outlive the logout
        assertThat(logout.get().statusCode()).isEqualTo(200);
        assertThat(callback.statusCode()).isEqualTo(401);
        assertThat(callback.headers().allValues("Set-Cookie")).noneMatch(value -> value.startsWith("__Host-authtier="));
        assertThat(browser.get(base + "/auth").statusCode()).isEqualTo(401);
    }

    private void overtakenLoginBySubjectEndsNoSession() throws Exception {
        String base = fixture.base();
        MockOAuth2Server idp = fixture.idp();
        long now = Instant.now().getEpochSecond();
        // Given a login whose ID token the IdP issued (20 s ago) before it ended every session of the user by sub
        // alone (10 s ago), no sid in either: the logout token reaches the runtime while the login's code exchange waits
        // When the login finishes, then the logout was taken, and the login refused as the sid case is: 401, no session
        loginOvertakenBySubLogoutIsRefused(base, "eli", now - 10, Map.of("iat", now - 20));

        // When the user logs in again after the logout (a new ID token, issued now)
        Browser again = new Browser();
        idp.enqueueCallback(new DefaultOAuth2TokenCallback("main", "eli", "JWT", List.of("shop-api"), Map.of(), 3600));
        HttpResponse<String> second = again.logIn(base + "/oauth2/start", idp.baseUrl().toString());

        // Then that login succeeds: the mark refuses only what the IdP issued before its logout
        assertThat(second.statusCode()).isEqualTo(302);
        assertThat(again.get(base + "/auth").statusCode()).isEqualTo(200);
    }

    /**
     * A login of {@code user} whose ID token has {@code idTokenClaims}, finishing while the IdP's logout by {@code sub}
     * alone (issued at {@code loggedOutAt}, epoch seconds) reaches the runtime during its code exchange: the logout is
     * taken (200) and the login refused (401, "ended this login"), with no session cookie and no session.
     */
    private void loginOvertakenBySubLogoutIsRefused(String base, String user, long loggedOutAt, Map<String, Object> idTokenClaims)
            throws Exception {
        MockOAuth2Server idp = fixture.idp();
        String logoutToken = idp.issueToken("main", user, new DefaultOAuth2TokenCallback("main", user, "logout+jwt", List.of("shop-web"),
                Map.of("iat", loggedOutAt, "events", Map.of("http://schemas.openid.net/event/backchannel-logout", Map.of())), 120)).serialize();
        AtomicReference<HttpResponse<String>> logout = new AtomicReference<>();
        faults.beforeNextCode(() -> logout.set(postLogout(base, logoutToken)));
        idp.enqueueCallback(new DefaultOAuth2TokenCallback("main", user, "JWT", List.of("shop-api"), idTokenClaims, 3600));

        Browser overtaken = new Browser();
        HttpResponse<String> callback = overtaken.logIn(base + "/oauth2/start", idp.baseUrl().toString());

        assertThat(logout.get().statusCode()).isEqualTo(200);
        assertThat(callback.statusCode()).isEqualTo(401);
        assertThat(callback.body()).contains("ended this login");
        assertThat(callback.headers().allValues("Set-Cookie")).noneMatch(value -> value.startsWith("__Host-authtier="));
        assertThat(overtaken.get(base + "/auth").statusCode()).isEqualTo(401);
    }

    private void loginAuthenticatedBeforeLogoutEndsNoSession() throws Exception {
        String base = fixture.base();
        MockOAuth2Server idp = fixture.idp();
        long now = Instant.now().getEpochSecond();
        // Given a user who authenticated at the IdP 20 s ago, whose IdP then ended every session of the user by sub alone
        // (10 s ago) while the login's code was not yet exchanged: the exchange happens now, so the ID token's iat is after
        // the logout, and only its auth_time tells that the login came before it
        // When the login finishes, then the logout was taken, and the login refused: 401, no session
        loginOvertakenBySubLogoutIsRefused(base, "fay", now - 10, Map.of("iat", now, "auth_time", now - 20));

        // When the ID token says the user authenticated, but not when (auth_time not a number)
        Browser unknown = new Browser();
        idp.enqueueCallback(new DefaultOAuth2TokenCallback("main", "fay", "JWT", List.of("shop-api"),
                Map.of("auth_time", "just now"), 3600));
        HttpResponse<String> malformed = unknown.logIn(base + "/oauth2/start", idp.baseUrl().toString());

        // Then that login is refused too while the logout is remembered: it cannot be told apart from one the logout overtook
        assertThat(malformed.statusCode()).isEqualTo(401);
        assertThat(unknown.get(base + "/auth").statusCode()).isEqualTo(401);

        // When the user logs in again after the logout: the IdP's single sign-on ended with it, so the user authenticated anew
        Browser again = new Browser();
        idp.enqueueCallback(new DefaultOAuth2TokenCallback("main", "fay", "JWT", List.of("shop-api"),
                Map.of("iat", now, "auth_time", now - 5), 3600));
        HttpResponse<String> second = again.logIn(base + "/oauth2/start", idp.baseUrl().toString());

        // Then that login succeeds: its auth_time is after the logout
        assertThat(second.statusCode()).isEqualTo(302);
        assertThat(again.get(base + "/auth").statusCode()).isEqualTo(200);

        // And a malformed auth_time of a user with no logout remembered passes: nothing to compare it with
        Browser other = new Browser();
        idp.enqueueCallback(new DefaultOAuth2TokenCallback("main", "gus", "JWT", List.of("shop-api"),
                Map.of("auth_time", "just now"), 3600));
        HttpResponse<String> unmarked = other.logIn(base + "/oauth2/start", idp.baseUrl().toString());
        assertThat(unmarked.statusCode()).isEqualTo(302);
        assertThat(other.get(base + "/auth").statusCode()).isEqualTo(200);
    }

    private static HttpResponse<String> postLogout(String base, String token) {
        return BackchannelLogouts.post(base, token);
    }
}
