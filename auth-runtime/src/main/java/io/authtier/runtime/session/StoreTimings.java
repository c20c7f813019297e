package io.authtier.runtime.session;

/**
 * Where {@link TimedSessionBytes} reports how long each call to the byte store took; kept free of any metrics
 * library so that this package does not depend on one (the login package's {@code SessionMetrics} provides it).
 */
@FunctionalInterface
public interface StoreTimings {

    /** Nothing recorded (tests and benchmarks that do not look at timings). */
    StoreTimings NONE = (operation, ok, nanos) -> { };

    /**
     * One call that took {@code nanos}: {@code operation} is one of {@link TimedSessionBytes}'s fixed names,
     * {@code ok} false if the call failed (its stage, or the call itself).
     */
    void record(String operation, boolean ok, long nanos);
}
