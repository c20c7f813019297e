package io.authtier.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.authtier.runtime.redis.RedisServers;
import io.authtier.runtime.testsupport.Browser;
import io.authtier.runtime.testsupport.RedisLoginConfig;
import io.authtier.runtime.testsupport.RunningRuntime;
import io.authtier.runtime.testsupport.SigningKeys;
import java.net.InetAddress;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import no.nav.security.mock.oauth2.token.DefaultOAuth2TokenCallback;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The runtime with Redis-backed sessions starts while Redis is down: it is not ready and says why, bearer
 * tokens are answered, logins answer 503; once Redis is up it connects by itself and logins work.
 */
@DisplayName("Sessions in Redis: starting while Redis is down")
class SessionsWithoutRedisAtStartTest {

    @TempDir
    Path dir;
    MockOAuth2Server idp;
    RedisServers.Server redis;
    RunningRuntime runtime;

    @AfterEach
    void stop() {
        if (runtime != null) {
            runtime.close();
        }
        redis.close();
        idp.shutdown();
    }

    /** The runtime with login and sessions in {@link #redis}, the sessions not remembered, and {@code extra} config. */
    RunningRuntime start(Path signingKey, String extra) {
        return RunningRuntime.start(RedisLoginConfig.standalone(idp.issuerUrl("main").toString(), signingKey, redis.port()) + extra,
                Clock.systemUTC(), policy -> policy);
    }

    @Test
    @DisplayName("Not ready (naming the session store) until Redis answers; bearer tokens pass meanwhile; then a login works")
    void startsWithoutRedis() throws Exception {
        idp = new MockOAuth2Server();
        idp.start(InetAddress.getLoopbackAddress(), 0);
        redis = RedisServers.standalone(dir);
        redis.stop();
        Path k1 = SigningKeys.write(dir, "k1");

        // When the runtime starts with Redis down
        runtime = start(k1, "");

        // Then it is not ready, and says that the session store is what it waits for
        await().atMost(Duration.ofSeconds(20)).until(() -> runtime.management("/readyz").body().contains("session store (Redis) not connected"));
        assertThat(runtime.management("/readyz").statusCode()).isEqualTo(503);
        // And a bearer token is answered all the same; a login cannot start (503, nothing half-stored)
        await().atMost(Duration.ofSeconds(20)).until(() -> runtime.auth(idp.issueToken("main", "svc", new DefaultOAuth2TokenCallback(
                "main", "svc", "JWT", List.of("shop-api"), Map.of(), 300)).serialize()).statusCode() == 200);
        var start = new Browser().get("http://127.0.0.1:" + runtime.port() + "/oauth2/start");
        assertThat(start.statusCode()).isEqualTo(503);
        assertThat(start.headers().firstValue("Retry-After")).hasValue("1");

        // When Redis comes up, the runtime connects by itself and becomes ready
        redis.start();
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(200))
                .until(() -> runtime.management("/readyz").statusCode() == 200);

        // And a login works
        Browser browser = new Browser();
        idp.enqueueCallback(new DefaultOAuth2TokenCallback("main", "ada", "JWT", List.of("shop-api"), Map.of(), 300));
        HttpResponse<String> done = browser.logIn("http://127.0.0.1:" + runtime.port() + "/oauth2/start", idp.baseUrl().toString());
        assertThat(done.headers().firstValue("Location")).hasValue("/");
        assertThat(browser.get("http://127.0.0.1:" + runtime.port() + "/auth").statusCode()).isEqualTo(200);
    }

    @Test
    @DisplayName("A sign-out that cannot reach Redis answers 503 and keeps the cookie, so that the same sign-out, tried again, ends the session")
    void signOutDuringAnOutageCanBeRetried() throws Exception {
        // Given a logged-in browser, with Redis up
        idp = new MockOAuth2Server();
        idp.start(InetAddress.getLoopbackAddress(), 0);
        redis = RedisServers.standalone(dir);
        Path k1 = SigningKeys.write(dir, "k1");
        runtime = start(k1, "resilience: {timeout: 1s}\n");
        await().atMost(Duration.ofSeconds(20)).until(() -> runtime.management("/readyz").statusCode() == 200);
        String base = "http://127.0.0.1:" + runtime.port();
        Browser browser = new Browser();
        idp.enqueueCallback(new DefaultOAuth2TokenCallback("main", "ada", "JWT", List.of("shop-api"), Map.of(), 300));
        browser.logIn(base + "/oauth2/start", idp.baseUrl().toString());
        String cookie = browser.cookie(base, "__Host-authtier");
        assertThat(browser.get(base + "/auth").statusCode()).isEqualTo(200);

        // When the sign-out comes while Redis answers nothing (every client paused for longer than the 1 s timeout)
        redis.command("CLIENT", "PAUSE", "3000", "ALL");
        HttpResponse<String> failed = browser.get(base + "/oauth2/sign_out", "Sec-Fetch-Site", "same-origin");

        // Then it is 503 with Retry-After, and the cookie is not cleared
        assertThat(failed.statusCode()).isEqualTo(503);
        assertThat(failed.headers().firstValue("Retry-After")).hasValue("1");
        assertThat(failed.headers().allValues("Set-Cookie")).isEmpty();
        assertThat(browser.cookie(base, "__Host-authtier")).isEqualTo(cookie);

        // When Redis answers again and the browser tries again
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(200))
                .until(() -> browser.get(base + "/auth").statusCode() == 200);
        HttpResponse<String> signedOut = browser.get(base + "/oauth2/sign_out", "Sec-Fetch-Site", "same-origin");

        // Then the session is ended: the same cookie value no longer passes
        assertThat(signedOut.statusCode()).isEqualTo(302);
        assertThat(new Browser().get(base + "/auth", "Cookie", "__Host-authtier=" + cookie).statusCode()).isEqualTo(401);
    }
}
