package io.authtier.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.authtier.runtime.testsupport.BackchannelLogouts;
import io.authtier.runtime.testsupport.Browser;
import io.authtier.runtime.testsupport.LoginFixture;
import io.authtier.runtime.testsupport.LoginFixture.Sessions;
import io.authtier.runtime.testsupport.MutableClock;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import no.nav.security.mock.oauth2.token.DefaultOAuth2TokenCallback;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A full Redis (a tiny {@code maxmemory}, {@code noeviction}, filled up): it refuses every write that could
 * grow it ({@code -OOM}) and still reads and deletes. Sessions go on being served, and every logout ends
 * its sessions, because none of them needs a write that a full Redis refuses.
 */
@DisplayName("Redis full (maxmemory, noeviction): sessions served, logouts done")
class RedisFullTest {

    private static final String CLIENT = "shop-web";

    @TempDir
    Path dir;
    @AutoClose
    LoginFixture fixture;
    MutableClock clock;

    @BeforeEach
    void start() throws Exception {
        clock = new MutableClock(Instant.now());
        fixture = LoginFixture.start(dir, Sessions.REDIS, clock, "resilience: {timeout: 1s}\n");
    }

    private Browser logIn(Map<String, Object> claims) {
        Browser browser = new Browser();
        fixture.idp().enqueueCallback(new DefaultOAuth2TokenCallback("main", "ada", "JWT", List.of("shop-api"), claims, 3600));
        browser.logIn(fixture.base() + "/oauth2/start", fixture.idp().baseUrl().toString());
        assertThat(browser.get(fixture.base() + "/auth").statusCode()).isEqualTo(200);
        return browser;
    }

    /**
     * Fills Redis: noeviction, some data, then a limit below what it holds (so that the client's own query
     * buffer cannot tip the balance either way); from then on it refuses every write that may grow it.
     */
    private void fillRedis() {
        assertThat(fixture.redis().command("CONFIG", "SET", "maxmemory-policy", "noeviction")).isEqualTo("+OK");
        String filler = "x".repeat(16 * 1024);
        for (int i = 0; i < 16; i++) {
            assertThat(fixture.redis().command("SET", "filler-" + i, filler)).isEqualTo("+OK");
        }
        String info = fixture.redis().command("INFO", "memory");
        long used = Long.parseLong(info.lines().filter(line -> line.startsWith("used_memory:")).findFirst().orElseThrow()
                .substring("used_memory:".length()).strip());
        assertThat(fixture.redis().command("CONFIG", "SET", "maxmemory", String.valueOf(used - 128 * 1024))).isEqualTo("+OK");
        assertThat(fixture.redis().command("SET", "one-more", "x")).startsWith("-OOM");
    }

    @Test
    @DisplayName("A session due for its once-a-minute touch is served (200) though the touch is refused, and the refusal is counted")
    void touchIsBestEffort() {
        Browser browser = logIn(Map.of());
        fillRedis();

        // When the session is used again more than a minute later (its use is due to be recorded)
        clock.advance(Duration.ofMinutes(2));

        // Then it is served, not 503
        assertThat(browser.get(fixture.base() + "/auth").statusCode()).isEqualTo(200);
        assertThat(fixture.runtime().management("/metrics").body()).contains("authtier_session_touch_failures_total 1.0");
    }

    @Test
    @DisplayName("Sign-out of a session due for its touch ends it (302, cookie cleared) though Redis refuses writes")
    void signOutNeedsNoWrite() {
        Browser browser = logIn(Map.of());
        String cookie = browser.cookie(fixture.base(), "__Host-authtier");
        clock.advance(Duration.ofMinutes(2));
        fillRedis();

        HttpResponse<String> signedOut = browser.get(fixture.base() + "/oauth2/sign_out", "Sec-Fetch-Site", "same-origin");

        assertThat(signedOut.statusCode()).isEqualTo(302);
        assertThat(signedOut.headers().allValues("Set-Cookie")).anyMatch(header -> header.startsWith("__Host-authtier=;"));
        assertThat(new Browser().get(fixture.base() + "/auth", "Cookie", "__Host-authtier=" + cookie).statusCode()).isEqualTo(401);
    }

    @Test
    @DisplayName("Back-channel logout ends the sessions of its sid (200) though the token id cannot be recorded")
    void backchannelLogoutEndsSessionsWhenFull() throws Exception {
        Browser browser = logIn(Map.of("sid", "idp-session-1"));
        fillRedis();

        String token = fixture.idp().issueToken("main", "ada", new DefaultOAuth2TokenCallback("main", "ada", "logout+jwt", List.of(CLIENT),
                Map.of("sid", "idp-session-1", "events", Map.of("http://schemas.openid.net/event/backchannel-logout", Map.of())), 120))
                .serialize();
        HttpResponse<String> logout = BackchannelLogouts.post(fixture.base(), token);

        assertThat(logout.statusCode()).isEqualTo(200);
        assertThat(browser.get(fixture.base() + "/auth").statusCode()).isEqualTo(401);
    }
}
