package io.authtier.runtime.session;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * When a session ends and when its use is recorded: {@code idleTimeout} after {@code lastSeenAt} or
 * {@code absoluteTimeout} after {@code createdAt}, whichever comes first; {@code lastSeenAt} moves at most
 * once per {@link #TOUCH_INTERVAL}. One place for the rules that the store and the replica's memory of
 * sessions both apply.
 *
 * @param idleTimeout     greater than zero
 * @param absoluteTimeout greater than zero
 */
public record SessionLifetime(Duration idleTimeout, Duration absoluteTimeout) {

    /** Least time between two recorded uses of a session (sliding idle timeout). */
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

    /** Whether the session's use at {@code now} should be recorded (its last record is a minute old or more). */
    public static boolean touchDue(Session session, Instant now) {
        return Duration.between(session.lastSeenAt(), now).compareTo(TOUCH_INTERVAL) >= 0;
    }

    private static void positive(Duration duration, String name) {
        Objects.requireNonNull(duration, name);
        if (!duration.isPositive()) {
            throw new IllegalArgumentException(name + " must be greater than zero, got " + duration);
        }
    }
}
