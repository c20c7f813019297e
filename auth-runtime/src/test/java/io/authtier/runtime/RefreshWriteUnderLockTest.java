package io.authtier.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.authtier.runtime.redis.RedisServers;
import io.authtier.runtime.session.redis.RedisSessionBytes;
import io.authtier.runtime.testsupport.Browser;
import io.authtier.runtime.testsupport.MutableClock;
import io.authtier.runtime.testsupport.RefreshLoginConfig;
import io.authtier.runtime.testsupport.RunningRuntime;
import io.authtier.runtime.testsupport.SigningKeys;
import io.authtier.runtime.testsupport.TcpProxy;
import io.authtier.runtime.testsupport.TokenEndpointFaults;
import java.net.InetAddress;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A refresh stores its new tokens only while it still holds the session's refresh lock: once the lock has ended,
 * another replica may hold it and refresh (with the refresh token still stored), and a late write of the first
 * refresh's answer would overwrite what that replica stored. The write is one step conditional on the lock, so
 * not even a write that reaches Redis after the lock has ended (held up on the wire or in Redis) lands.
 */
@DisplayName("Refresh: new tokens are written only under the refresher's own lock")
class RefreshWriteUnderLockTest {

    @TempDir
    Path dir;
    MockOAuth2Server idp;
    final TokenEndpointFaults faults = new TokenEndpointFaults();
    RedisServers.Server redis;
    TcpProxy proxy;

    @AfterEach
    void stop() {
        if (proxy != null) {
            proxy.close();
        }
        redis.close();
        idp.shutdown();
    }

    @Test
    @DisplayName("A's lock ends while the IdP answers A; B takes the lock and stores its refresh: A's answer serves A's request, "
            + "and is not written over B's")
    void answerAfterTheLockEndedIsNotWritten() throws Exception {
        idp = new MockOAuth2Server(faults);
        idp.start(InetAddress.getLoopbackAddress(), 0);
        redis = RedisServers.standalone(dir);
        MutableClock clock = new MutableClock(Instant.now());
        Path key = SigningKeys.write(dir, "k1");
        try (RunningRuntime a = replica(key, clock); RunningRuntime b = replica(key, clock)) {
            Browser browser = new Browser();
            RefreshLoginConfig.logInAcross(browser, idp, a, b);
            assertThat(browser.get(auth(a)).statusCode()).isEqualTo(200);

            // Given the session's token due for refresh, and A refreshing it: when A's call reaches the IdP, A's lock
            // ends (as by its TTL: A's answer came late) and B refreshes the session meanwhile, under a lock of its own,
            // storing its new tokens, before the IdP answers A
            clock.advance(Duration.ofSeconds(590));
            AtomicReference<HttpResponse<String>> atB = new AtomicReference<>();
            faults.answerNextRefresh(200, tokens("refreshed-by-a"), () -> {
                String lock = redis.command("KEYS", RedisSessionBytes.LOCK_PREFIX + "*");
                assertThat(lock).startsWith(RedisSessionBytes.LOCK_PREFIX).doesNotContain("\n");
                assertThat(redis.command("DEL", lock)).isEqualTo(":1");
                faults.answerNextRefresh(200, tokens("refreshed-by-b"));
                atB.set(browser.get(auth(b)));
            });

            // When the IdP's answer reaches A
            HttpResponse<String> atA = browser.get(auth(a));

            // Then A's request passes with A's new token, B's with its own, and both refreshes reached the IdP
            assertThat(atA.statusCode()).isEqualTo(200);
            assertThat(atA.headers().firstValue("Authorization")).hasValue("Bearer refreshed-by-a");
            assertThat(atB.get().statusCode()).isEqualTo(200);
            assertThat(atB.get().headers().firstValue("Authorization")).hasValue("Bearer refreshed-by-b");
            assertThat(faults.refreshRequests()).isEqualTo(2);
            // And the session holds B's tokens: A, whose lock had ended, wrote nothing over them (both replicas read it)
            assertThat(browser.get(auth(a)).headers().firstValue("Authorization")).hasValue("Bearer refreshed-by-b");
            assertThat(browser.get(auth(b)).headers().firstValue("Authorization")).hasValue("Bearer refreshed-by-b");
            assertThat(faults.refreshRequests()).isEqualTo(2);
        }
    }

