package io.authtier.runtime.login.redis;

import io.authtier.runtime.login.PendingLogins;
import io.authtier.runtime.redis.RedisConnector;
import io.authtier.runtime.session.SessionStoreException;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * {@link RedisPendingLogins} on a connection that may not exist yet ({@link RedisConnector}, shared with
 * the session store, which owns it): until it is made, starting or finishing a login fails (503).
 */
public final class ConnectingPendingLogins implements PendingLogins {

    private final RedisConnector connector;

    public ConnectingPendingLogins(RedisConnector connector) {
        this.connector = Objects.requireNonNull(connector, "connector");
    }

    private Optional<RedisPendingLogins> logins() {
        return connector.current().map(connection -> new RedisPendingLogins(connection, false));
    }

    @Override
    public CompletionStage<Void> put(String key, byte[] value, Duration ttl) {
        return logins().map(l -> l.put(key, value, ttl)).orElseGet(ConnectingPendingLogins::notConnected);
    }

    @Override
    public CompletionStage<Optional<byte[]>> claim(String key, byte[] value, Duration ttl) {
        return logins().map(l -> l.claim(key, value, ttl)).orElseGet(ConnectingPendingLogins::notConnected);
    }

    @Override
    public CompletionStage<Boolean> release(String key, byte[] value) {
        return logins().map(l -> l.release(key, value)).orElseGet(ConnectingPendingLogins::notConnected);
    }

    @Override
    public CompletionStage<Optional<byte[]>> take(String key) {
        return logins().map(l -> l.take(key)).orElseGet(ConnectingPendingLogins::notConnected);
    }

    private static <T> CompletionStage<T> notConnected() {
        return CompletableFuture.failedFuture(new SessionStoreException("the pending-login store (Redis) is not connected yet", null));
    }
}
