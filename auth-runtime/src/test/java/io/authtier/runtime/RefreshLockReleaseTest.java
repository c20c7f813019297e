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
import no.nav.security.mock.oauth2.MockOAuth2Server;
import no.nav.security.mock.oauth2.token.DefaultOAuth2TokenCallback;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The refresh lock is released by the refresh that holds it only once that refresh is over, never while its
 * call to the IdP may still send the refresh token: otherwise another replica could refresh with the same token
 * meanwhile, and an IdP that rotates refresh tokens takes the reuse for theft and revokes them all.
 */
@DisplayName("Refresh lock: released only once the refresh's IdP call is over")
class RefreshLockReleaseTest {

    @TempDir
    Path dir;
    MockOAuth2Server idp;
    TokenEndpointFaults faults = new TokenEndpointFaults();
    RedisServers.Server redis;
    RunningRuntime runtime;

    @AfterEach
    void stop() {
        runtime.close();
        redis.close();
        idp.shutdown();
    }

    @Test
    @DisplayName("A retry still pending when the request stops waiting: the lock is not released but runs out, and the retry is never sent")
    void pendingRetryKeepsTheLock() throws Exception {
        idp = new MockOAuth2Server(faults);
        idp.start(InetAddress.getLoopbackAddress(), 0);
        redis = RedisServers.standalone(dir);
        MutableClock clock = new MutableClock(Instant.now());
        // Lock TTL: 2 × 2 s × 2 attempts, at least 10 s; the refresh counts it as ended after 9 s. The retry of a
        // 5xx waits 20 s ± 50 %, so it is due only after the lock's end.
        runtime = RunningRuntime.start(RefreshLoginConfig.yaml(idp.issuerUrl("main").toString(), SigningKeys.write(dir, "k1"),
                redis.port(), "0s", "timeout: 2s, retry: {maxAttempts: 2, initialBackoff: 20s}"), clock, policy -> policy);
        // (A first key load that fails is tried again after initialBackoff: 20 s)
        await().atMost(Duration.ofSeconds(60)).until(() -> runtime.management("/readyz").statusCode() == 200);
        String auth = "http://127.0.0.1:" + runtime.port() + "/auth";
        Browser browser = new Browser();
        idp.enqueueCallback(new DefaultOAuth2TokenCallback("main", "ada", "JWT", List.of("shop-api"), Map.of(), 600));
        browser.logIn("http://127.0.0.1:" + runtime.port() + "/oauth2/start", idp.baseUrl().toString());
        String before = browser.get(auth).headers().firstValue("Authorization").orElseThrow();

        try (KeyspaceEvents locks = KeyspaceEvents.subscribe(redis, RedisSessionBytes.LOCK_PREFIX + "*")) {
            // When the token is due for refresh and the IdP answers the refresh with a 503, to be retried in 10 to 30 s
            clock.advance(Duration.ofSeconds(590));
            faults.failNextRefresh(503, "{}");
            HttpResponse<String> answered = browser.get(auth);

            // Then the request stops waiting at the lock's end and passes with the current token (valid for 10 s more)
            assertThat(answered.statusCode()).isEqualTo(200);
            assertThat(answered.headers().firstValue("Authorization")).hasValue(before);
            assertThat(faults.refreshRequests()).isEqualTo(1);
            // And the lock, taken for that refresh, is not released while its retry is pending: it runs out
            KeyspaceEvents.Event taken = locks.next(Set.of("set"), Duration.ofSeconds(5));
            KeyspaceEvents.Event ended = locks.next(Set.of("del", "expired"), Duration.ofSeconds(20));
            assertThat(ended).isEqualTo(new KeyspaceEvents.Event(taken.key(), "expired"));
        }

        // And once the retry is due, after the lock's end, it is not sent: the refresh's IdP call ends unanswered
        await().atMost(Duration.ofSeconds(60)).until(() -> refreshCalls() >= 1);
        assertThat(faults.refreshRequests()).isEqualTo(1);
        assertThat(runtime.management("/metrics").body())
                .contains("authtier_login_idp_duration_seconds_count{grant=\"refresh\",outcome=\"unavailable\"} 1");
    }

    /** The refresh calls to the token endpoint that have ended, whatever their outcome. */
    private double refreshCalls() {
        return runtime.management("/metrics").body().lines()
                .filter(line -> line.startsWith("authtier_login_idp_duration_seconds_count{grant=\"refresh\""))
                .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1))).sum();
    }
}