    @Test
    @DisplayName("A's write of its new tokens is held up on the wire until after its lock ended and B stored its refresh: "
            + "it lands late and writes nothing, B's tokens stay, and A counts the refresh as lock_lost")
    void writeHeldUpPastTheLockIsNotApplied() throws Exception {
        idp = new MockOAuth2Server(faults);
        idp.start(InetAddress.getLoopbackAddress(), 0);
        redis = RedisServers.standalone(dir);
        // A reaches Redis through a proxy that can hold up what A sends; B reaches Redis directly
        proxy = new TcpProxy(redis.port());
        MutableClock clock = new MutableClock(Instant.now());
        Path key = SigningKeys.write(dir, "k1");
        try (RunningRuntime a = replica(key, clock, proxy.port()); RunningRuntime b = replica(key, clock, redis.port())) {
            Browser browser = new Browser();
            RefreshLoginConfig.logInAcross(browser, idp, a, b);
            assertThat(browser.get(auth(a)).statusCode()).isEqualTo(200);
            String session = redis.command("KEYS", RedisSessionBytes.SESSION_PREFIX + "*");
            assertThat(session).startsWith(RedisSessionBytes.SESSION_PREFIX).doesNotContain("\n");

            // Given the session's token due for refresh, and A refreshing it: once the IdP has answered A, the first
            // command of A's that names the session (the write of A's new tokens) and all after it are held up
            clock.advance(Duration.ofSeconds(590));
            CountDownLatch answered = new CountDownLatch(1);
            faults.answerNextRefresh(200, tokens("refreshed-by-a"), () -> {
                proxy.holdFrom(session);
                answered.countDown();
            });
            CompletableFuture<HttpResponse<String>> atA = CompletableFuture.supplyAsync(() -> browser.get(auth(a)));
            assertThat(answered.await(20, TimeUnit.SECONDS)).isTrue();
            assertThat(proxy.awaitHeld(Duration.ofSeconds(20))).isTrue();

            // When A's lock ends meanwhile (as by its TTL: the write is held up longer than the lock lives), B refreshes
            // under a lock of its own and stores its tokens, and only then A's held-up write reaches Redis
            String lock = redis.command("KEYS", RedisSessionBytes.LOCK_PREFIX + "*");
            assertThat(lock).startsWith(RedisSessionBytes.LOCK_PREFIX).doesNotContain("\n");
            assertThat(redis.command("DEL", lock)).isEqualTo(":1");
            faults.answerNextRefresh(200, tokens("refreshed-by-b"));
            HttpResponse<String> atB = browser.get(auth(b));
            assertThat(atB.headers().firstValue("Authorization")).hasValue("Bearer refreshed-by-b");
            proxy.release();

            // Then A's request passes with A's new token (it serves that request)
            assertThat(atA.get(20, TimeUnit.SECONDS).headers().firstValue("Authorization")).hasValue("Bearer refreshed-by-a");
            // And the session still holds B's tokens: A's late write found the lock no longer A's and wrote nothing
            assertThat(browser.get(auth(b)).headers().firstValue("Authorization")).hasValue("Bearer refreshed-by-b");
            assertThat(browser.get(auth(a)).headers().firstValue("Authorization")).hasValue("Bearer refreshed-by-b");
            assertThat(faults.refreshRequests()).isEqualTo(2);
            // And A counts its refreshed tokens as lost to the lock's end; B lost none
            assertThat(SessionRefreshTest.metricOf(a, "authtier_session_refreshes_total{outcome=\"lock_lost\"}")).isEqualTo(1.0);
            assertThat(SessionRefreshTest.metricOf(b, "authtier_session_refreshes_total{outcome=\"lock_lost\"}")).isEqualTo(0.0);
        }
    }

    private static String tokens(String accessToken) {
        return "{\"access_token\":\"" + accessToken + "\",\"token_type\":\"Bearer\",\"expires_in\":600,\"refresh_token\":\"refresh-of-"
                + accessToken + "\"}";
    }

    /** A replica on {@link #redis} with this test's IdP; ready. */
    private RunningRuntime replica(Path signingKey, MutableClock clock) {
        return replica(signingKey, clock, redis.port());
    }

    /** A replica with this test's IdP, reaching {@link #redis} at {@code redisPort} (directly or through a proxy); ready. */
    private RunningRuntime replica(Path signingKey, MutableClock clock, int redisPort) {
        RunningRuntime replica = RunningRuntime.start(RefreshLoginConfig.yaml(idp.issuerUrl("main").toString(), signingKey,
                redisPort, "0s", "timeout: 6s, retry: {maxAttempts: 1}"), clock, policy -> policy);
        await().atMost(Duration.ofSeconds(20)).until(() -> replica.management("/readyz").statusCode() == 200);
        return replica;
    }

    private static String auth(RunningRuntime replica) {
        return "http://127.0.0.1:" + replica.port() + "/auth";
    }
}
