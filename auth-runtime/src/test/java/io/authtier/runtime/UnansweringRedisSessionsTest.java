package io.authtier.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.authtier.runtime.redis.RedisServers;
import io.authtier.runtime.testsupport.Browser;
import io.authtier.runtime.testsupport.RedisLoginConfig;
import io.authtier.runtime.testsupport.RunningRuntime;
import io.authtier.runtime.testsupport.SigningKeys;
import io.authtier.runtime.testsupport.TcpProxy;
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
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Sessions in a Redis reached through a link that accepts connections and bytes and answers nothing (a
 * {@link TcpProxy} in blackhole mode: a peer gone without a RST, a stuck middlebox): session requests answer
 * 503 meanwhile and 200 again within seconds once the link passes bytes; and a runtime started behind such a
 * link listens and serves JWTs at once.
 */
@DisplayName("Sessions behind a Redis link that accepts and never answers")
class UnansweringRedisSessionsTest {

    @TempDir
    Path dir;
    MockOAuth2Server idp;
    RedisServers.Server redis;
    TcpProxy proxy;
    RunningRuntime runtime;

    @BeforeEach
    void startIdpAndRedis() throws Exception {
        idp = new MockOAuth2Server();
        idp.start(InetAddress.getLoopbackAddress(), 0);
        redis = RedisServers.standalone(dir);
        proxy = new TcpProxy(redis.port());
    }

    @AfterEach
    void stop() {
        if (runtime != null) {
            runtime.close();
        }
        proxy.close();
        redis.close();
        idp.shutdown();
    }

    /** The runtime with login and sessions in Redis through {@link #proxy}, with {@code timeout} per Redis command and connect. */
    private RunningRuntime start(String timeout) throws Exception {
        return RunningRuntime.start(RedisLoginConfig.standalone(idp.issuerUrl("main").toString(), SigningKeys.write(dir, "k1"),
                proxy.port()) + "resilience: {timeout: " + timeout + "}\n", Clock.systemUTC(), policy -> policy);
    }

    private String logIn(Browser browser) {
        String base = "http://127.0.0.1:" + runtime.port();
        idp.enqueueCallback(new DefaultOAuth2TokenCallback("main", "ada", "JWT", List.of("shop-api"), Map.of(), 300));
        HttpResponse<String> done = browser.logIn(base + "/oauth2/start", idp.baseUrl().toString());
        assertThat(done.headers().firstValue("Location")).hasValue("/");
        return base;
    }

    @Test
    @DisplayName("A session answers 503 while the link swallows every byte, and 200 within seconds once it passes bytes again")
    void recoversOnceTheLinkHeals() throws Exception {
        runtime = start("1s");
        await().atMost(Duration.ofSeconds(20)).until(() -> runtime.management("/readyz").statusCode() == 200);
        Browser browser = new Browser();
        String base = logIn(browser);
        assertThat(browser.get(base + "/auth").statusCode()).isEqualTo(200);

        // When the link swallows every byte
        proxy.blackhole(true);

        // Then the session cannot be read: 503 with Retry-After, never 401 (and the cookie stays)
        for (int i = 0; i < 4; i++) {
            HttpResponse<String> during = browser.get(base + "/auth");
            assertThat(during.statusCode()).isEqualTo(503);
            assertThat(during.headers().firstValue("Retry-After")).hasValue("1");
            assertThat(during.headers().allValues("Set-Cookie")).isEmpty();
        }

        // When it passes bytes again, the session answers 200 within seconds
        proxy.blackhole(false);
        long healed = System.nanoTime();
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(200))
                .until(() -> browser.get(base + "/auth").statusCode() == 200);
        System.out.printf("sessions answered again %d ms after the link healed%n", (System.nanoTime() - healed) / 1_000_000);
    }

    @Test
    @DisplayName("Started behind a link that accepts and never answers: listening at once, JWTs served, sessions 503 until Redis answers")
    void startsWithoutWaitingForRedis() throws Exception {
        proxy.blackhole(true);

        // When the runtime starts while Redis's link answers nothing, with a connect timeout of 10 s
        long begin = System.nanoTime();
        runtime = start("10s");
        Duration startup = Duration.ofNanos(System.nanoTime() - begin);

        // Then it listened without waiting for the connect (lettuce alone would have waited 60 s): health answers,
        // a JWT passes, while Redis is still unreachable
        assertThat(startup).isLessThan(Duration.ofSeconds(5));
        assertThat(runtime.management("/healthz").statusCode()).isEqualTo(200);
        String jwt = idp.issueToken("main", "svc", new DefaultOAuth2TokenCallback("main", "svc", "JWT", List.of("shop-api"), Map.of(), 300))
                .serialize();
        await().atMost(Duration.ofSeconds(5)).until(() -> runtime.auth(jwt).statusCode() == 200);
        // And it is not ready, naming the session store; a login cannot start (503)
        HttpResponse<String> ready = runtime.management("/readyz");
        assertThat(ready.statusCode()).isEqualTo(503);
        assertThat(ready.body()).contains("session store (Redis) not connected");
        HttpResponse<String> login = new Browser().get("http://127.0.0.1:" + runtime.port() + "/oauth2/start");
        assertThat(login.statusCode()).isEqualTo(503);
        assertThat(login.headers().firstValue("Retry-After")).hasValue("1");

        // When the link passes bytes, the runtime connects by itself and a login works
        proxy.blackhole(false);
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                .until(() -> runtime.management("/readyz").statusCode() == 200);
        Browser browser = new Browser();
        String base = logIn(browser);
        assertThat(browser.get(base + "/auth").statusCode()).isEqualTo(200);
    }
}
