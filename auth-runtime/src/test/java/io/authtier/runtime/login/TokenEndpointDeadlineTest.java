package io.authtier.runtime.login;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.authtier.runtime.config.ResilienceConfig;
import io.authtier.runtime.metrics.RuntimeMetrics;
import io.authtier.runtime.resilience.BreakerTuning;
import io.authtier.runtime.resilience.IdpGuard;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * A refresh's call to the token endpoint is over by the end of the session's refresh lock, whatever its own
 * timeout: nothing of it may reach the IdP once another replica may refresh with the same refresh token.
 */
@DisplayName("Token endpoint: a refresh is over by its lock's end")
class TokenEndpointDeadlineTest {

    private final CountDownLatch answer = new CountDownLatch(1);
    private final AtomicInteger requests = new AtomicInteger();
    private final ScheduledExecutorService retries = Executors.newSingleThreadScheduledExecutor();
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private HttpServer idp;
    private TokenEndpoint tokens;

    @BeforeEach
    void start() throws IOException {
        // An IdP whose token endpoint answers only when the test lets it
        idp = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        idp.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        idp.createContext("/token", exchange -> {
            requests.incrementAndGet();
            try {
                answer.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            byte[] body = "{\"access_token\":\"at-2\",\"token_type\":\"Bearer\"}".getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        idp.start();
        URI base = URI.create("http://127.0.0.1:" + idp.getAddress().getPort());
        ProviderEndpoints endpoints = new ProviderEndpoints(base.resolve("/authorize"), base.resolve("/token"), Optional.empty(), false);
        // A timeout of 20 s, far beyond the deadlines below
        Duration timeout = Duration.ofSeconds(20);
        ResilienceConfig resilience = new ResilienceConfig(timeout, new ResilienceConfig.Retry(1, Duration.ofMillis(200)),
                new ResilienceConfig.CircuitBreaker(50, Duration.ofSeconds(30)), 100);
        tokens = new TokenEndpoint(() -> CompletableFuture.completedFuture(endpoints), "shop-web", Optional.empty(), http,
                new IdpGuard("login-main", resilience, BreakerTuning.DEFAULT, Clock.systemUTC(), retries), timeout,
                new SessionMetrics(RuntimeMetrics.prometheusRegistry()));
    }

    @AfterEach
    void stop() {
        answer.countDown();
        idp.stop(0);
        retries.shutdownNow();
        http.close();
    }

    @Test
    @DisplayName("An IdP that has not answered by the lock's end: the call is cut off then, not at its 20 s timeout")
    void cutAtTheLocksEnd() throws Exception {
        TokenGrant grant = tokens.refresh("rt-1", Deadline.in(Duration.ofMillis(500))).toCompletableFuture().get(10, TimeUnit.SECONDS);

        assertThat(grant).isInstanceOf(TokenGrant.Unavailable.class);
        assertThat(requests).hasValue(1);
        assertThat(answer.getCount()).as("the IdP had not answered").isEqualTo(1);
    }

    @Test
    @DisplayName("A lock that has ended already: no request is sent")
    void nothingSentOnceTheLockHasEnded() throws Exception {
        TokenGrant grant = tokens.refresh("rt-1", Deadline.in(Duration.ZERO)).toCompletableFuture().get(10, TimeUnit.SECONDS);

        assertThat(grant).isEqualTo(new TokenGrant.Unavailable("no time left to ask the token endpoint before the session's refresh lock ends"));
        assertThat(requests).hasValue(0);
    }
}
