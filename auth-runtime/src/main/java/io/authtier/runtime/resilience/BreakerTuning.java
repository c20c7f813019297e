package io.authtier.runtime.resilience;

/**
 * Circuit-breaker settings that the configuration does not expose: the count-based window over which
 * {@code resilience.circuitBreaker.failureRateThreshold} is measured, and how many trial calls the
 * half-open state lets through.
 *
 * @param slidingWindowSize            the last N attempts
 * @param minimumNumberOfCalls         no decision before this many attempts
 * @param permittedCallsInHalfOpenState trial attempts after {@code waitInOpenState}
 */
public record BreakerTuning(int slidingWindowSize, int minimumNumberOfCalls, int permittedCallsInHalfOpenState) {

    /** 20 attempts, decided after 10, 3 trial calls. */
    public static final BreakerTuning DEFAULT = new BreakerTuning(20, 10, 3);

    public BreakerTuning {
        if (slidingWindowSize < 1 || minimumNumberOfCalls < 1 || permittedCallsInHalfOpenState < 1) {
            throw new IllegalArgumentException("breaker tuning values must be at least 1");
        }
    }
}
