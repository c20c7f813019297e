package io.authtier.runtime.resilience;

import io.authtier.runtime.config.ResilienceConfig;
import io.github.resilience4j.bulkhead.Bulkhead;
import io.github.resilience4j.bulkhead.BulkheadConfig;
import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.core.IntervalFunction;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/**
 * The resilience around the calls to one IdP (resilience4j): retry with exponential backoff and jitter
 * on connection errors and 5xx only, outside a bulkhead of {@code maxConnections} concurrent calls, outside
 * a circuit breaker that records every attempt. With the circuit open a call fails at once with
 * {@link io.github.resilience4j.circuitbreaker.CallNotPermittedException}, without touching the network;
 * with the bulkhead full, with {@link io.github.resilience4j.bulkhead.BulkheadFullException}. Neither is
 * retried. The per-call timeout belongs to the HTTP request itself.
 */
public final class IdpGuard {

    private static final Duration MIN_RETRY_AFTER = Duration.ofSeconds(1);

    private final CircuitBreaker breaker;
    private final Retry retry;
    private final Bulkhead bulkhead;
    private final ScheduledExecutorService scheduler;
    private final Clock clock;
    private final Duration waitInOpenState;
    private final Duration initialBackoff;
    private final AtomicReference<Instant> openedAt = new AtomicReference<>(Instant.MIN);

    /**
     * @param name      the issuer's name, for resilience4j's own bookkeeping
     * @param config    the {@code resilience} section
     * @param tuning    breaker window settings the configuration does not expose
     * @param clock     the breaker's clock: tests move it past {@code waitInOpenState} instead of sleeping
     * @param scheduler runs the retries' backoff waits; owned by the caller
     */
    public IdpGuard(String name, ResilienceConfig config, BreakerTuning tuning, Clock clock,
            ScheduledExecutorService scheduler) {
        this.clock = Objects.requireNonNull(clock, "clock");
        this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
        this.waitInOpenState = config.circuitBreaker().waitInOpenState();
        this.initialBackoff = config.retry().initialBackoff();
        this.breaker = CircuitBreaker.of(name, CircuitBreakerConfig.custom()
                .failureRateThreshold(config.circuitBreaker().failureRateThreshold())
                .waitDurationInOpenState(waitInOpenState)
                .slidingWindow(tuning.slidingWindowSize(), tuning.minimumNumberOfCalls(),
                        CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
                .permittedNumberOfCallsInHalfOpenState(tuning.permittedCallsInHalfOpenState())
                .automaticTransitionFromOpenToHalfOpenEnabled(false)
                .recordException(error -> true)
                .clock(clock)
                // A refusal while open is an answer, not a fault: filling in a stack trace for each one
                // made a 503 cost more than a 200 under load.
                .writableStackTraceEnabled(false)
                .build());
        this.bulkhead = Bulkhead.of(name, BulkheadConfig.custom()
                .maxConcurrentCalls(config.maxConnections())
                .maxWaitDuration(Duration.ZERO)
                .writableStackTraceEnabled(false)
                .build());
        this.retry = Retry.of(name, RetryConfig.custom()
                .maxAttempts(config.retry().maxAttempts())
                .intervalFunction(IntervalFunction.ofExponentialRandomBackoff(config.retry().initialBackoff(), 2.0, 0.5))
                .retryOnException(Failures::isRetryable)
                .failAfterMaxAttempts(false)
                .build());
        breaker.getEventPublisher().onStateTransition(event -> {
            if (event.getStateTransition().getToState() == CircuitBreaker.State.OPEN) {
                openedAt.set(clock.instant());
            }
        });
    }

    /** Runs {@code call} (one attempt per invocation) with retry, bulkhead and circuit breaker. */
    public <T> CompletionStage<T> call(Supplier<CompletionStage<T>> call) {
        if (openAndWaiting()) {
            // What the breaker would answer, without its decorators' stages: each of those wrapped the
            // refusal in a new CompletionException with a stack trace, half the CPU of a 503 under load.
            return CompletableFuture.failedFuture(new Refusal(CallNotPermittedException.createCallNotPermittedException(breaker)));
        }
        Supplier<CompletionStage<T>> guarded = CircuitBreaker.decorateCompletionStage(breaker, call);
        guarded = Bulkhead.decorateCompletionStage(bulkhead, guarded);
        return Retry.decorateCompletionStage(retry, scheduler, guarded).get();
    }

    /** Open, and its wait is not over: the breaker refuses every call (it turns half-open only after the wait). */
    private boolean openAndWaiting() {
        if (breaker.getState() != CircuitBreaker.State.OPEN) {
            return false;
        }
        Instant opened = openedAt.get();
        return !opened.equals(Instant.MIN) && clock.instant().isBefore(opened.plus(waitInOpenState));
    }

    /** A refusal is an answer, not a fault: no stack trace to fill in, and callers' stages pass it on as it is. */
    private static final class Refusal extends CompletionException {
        Refusal(Throwable cause) {
            super(cause);
        }

        @Override
        public synchronized Throwable fillInStackTrace() {
            return this;
        }
    }

    /** The breaker's state as a metric label: {@code closed}, {@code open} or {@code half_open}. */
    public String state() {
        return switch (breaker.getState()) {
            case CLOSED, DISABLED, METRICS_ONLY -> "closed";
            case OPEN, FORCED_OPEN -> "open";
            case HALF_OPEN -> "half_open";
        };
    }

    /** When a caller refused now should ask again: the rest of the open period, else the first backoff; at least 1 s. */
    public Duration retryAfter() {
        Duration wait = initialBackoff;
        if (breaker.getState() == CircuitBreaker.State.OPEN) {
            Instant opened = openedAt.get();
            wait = opened.equals(Instant.MIN)
                    ? waitInOpenState
                    : waitInOpenState.minus(Duration.between(opened, clock.instant()));
        }
        return wait.compareTo(MIN_RETRY_AFTER) < 0 ? MIN_RETRY_AFTER : wait;
    }
}
