package io.authtier.runtime.redis;

import io.lettuce.core.api.async.RedisStringAsyncCommands;
import io.lettuce.core.api.async.RedisKeyAsyncCommands;
import java.util.Objects;

/**
 * One open connection to Redis, standalone or Cluster alike: the string and key commands (async) that
 * the caches need, the confirmation of writes that a failover must not undo, and {@link #close()} for the
 * connection, its client and their threads.
 */
public final class RedisConnection implements AutoCloseable {

    private final RedisStringAsyncCommands<String, byte[]> strings;
    private final RedisKeyAsyncCommands<String, byte[]> keys;
    private final WriteConfirmation confirmation;
    private final AutoCloseable resources;

    RedisConnection(RedisStringAsyncCommands<String, byte[]> strings, RedisKeyAsyncCommands<String, byte[]> keys,
            WriteConfirmation confirmation, AutoCloseable resources) {
        this.strings = Objects.requireNonNull(strings, "strings");
        this.keys = Objects.requireNonNull(keys, "keys");
        this.confirmation = Objects.requireNonNull(confirmation, "confirmation");
        this.resources = Objects.requireNonNull(resources, "resources");
    }

    /** GET, SET (with PX) and friends; never blocks. */
    public RedisStringAsyncCommands<String, byte[]> strings() {
        return strings;
    }

    /** PTTL and friends; never blocks. */
    public RedisKeyAsyncCommands<String, byte[]> keys() {
        return keys;
    }

    /** Confirms writes beyond the master that acknowledged them (Cluster: WAIT); nothing to do standalone. */
    public WriteConfirmation confirmation() {
        return confirmation;
    }

    @Override
    public void close() {
        try {
            resources.close();
        } catch (Exception e) {
            throw new IllegalStateException("closing the Redis connection failed: " + e.getClass().getSimpleName(), e);
        }
    }
}
