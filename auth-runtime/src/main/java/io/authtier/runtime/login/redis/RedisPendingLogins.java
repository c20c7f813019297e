package io.authtier.runtime.login.redis;

import io.authtier.runtime.login.PendingLogins;
import io.authtier.runtime.redis.RedisConnection;
import io.authtier.runtime.session.SessionStoreException;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.SetArgs;
import io.lettuce.core.api.async.RedisScriptingAsyncCommands;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/**
 * Pending logins in Redis, standalone or Cluster: {@code authtier:login:<key>} holds the encrypted record
 * with a TTL ({@code SET … PX}); a take is {@code GETDEL}, atomic, so of two takes of one key only one gets
 * the value; a claim (a logout token's use) and its release are small scripts. One round trip each. No hash
 * tag: each login is one key, spread over the slots.
 */
public final class RedisPendingLogins implements PendingLogins {

    /** Prefix of every pending-login key. */
    public static final String PREFIX = "authtier:login:";

    private static final String STORE = "pending-login store";

    /** The value held, if any; else SET … PX and nothing (nil). Rare (back-channel logouts): EVAL, no EVALSHA. */
    private static final String CLAIM = """
            local held = redis.call('GET', KEYS[1])
            if held then
              return held
            end
            redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
            return false
            """;

    /** DEL only if the key still holds exactly ARGV[1]. */
    private static final String RELEASE = """
            if redis.call('GET', KEYS[1]) == ARGV[1] then
              return redis.call('DEL', KEYS[1])
            end
            return 0
            """;

    private final RedisConnection redis;
    private final RedisScriptingAsyncCommands<String, byte[]> scripts;
    private final boolean ownsConnection;

    /**
     * @param redis          an open connection, standalone or Cluster
     * @param ownsConnection whether {@link #close()} closes {@code redis}
     */
    @SuppressWarnings("unchecked")
    public RedisPendingLogins(RedisConnection redis, boolean ownsConnection) {
        this.redis = Objects.requireNonNull(redis, "redis");
        this.ownsConnection = ownsConnection;
        // As in RedisSessionBytes: lettuce's standalone and Cluster command objects offer scripting too.
        if (!(redis.strings() instanceof RedisScriptingAsyncCommands<?, ?> scripting)) {
            throw new IllegalArgumentException("the Redis connection does not offer scripting commands");
        }
        this.scripts = (RedisScriptingAsyncCommands<String, byte[]>) scripting;
    }

    /** The Redis key of a pending login. */
    public static String key(String key) {
        return PREFIX + Objects.requireNonNull(key, "key");
    }

    @Override
    public CompletionStage<Void> put(String key, byte[] value, Duration ttl) {
        return set(key, value, ttl, new SetArgs()).thenApply(ok -> null);
    }

    /** A script rather than {@code SET NX GET}, which needs Redis 7.0 (the rest of this store needs 6.2). */
    @Override
    public CompletionStage<Optional<byte[]>> claim(String key, byte[] value, Duration ttl) {
        String redisKey = key(key);
        Objects.requireNonNull(value, "value");
        return SessionStoreException.guard(STORE, () -> {
            if (!ttl.isPositive()) {
                throw new IllegalArgumentException("ttl must be greater than zero, got " + ttl);
            }
            return scripts.<byte[]>eval(CLAIM, ScriptOutputType.VALUE, new String[] {redisKey}, value,
                    String.valueOf(Math.max(1, ttl.toMillis())).getBytes(StandardCharsets.US_ASCII)).thenApply(Optional::ofNullable);
        });
    }

    @Override
    public CompletionStage<Boolean> release(String key, byte[] value) {
        String redisKey = key(key);
        Objects.requireNonNull(value, "value");
        return SessionStoreException.guard(STORE, () -> scripts.<Long>eval(RELEASE, ScriptOutputType.INTEGER, new String[] {redisKey}, value)
                .thenApply(released -> released == 1));
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
