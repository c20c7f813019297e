package io.authtier.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.authtier.runtime.testsupport.Browser;
import io.authtier.runtime.testsupport.LoginFixture;
import io.authtier.runtime.testsupport.LoginFixture.Sessions;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import no.nav.security.mock.oauth2.token.DefaultOAuth2TokenCallback;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code authtier_session_store_duration_seconds{operation,outcome}} as Prometheus scrapes it from a runtime with
 * sessions in a real Redis: deletes are timed, and so are calls that fail while Redis is gone.
 */
@DisplayName("Session store timings on /metrics: every call, by operation and outcome")
class SessionStoreMetricsTest {

    private static final String COOKIE = "__Host-authtier";
    private static final String COUNT = "authtier_session_store_duration_seconds_count";

    @TempDir
    Path dir;
    @AutoClose
    LoginFixture fixture;

    @BeforeEach
    void start() throws Exception {
        fixture = LoginFixture.start(dir, Sessions.REDIS, Clock.systemUTC(), "resilience: {timeout: 1s}\n");
    }

    private String logIn() {
        Browser browser = new Browser();
        fixture.idp().enqueueCallback(new DefaultOAuth2TokenCallback("main", "ada", "JWT", List.of("shop-api"), Map.of(), 300));
        assertThat(browser.logIn(fixture.base() + "/oauth2/start", fixture.idp().baseUrl().toString()).headers().firstValue("Location")).hasValue("/");
        return browser.cookie(fixture.base(), COOKIE);
    }

    private HttpResponse<String> withCookie(String path, String cookie) {
        return new Browser().get(fixture.base() + path, "Cookie", COOKIE + "=" + cookie, "Sec-Fetch-Site", "same-origin");
    }

    @Test
    @DisplayName("A login, a request and a sign-out: create, load and delete each timed as ok, with a histogram per label set")
    void signOutIsTimed() {
        String cookie = logIn();
        assertThat(withCookie("/auth", cookie).statusCode()).isEqualTo(200);
        assertThat(withCookie("/oauth2/sign_out?rd=/bye", cookie).statusCode()).isEqualTo(302);

        String metrics = fixture.runtime().management("/metrics").body();
        assertThat(metrics).contains(
                COUNT + "{operation=\"create\",outcome=\"ok\"} 1\n",
                COUNT + "{operation=\"delete\",outcome=\"ok\"} 1\n",
                "authtier_session_store_duration_seconds_bucket{operation=\"delete\",outcome=\"ok\",le=\"0.002\"}")
                .containsPattern(COUNT + "\\{operation=\"load\",outcome=\"ok\"} [1-9]")
                .doesNotContain("operation=\"create\",outcome=\"error\"", "operation=\"load\",outcome=\"error\"",
                        "operation=\"delete\",outcome=\"error\"", cookie);
    }

    @Test
    @DisplayName("A request with a cookie while Redis is stopped answers 503, and its load is timed as an error")
    void failedLoadIsTimed() {
        String cookie = logIn();
        assertThat(fixture.runtime().management("/metrics").body()).doesNotContain("operation=\"load\",outcome=\"error\"");

        fixture.redis().stop();
        assertThat(withCookie("/auth", cookie).statusCode()).isEqualTo(503);

        assertThat(fixture.runtime().management("/metrics").body()).contains(COUNT + "{operation=\"load\",outcome=\"error\"} 1\n");
    }
}
