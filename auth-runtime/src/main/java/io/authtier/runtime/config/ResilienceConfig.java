package io.authtier.runtime.config;

import java.time.Duration;
import java.util.Objects;

/**
 * The {@code resilience} section: how calls to the IdP (JWKS, introspection, token endpoint) are bounded.
 *
 * @param timeout        per call; greater than zero
 * @param retry          retries of failed idempotent calls
 * @param circuitBreaker stops calling an IdP that keeps failing
 * @param maxConnections connection pool size per IdP; at least 1
 */
public record ResilienceConfig(Duration timeout, Retry retry, CircuitBreaker circuitBreaker, int maxConnections) {

    public ResilienceConfig {
        Objects.requireNonNull(timeout, "timeout");
        Objects.requireNonNull(retry, "retry");
        Objects.requireNonNull(circuitBreaker, "circuitBreaker");
    }

    /**
     * {@code resilience.retry}.
     *
     * @param maxAttempts    attempts in all, the first included; 1..10
     * @param initialBackoff wait before the first retry; greater than zero
     */
    public record Retry(int maxAttempts, Duration initialBackoff) {
        public Retry {
            Objects.requireNonNull(initialBackoff, "initialBackoff");
        }
    }

    /**
     * {@code resilience.circuitBreaker}.
     *
     * @param failureRateThreshold percentage of failed calls that opens the circuit; 1..100
     * @param waitInOpenState      how long it stays open before letting a trial call through; greater than zero
     */
    public record CircuitBreaker(int failureRateThreshold, Duration waitInOpenState) {
        public CircuitBreaker {
            Objects.requireNonNull(waitInOpenState, "waitInOpenState");
        }
    }
}
