package io.authtier.runtime.session;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * When a session ends and when its use is recorded: {@code idleTimeout} after {@code lastSeenAt} or
 * {@code absoluteTimeout} after {@code createdAt}, whichever comes first; {@code lastSeenAt} moves at most
 * once per {@link #touchInterval()}. One place for the rules that the store and the replica's memory of
 * sessions both apply.
 *
 * @param idleTimeout     greater than zero
 * @param absoluteTimeout greater than zero
 */
public record SessionLifetime(Duration idleTimeout, Duration absoluteTimeout) {

    /** Least time between two recorded uses of a session (sliding idle timeout), for idle timeouts of 2 minutes or more. */
    public static final Duration TOUCH_INTERVAL = Duration.ofMinutes(1);

    public SessionLifetime {
        positive(idleTimeout, "idleTimeout");
        positive(absoluteTimeout, "absoluteTimeout");
    }

    /** min(idle timeout from {@code lastSeenAt}, absolute timeout from {@code createdAt}) − now. */
    public Duration ttl(Session session, Instant now) {
        Instant idleEnd = session.lastSeenAt().plus(idleTimeout);
        Instant absoluteEnd = session.createdAt().plus(absoluteTimeout);
        return Duration.between(now, idleEnd.isBefore(absoluteEnd) ? idleEnd : absoluteEnd);
    }

    public boolean expired(Session session, Instant now) {
        return !ttl(session, now).isPositive();
    }

    /**
     * Least time between two recorded uses: {@link #TOUCH_INTERVAL}, or half the idle timeout if that is
     * shorter, so that a session in use is recorded before its idle timeout ends it, however short.
     */
    public Duration touchInterval() {
        Duration half = idleTimeout.dividedBy(2);
        return half.compareTo(TOUCH_INTERVAL) < 0 ? half : TOUCH_INTERVAL;
    }

    /** Whether the session's use at {@code now} should be recorded (its last record is {@link #touchInterval()} old or more). */
    public boolean touchDue(Session session, Instant now) {
        return Duration.between(session.lastSeenAt(), now).compareTo(touchInterval()) >= 0;
    }

    private static void positive(Duration duration, String name) {
        Objects.requireNonNull(duration, name);
        if (!duration.isPositive()) {
            throw new IllegalArgumentException(name + " must be greater than zero, got " + duration);
        }
    }
}
