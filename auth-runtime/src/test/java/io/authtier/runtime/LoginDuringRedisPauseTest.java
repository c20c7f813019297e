package io.authtier.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
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
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * Browser routes while Redis answers nothing for a moment ({@code CLIENT PAUSE}): what the 503 says is true
 * (a callback cannot be tried again: its pending login is taken by the command queued behind the pause), and
 * a failure per request is not a log line per request.
 */
@DisplayName("Login and sign-out while Redis pauses: honest answers, few log lines")
class LoginDuringRedisPauseTest {

    private static final ListAppender<ILoggingEvent> LOGS = new ListAppender<>();

    @TempDir
    Path dir;
    @AutoClose
    LoginFixture fixture;

    @BeforeEach
    void start() throws Exception {
        LOGS.list.clear();
        LOGS.start();
        ((Logger) LoggerFactory.getLogger("io.authtier.runtime.login")).addAppender(LOGS);
        fixture = LoginFixture.start(dir, Sessions.REDIS, new MutableClock(Instant.now()), "resilience: {timeout: 1s}\n");
    }

    @AfterEach
    void stop() {
        ((Logger) LoggerFactory.getLogger("io.authtier.runtime.login")).detachAppender(LOGS);
    }

    @Test
    @DisplayName("A callback during a pause answers 503 telling to start again, which is what works: the same callback later is refused")
    void callbackDuringPause() {
        Browser browser = new Browser();
        fixture.idp().enqueueCallback(new DefaultOAuth2TokenCallback("main", "ada", "JWT", List.of("shop-api"), Map.of(), 300));
        HttpResponse<String> toCallback = browser.follow(fixture.base() + "/oauth2/start", next -> next.contains("/oauth2/callback"));
        String callback = toCallback.uri().resolve(toCallback.headers().firstValue("Location").orElseThrow()).toString();

        // When the callback arrives while Redis answers nothing for longer than the 1 s timeout (not long
        // enough for the runtime to give up the connection: the GETDEL stays queued and runs after the pause)
        assertThat(fixture.redis().command("CLIENT", "PAUSE", "1500", "ALL")).isEqualTo("+OK");
        HttpResponse<String> during = browser.get(callback);

        // Then 503 says to start the login again, not to retry this request
        assertThat(during.statusCode()).isEqualTo(503);
        assertThat(during.body()).contains("start it again").doesNotContain("try again");
        // And indeed the same callback, once Redis answers, finds its login taken
        await().atMost(Duration.ofSeconds(10)).until(() -> "+PONG".equals(fixture.redis().command("PING")));
        HttpResponse<String> again = browser.get(callback);
        assertThat(again.statusCode()).isEqualTo(400);
        assertThat(again.body()).contains("start again");
    }

    @Test
    @DisplayName("Five sign-outs failing in a row write one warning, which names the cause and not its CompletionException wrapper")
    void signOutWarningsAreRateLimited() {
        Browser browser = new Browser();
        fixture.idp().enqueueCallback(new DefaultOAuth2TokenCallback("main", "ada", "JWT", List.of("shop-api"), Map.of(), 300));
        browser.logIn(fixture.base() + "/oauth2/start", fixture.idp().baseUrl().toString());
        String cookie = browser.cookie(fixture.base(), "__Host-authtier");

        assertThat(fixture.redis().command("CLIENT", "PAUSE", "8000", "ALL")).isEqualTo("+OK");
        for (int i = 0; i < 5; i++) {
            HttpResponse<String> failed = new Browser().get(fixture.base() + "/oauth2/sign_out", "Cookie", "__Host-authtier=" + cookie, "Sec-Fetch-Site", "same-origin");
            assertThat(failed.statusCode()).isEqualTo(503);
        }

        List<String> warnings = List.copyOf(LOGS.list).stream().filter(event -> event.getLoggerName().endsWith("SignOut"))
                .map(ILoggingEvent::getFormattedMessage).toList();
        assertThat(warnings).hasSize(1);
        assertThat(warnings.getFirst()).contains("session store").doesNotContain("CompletionException");
    }
}
