package io.authtier.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.authtier.runtime.redis.KeyspaceEvents;
import io.authtier.runtime.redis.RedisServers;
import io.authtier.runtime.session.redis.RedisSessionBytes;
import io.authtier.runtime.testsupport.Browser;
import io.authtier.runtime.testsupport.MutableClock;
import io.authtier.runtime.testsupport.RefreshLoginConfig;
import io.authtier.runtime.testsupport.RunningRuntime;
import io.authtier.runtime.testsupport.SigningKeys;
import io.authtier.runtime.testsupport.TokenEndpointFaults;
import java.net.InetAddress;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import no.nav.security.mock.oauth2.token.DefaultOAuth2TokenCallback;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A refresh whose new tokens Redis refuses to store (full: maxmemory, noeviction), with an IdP that rotates
 * refresh tokens (the old one is refused with {@code invalid_grant} from then on): the new tokens are kept and
 * stored by the next request, instead of being thrown away and the session ended by the next refresh.
 */
@DisplayName("Refreshed tokens that cannot be stored are kept, not thrown away")
class RefreshNotStoredTest {

    private static final String NEW_ACCESS_TOKEN = "rotated-access-token";

    @TempDir
    Path dir;
    MockOAuth2Server idp;
    TokenEndpointFaults faults = new TokenEndpointFaults();
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

    @Test
    @DisplayName("Store refused the refresh's tokens: the request passes with them, and the next request stores them; the session lives on")
    void keptAndStoredLater() throws Exception {
        idp = new MockOAuth2Server(faults);
        idp.start(InetAddress.getLoopbackAddress(), 0);
        redis = RedisServers.standalone(dir);
        MutableClock clock = new MutableClock(Instant.now());
        runtime = RunningRuntime.start(RefreshLoginConfig.yaml(idp.issuerUrl("main").toString(), SigningKeys.write(dir, "k1"),
                redis.port(), "0s", "timeout: 1s, retry: {maxAttempts: 1}"), clock, policy -> policy);
        await().atMost(Duration.ofSeconds(20)).until(() -> runtime.management("/readyz").statusCode() == 200);
        String auth = "http://127.0.0.1:" + runtime.port() + "/auth";
        Browser browser = new Browser();
        idp.enqueueCallback(new DefaultOAuth2TokenCallback("main", "ada", "JWT", List.of("shop-api"), Map.of(), 600));
        browser.logIn("http://127.0.0.1:" + runtime.port() + "/oauth2/start", idp.baseUrl().toString());
        assertThat(browser.get(auth).statusCode()).isEqualTo(200);

        // When the token is due for refresh, and Redis is full by the time the IdP answers with rotated tokens
        clock.advance(Duration.ofSeconds(590));
        faults.answerNextRefresh(200, "{\"access_token\":\"" + NEW_ACCESS_TOKEN + "\",\"token_type\":\"Bearer\",\"expires_in\":600,"
                + "\"refresh_token\":\"rotated-refresh-token\"}", this::fillRedis);
        HttpResponse<String> refreshed = browser.get(auth);

        // Then the request passes with the new access token, though it could not be stored
        assertThat(refreshed.statusCode()).isEqualTo(200);
        assertThat(refreshed.headers().firstValue("Authorization")).hasValue("Bearer " + NEW_ACCESS_TOKEN);

        // When Redis takes writes again, and the IdP refuses the old refresh token from now on
        assertThat(redis.command("CONFIG", "SET", "maxmemory", "0")).isEqualTo("+OK");
        faults.failNextRefresh(400, "{\"error\":\"invalid_grant\"}");

        // Then the next request stores the kept tokens instead of refreshing with the spent one: 200, the session lives
        HttpResponse<String> next = browser.get(auth);
        assertThat(next.statusCode()).isEqualTo(200);
        assertThat(next.headers().firstValue("Authorization")).hasValue("Bearer " + NEW_ACCESS_TOKEN);
        assertThat(browser.get(auth).headers().firstValue("Authorization")).hasValue("Bearer " + NEW_ACCESS_TOKEN);
        assertThat(runtime.management("/metrics").body()).contains("authtier_session_refreshes_total{outcome=\"invalid_grant\"} 0.0",
                "authtier_session_refreshes_total{outcome=\"not_stored\"} 0.0");
    }

