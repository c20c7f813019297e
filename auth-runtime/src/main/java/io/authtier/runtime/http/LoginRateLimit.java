package io.authtier.runtime.http;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;

/**
 * Limits how fast logins may be started, since each {@code /oauth2/start} stores a pending login for ten
 * minutes: per client address (a token bucket of {@link #PER_CLIENT_PER_MINUTE} a minute, so a NAT of many
 * users still fits) and for the whole replica ({@link #PER_REPLICA_PER_SECOND} a second), so that an
 * anonymous flood cannot fill Redis. The per-client buckets are a bounded cache.
 */
final class LoginRateLimit {

    static final int PER_CLIENT_PER_MINUTE = 60;
    static final int PER_REPLICA_PER_SECOND = 500;
    private static final int MAX_CLIENTS = 100_000;

    private final Clock clock;
    private final Cache<String, Bucket> clients;
    private final Bucket replica;

    LoginRateLimit(Clock clock) {
        this.clock = Objects.requireNonNull(clock, "clock");
        this.clients = Caffeine.newBuilder().executor(Runnable::run).maximumSize(MAX_CLIENTS).expireAfterAccess(Duration.ofMinutes(2)).build();
        this.replica = new Bucket(PER_REPLICA_PER_SECOND, PER_REPLICA_PER_SECOND / 1000.0, clock.millis());
    }

    /**
     * Whether {@code client} may start a login now (and, if so, it counts). A start the replica's limit refuses
     * gives the client its token back: a flood from elsewhere must not spend the allowance of those caught in it.
     */
    boolean tryStart(String client) {
        long now = clock.millis();
        Bucket bucket = clients.get(client, key -> new Bucket(PER_CLIENT_PER_MINUTE, PER_CLIENT_PER_MINUTE / 60_000.0, now));
        if (!bucket.take(now)) {
            return false;
        }
        if (!replica.take(now)) {
            bucket.giveBack();
            return false;
        }
        return true;
    }

    /** A token bucket: {@code capacity} at most, refilled at {@code perMilli}. */
    private static final class Bucket {

        private final double capacity;
        private final double perMilli;
        private double tokens;
        private long at;

        Bucket(double capacity, double perMilli, long now) {
            this.capacity = capacity;
            this.perMilli = perMilli;
            this.tokens = capacity;
            this.at = now;
        }

        synchronized boolean take(long now) {
            tokens = Math.min(capacity, tokens + Math.max(0, now - at) * perMilli);
            at = Math.max(at, now);
            if (tokens < 1) {
                return false;
            }
            tokens -= 1;
            return true;
        }

        synchronized void giveBack() {
            tokens = Math.min(capacity, tokens + 1);
        }
    }
}
