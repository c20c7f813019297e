package io.authtier.runtime.resilience;

import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;

/**
 * Logs a recurring warning at most once per interval, with how many were left out meanwhile, so that
 * an outage (Redis down, IdP failing) does not flood the log. Callers pass fixed text and exception
 * class names only, never a token, key or secret.
 */
public final class RateLimitedLog {

    private final Logger logger;
    private final Clock clock;
    private final long intervalMillis;
    private final AtomicLong nextAllowed = new AtomicLong(Long.MIN_VALUE);
    private final AtomicLong suppressed = new AtomicLong();

    public RateLimitedLog(Logger logger, Clock clock, Duration interval) {
        this.logger = Objects.requireNonNull(logger, "logger");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.intervalMillis = interval.toMillis();
    }

    /** Logs {@code message} (an SLF4J pattern) at WARN, unless one was logged less than an interval ago. */
    public void warn(String message, Object... args) {
        long now = clock.millis();
        long next = nextAllowed.get();
        if (now >= next && nextAllowed.compareAndSet(next, now + intervalMillis)) {
            long left = suppressed.getAndSet(0);
            if (logger.isWarnEnabled()) {
                logger.warn(message + (left > 0 ? " (" + left + " similar warnings left out)" : ""), args);
            }
        } else {
            suppressed.incrementAndGet();
        }
    }
}