    @Test
    @DisplayName("Kept tokens are forgotten when the lock ends: then another replica's refresh holds the lock, and this one waits for it instead of writing")
    void keptOnlyWhileTheLockLasts() throws Exception {
        idp = new MockOAuth2Server(faults);
        idp.start(InetAddress.getLoopbackAddress(), 0);
        redis = RedisServers.standaloneWithDebug(dir);
        MutableClock clock = new MutableClock(Instant.now());
        Path key = SigningKeys.write(dir, "k1");
        // Lock TTL: 2 × 6 s × 1 attempt = 12 s; a replica counts it as ended after 11 s
        try (RunningRuntime a = replica(key, clock); RunningRuntime b = replica(key, clock)) {
            Browser browser = new Browser();
            RefreshLoginConfig.logInAcross(browser, idp, a, b);
            String before = browser.get(auth(a)).headers().firstValue("Authorization").orElseThrow();

            try (KeyspaceEvents locks = KeyspaceEvents.subscribe(redis, RedisSessionBytes.LOCK_PREFIX + "*")) {
                // When A refreshes, the IdP's answer takes 4.5 s (Redis stalled meanwhile), and Redis is full by then:
                // A keeps the new tokens, and its lock, which runs out 12 s after A took it
                clock.advance(Duration.ofSeconds(590));
                faults.answerNextRefresh(200, "{\"access_token\":\"" + NEW_ACCESS_TOKEN + "\",\"token_type\":\"Bearer\",\"expires_in\":600,"
                        + "\"refresh_token\":\"rotated-refresh-token\"}", () -> {
                            assertThat(redis.commandWithin(Duration.ofSeconds(30), "DEBUG", "SLEEP", "4.5")).isEqualTo("+OK");
                            fillRedis();
                        });
                HttpResponse<String> atA = browser.get(auth(a));
                assertThat(atA.statusCode()).isEqualTo(200);
                assertThat(locks.next(Set.of("del", "expired"), Duration.ofSeconds(20)).event()).isEqualTo("expired");
            }
            // And the kept tokens, gone with the lock, are counted as not stored (when the lock ended, not at a later use)
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> SessionRefreshTest.metricOf(a, "authtier_session_refreshes_total{outcome=\"not_stored\"}") == 1.0);

            // When Redis takes writes again and B refreshes, holding the lock while the IdP has not answered it yet
            assertThat(redis.command("CONFIG", "SET", "maxmemory", "0")).isEqualTo("+OK");
            CountDownLatch bAsked = new CountDownLatch(1);
            CountDownLatch answerB = new CountDownLatch(1);
            faults.answerNextRefresh(200, "{\"access_token\":\"refreshed-by-b\",\"token_type\":\"Bearer\",\"expires_in\":600}", () -> {
                bAsked.countDown();
                awaitQuietly(answerB);
            });
            CompletableFuture<HttpResponse<String>> atB = CompletableFuture.supplyAsync(() -> browser.get(auth(b)));
            try {
                assertThat(bAsked.await(20, TimeUnit.SECONDS)).isTrue();

                // Then A, whose lock has ended, does not act as the lock's holder (writing its kept tokens over the
                // session B is refreshing): B holds the lock, so A goes on with the current token, valid 10 s more
                HttpResponse<String> meanwhile = browser.get(auth(a));
                assertThat(meanwhile.statusCode()).isEqualTo(200);
                assertThat(meanwhile.headers().firstValue("Authorization")).hasValue(before);
                assertThat(SessionRefreshTest.metricOf(a, "authtier_session_refreshes_total{outcome=\"by_other\"}")).isEqualTo(1.0);
            } finally {
                answerB.countDown();
            }

            // And once B's refresh is stored, both replicas pass B's new token
            assertThat(atB.get(20, TimeUnit.SECONDS).headers().firstValue("Authorization")).hasValue("Bearer refreshed-by-b");
            assertThat(browser.get(auth(a)).headers().firstValue("Authorization")).hasValue("Bearer refreshed-by-b");
        }
    }

    /** A replica on {@link #redis} with this test's IdP; ready. */
    private RunningRuntime replica(Path signingKey, MutableClock clock) {
        RunningRuntime replica = RunningRuntime.start(RefreshLoginConfig.yaml(idp.issuerUrl("main").toString(), signingKey,
                redis.port(), "0s", "timeout: 6s, retry: {maxAttempts: 1}"), clock, policy -> policy);
        await().atMost(Duration.ofSeconds(20)).until(() -> replica.management("/readyz").statusCode() == 200);
        return replica;
    }

    private static String auth(RunningRuntime replica) {
        return "http://127.0.0.1:" + replica.port() + "/auth";
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** noeviction, and a limit below what Redis holds: every write that may grow it is refused from now on. */
    private void fillRedis() {
        redis.command("CONFIG", "SET", "maxmemory-policy", "noeviction");
        String info = redis.command("INFO", "memory");
        long used = Long.parseLong(info.lines().filter(line -> line.startsWith("used_memory:")).findFirst().orElseThrow()
                .substring("used_memory:".length()).strip());
        redis.command("CONFIG", "SET", "maxmemory", String.valueOf(used / 2));
    }
}
