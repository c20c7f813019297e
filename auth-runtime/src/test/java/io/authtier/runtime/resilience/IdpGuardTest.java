package io.authtier.runtime.resilience;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.authtier.runtime.cache.FakeTime;
import io.authtier.runtime.config.ResilienceConfig;
import io.github.resilience4j.bulkhead.BulkheadFullException;
import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("IdpGuard: retry, bulkhead and circuit breaker around one IdP")
class IdpGuardTest {

    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
    private final FakeTime time = new FakeTime();

    @AfterEach
    void stop() {
        scheduler.shutdownNow();
    }

    private IdpGuard guard(int maxConnections) {
        ResilienceConfig config = new ResilienceConfig(Duration.ofSeconds(2),
                new ResilienceConfig.Retry(3, Duration.ofMillis(1)),
                new ResilienceConfig.CircuitBreaker(50, Duration.ofSeconds(30)), maxConnections);
        return new IdpGuard("main", config, new BreakerTuning(4, 4, 1), time, scheduler);
    }

    private static Throwable failureOf(CompletableFuture<?> future) {
        return Failures.unwrap(catchThrowable(future::join));
    }

    @Test
    @DisplayName("A 5xx is tried maxAttempts times, a 4xx once")
    void retriesOnlyServerErrors() {
        IdpGuard guard = guard(10);
        AtomicInteger attempts = new AtomicInteger();

        failureOf(guard.call(() -> {
            attempts.incrementAndGet();
            return CompletableFuture.<String>failedFuture(new IdpStatusException("introspection", 503));
        }).toCompletableFuture());
        assertThat(attempts).hasValue(3);

        IdpGuard fresh = guard(10);
        attempts.set(0);
        failureOf(fresh.call(() -> {
            attempts.incrementAndGet();
            return CompletableFuture.<String>failedFuture(new IdpStatusException("introspection", 401));
        }).toCompletableFuture());
        assertThat(attempts).hasValue(1);
    }

    @Test
    @DisplayName("With maxConnections calls in flight, the next one is refused at once, without being made")
    void bulkhead() {
        IdpGuard guard = guard(1);
        CompletableFuture<String> slow = new CompletableFuture<>();
        guard.call(() -> slow);
        AtomicInteger made = new AtomicInteger();

        Throwable refused = failureOf(guard.call(() -> {
            made.incrementAndGet();
            return CompletableFuture.completedFuture("answer");
        }).toCompletableFuture());

        assertThat(refused).isInstanceOf(BulkheadFullException.class);
        assertThat(made).hasValue(0);
        slow.complete("done");
        assertThat(guard.call(() -> CompletableFuture.completedFuture("again")).toCompletableFuture().join()).isEqualTo("again");
    }

    @Test
    @DisplayName("An open circuit refuses without calling; Retry-After is what is left of waitInOpenState")
    void openCircuit() {
        IdpGuard guard = guard(10);
        for (int i = 0; i < 2; i++) {
            failureOf(guard.call(() -> CompletableFuture.<String>failedFuture(new IdpStatusException("x", 500))).toCompletableFuture());
        }
        assertThat(guard.state()).isEqualTo("open");
        AtomicInteger made = new AtomicInteger();

        Throwable refused = failureOf(guard.call(() -> {
            made.incrementAndGet();
            return CompletableFuture.completedFuture("answer");
        }).toCompletableFuture());

        assertThat(refused).isInstanceOf(CallNotPermittedException.class);
        assertThat(made).hasValue(0);
        assertThat(guard.retryAfter()).isEqualTo(Duration.ofSeconds(30));
        time.advance(Duration.ofSeconds(10));
        assertThat(guard.retryAfter()).isEqualTo(Duration.ofSeconds(20));
        time.advance(Duration.ofSeconds(21));
        assertThat(guard.call(() -> CompletableFuture.completedFuture("trial")).toCompletableFuture().join()).isEqualTo("trial");
        assertThat(guard.state()).isEqualTo("closed");
        assertThat(guard.retryAfter()).isEqualTo(Duration.ofSeconds(1));
    }
}
