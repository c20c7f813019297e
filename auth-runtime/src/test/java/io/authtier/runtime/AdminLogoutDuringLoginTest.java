package io.authtier.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.authtier.runtime.session.UserLogout;
import io.authtier.runtime.testsupport.Browser;
import io.authtier.runtime.testsupport.LoginFixture;
import io.authtier.runtime.testsupport.LoginFixture.Sessions;
import io.authtier.runtime.testsupport.OffsetClock;
import io.authtier.runtime.testsupport.TokenEndpointFaults;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
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
 * Log out everywhere (the admin port) while a login of that user is still finishing (the callback waits for its
 * code exchange): the session that the login then creates must not outlive the logout, which has no IdP time to
 * compare with its ID token. A login begun after the logout succeeds.
 */
@DisplayName("Log out everywhere that overtakes a login of the user ends that login too; a login begun after it succeeds")
class AdminLogoutDuringLoginTest {

    @TempDir
    Path dir;
    final TokenEndpointFaults faults = new TokenEndpointFaults();
    /** Real time (the IdP's tokens stay valid), skipped ahead past the logout's margin instead of waiting for it. */
    final OffsetClock clock = new OffsetClock();
    @AutoClose
    LoginFixture fixture;

    @Test
    @DisplayName("Redis: the admin logout is handled while the callback's code exchange is under way; the login is refused, a later one succeeds")
    void redis() throws Exception {
        fixture = LoginFixture.start(dir, Sessions.REDIS, clock, faults);
        overtakenLoginEndsNoSession();
    }

    @Test
    @DisplayName("Memory: the admin logout is handled while the callback's code exchange is under way; the login is refused, a later one succeeds")
    void memory() throws Exception {
        fixture = LoginFixture.start(dir, Sessions.MEMORY, clock, faults);
        overtakenLoginEndsNoSession();
    }

    private void overtakenLoginEndsNoSession() throws Exception {
        String base = fixture.base();
        MockOAuth2Server idp = fixture.idp();
        // Given fay's session on her laptop
        Browser laptop = new Browser();
        idp.enqueueCallback(new DefaultOAuth2TokenCallback("main", "fay", "JWT", List.of("shop-api"), Map.of(), 3600));
        assertThat(laptop.logIn(base + "/oauth2/start", idp.baseUrl().toString()).statusCode()).isEqualTo(302);
        assertThat(laptop.get(base + "/auth").statusCode()).isEqualTo(200);
        // And a login of fay on her phone whose code exchange reaches the IdP just as an operator logs her out
        // everywhere: the admin logout is handled (200) before the IdP answers the exchange with a fresh ID token
        AtomicReference<HttpResponse<String>> admin = new AtomicReference<>();
        faults.beforeNextCode(() -> admin.set(adminLogout("fay")));
        idp.enqueueCallback(new DefaultOAuth2TokenCallback("main", "fay", "JWT", List.of("shop-api"), Map.of(), 3600));

        // When the phone's login finishes
        Browser phone = new Browser();
        HttpResponse<String> callback = phone.logIn(base + "/oauth2/start", idp.baseUrl().toString());

        // Then the logout ended the laptop's session, and the phone's login, under way meanwhile, is refused: no session lives
        assertThat(admin.get().statusCode()).isEqualTo(200);
        assertThat(admin.get().body()).isEqualTo("{\"sessionsEnded\":1}");
        assertThat(callback.statusCode()).isEqualTo(401);
        assertThat(callback.body()).contains("ended this login");
        assertThat(callback.headers().allValues("Set-Cookie")).noneMatch(value -> value.startsWith("__Host-authtier="));
        assertThat(phone.get(base + "/auth").statusCode()).isEqualTo(401);
        assertThat(laptop.get(base + "/auth").statusCode()).isEqualTo(401);
        assertThat(SessionRefreshTest.metricOf(fixture.runtime(), "authtier_logins_total{outcome=\"idp_session_ended\"}")).isEqualTo(1.0);

        // When fay logs in again, begun after the logout (the clock moved past the replicas' margin)
        clock.advance(UserLogout.Everywhere.MARGIN.plusSeconds(1));
        Browser again = new Browser();
        idp.enqueueCallback(new DefaultOAuth2TokenCallback("main", "fay", "JWT", List.of("shop-api"), Map.of(), 3600));
        HttpResponse<String> second = again.logIn(base + "/oauth2/start", idp.baseUrl().toString());

        // Then that login succeeds: the logout refuses only logins that were under way when it happened
        assertThat(second.statusCode()).isEqualTo(302);
        assertThat(again.get(base + "/auth").statusCode()).isEqualTo(200);
    }

    private HttpResponse<String> adminLogout(String subject) {
        try {
            return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + fixture.runtime().adminPort()
                    + "/admin/logout?sub=" + subject)).POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
