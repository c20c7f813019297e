package io.authtier.runtime.session;

import io.authtier.runtime.config.SessionsConfig;
import io.authtier.runtime.redis.RedisConnection;
import io.authtier.runtime.session.memory.MemorySessionBytes;
import io.authtier.runtime.session.redis.RedisSessionBytes;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Optional;
import java.util.function.Supplier;

/** The one switch on {@code sessions.store}. */
public final class SessionStores {

    private SessionStores() {
    }

    /**
     * The store {@code config} asks for, behind a {@link CachingSessionStore} unless
     * {@code sessions.localCacheTtl} is zero. For {@code Redis}, {@code redis} opens the connection (only
     * then), which the store then owns.
     */
    public static SessionStore create(SessionsConfig config, Supplier<RedisConnection> redis, Clock clock) {
        SessionBytes bytes = switch (config.store()) {
            case Memory -> new MemorySessionBytes(clock);
            case Redis -> new RedisSessionBytes(Optional.ofNullable(redis.get())
                    .orElseThrow(() -> new IllegalArgumentException("sessions.store Redis needs a redis section")), true);
        };
        return create(config, bytes, clock);
    }

    /** The store over {@code bytes} (which it then owns): encrypted, behind the replica's short memory unless it is off. */
    public static SessionStore create(SessionsConfig config, SessionBytes bytes, Clock clock) {
        return create(config, bytes, clock, () -> { });
    }

    /** As {@link #create(SessionsConfig, SessionBytes, Clock)}; {@code touchFailed} counts the touches the store refused. */
    public static SessionStore create(SessionsConfig config, SessionBytes bytes, Clock clock, Runnable touchFailed) {
        return create(config, bytes, clock, touchFailed, StoreTimings.NONE);
    }

    /**
     * As {@link #create(SessionsConfig, SessionBytes, Clock, Runnable)}; every call to {@code bytes} is reported to
     * {@code timings} ({@link TimedSessionBytes}). Timed under the replica's short memory, so that its hits, which
     * make no I/O, are not samples of the store's latency.
     */
    public static SessionStore create(SessionsConfig config, SessionBytes bytes, Clock clock, Runnable touchFailed,
            StoreTimings timings) {
        SessionStore store = new EncryptedSessionStore(new TimedSessionBytes(bytes, timings), config.idleTimeout(),
                config.absoluteTimeout(), clock, new SecureRandom(), touchFailed);
        return config.localCacheTtl().isPositive()
                ? new CachingSessionStore(store, config.localCacheTtl(),
                        new SessionLifetime(config.idleTimeout(), config.absoluteTimeout()), clock)
                : store;
    }
}
