package io.authtier.runtime.login;

import java.time.Duration;

/**
 * A moment on this JVM's monotonic clock ({@link System#nanoTime()}) by which something must be over: the end
 * of a session's refresh lock, as this replica reckons it. Real time, not the injected {@link java.time.Clock}:
 * the lock's TTL runs on Redis's real clock, and tests move the injected clock by minutes at a time.
 *
 * @param nanos the moment, in {@link System#nanoTime()} terms
 */
record Deadline(long nanos) {

    /** The moment {@code duration} from now. */
    static Deadline in(Duration duration) {
        return new Deadline(System.nanoTime() + duration.toNanos());
    }

    /** Time left until the deadline; zero or negative once it has passed. */
    Duration remaining() {
        return Duration.ofNanos(nanos - System.nanoTime());
    }

    boolean passed() {
        return nanos - System.nanoTime() <= 0;
    }
}
