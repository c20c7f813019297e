package io.authtier.runtime.login.redis;

import io.authtier.runtime.login.PendingLogins;
import io.authtier.runtime.redis.RedisConnection;
import io.authtier.runtime.session.SessionStoreException;
import io.lettuce.core.SetArgs;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/**
 * Pending logins in Redis, standalone or Cluster: {@code authtier:login:<key>} holds the encrypted record
 * with a TTL ({@code SET … PX}); a take is {@code GETDEL}, atomic, so of two takes of one key only one gets
 * the value. One round trip each. No hash tag: each login is one key, spread over the slots.
 */
public final class RedisPendingLogins implements PendingLogins {

    /** Prefix of every pending-login key. */
    public static final String PREFIX = "authtier:login:";

    private static final String STORE = "pending-login store";

    private final RedisConnection redis;
    private final boolean ownsConnection;

    /**
     * @param redis          an open connection, standalone or Cluster
     * @param ownsConnection whether {@link #close()} closes {@code redis}
     */
    public RedisPendingLogins(RedisConnection redis, boolean ownsConnection) {
        this.redis = Objects.requireNonNull(redis, "redis");
        this.ownsConnection = ownsConnection;
    }

    /** The Redis key of a pending login. */
    public static String key(String key) {
        return PREFIX + Objects.requireNonNull(key, "key");
    }

    @Override
    public CompletionStage<Void> put(String key, byte[] value, Duration ttl) {
        return set(key, value, ttl, new SetArgs()).thenApply(ok -> null);
    }

    @Override
    public CompletionStage<Boolean> putIfAbsent(String key, byte[] value, Duration ttl) {
        // SET NX answers OK when it stored the key and nothing when the key was there.
        return set(key, value, ttl, SetArgs.Builder.nx()).thenApply("OK"::equals);
    }

    /** {@code SET key value PX ttl} with {@code args}' other options; the reply as Redis gives it. */
    private CompletionStage<String> set(String key, byte[] value, Duration ttl, SetArgs args) {
        String redisKey = key(key);
        Objects.requireNonNull(value, "value");
        return SessionStoreException.guard(STORE, () -> {
            if (!ttl.isPositive()) {
                throw new IllegalArgumentException("ttl must be greater than zero, got " + ttl);
            }
            return redis.strings().set(redisKey, value, args.px(Math.max(1, ttl.toMillis())));
        });
    }

    @Override
    public CompletionStage<Optional<byte[]>> take(String key) {
        String redisKey = key(key);
        return SessionStoreException.guard(STORE, () -> redis.strings().getdel(redisKey).thenApply(Optional::ofNullable));
    }

    @Override
    public void close() {
        if (ownsConnection) {
            redis.close();
        }
    }
}
