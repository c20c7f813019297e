package io.authtier.runtime.session.redis;

import io.authtier.runtime.redis.RedisConnector;
import io.authtier.runtime.session.LockedWrite;
import io.authtier.runtime.session.LoginTimes;
import io.authtier.runtime.session.SessionAddress;
import io.authtier.runtime.session.SessionBytes;
import io.authtier.runtime.session.SessionStoreException;
import io.authtier.runtime.session.UserLogout;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;

/**
 * {@link RedisSessionBytes} on a connection that may not exist yet ({@link RedisConnector}): the runtime
 * starts while Redis is unreachable, bearer tokens are answered meanwhile, and every session operation
 * fails with {@link SessionStoreException} (so 503, never a wrong answer) until the connection is made in
 * the background. Owns the connector.
 */
public final class ConnectingSessionBytes implements SessionBytes {

    private final RedisConnector connector;
    private final AtomicReference<RedisSessionBytes> bytes = new AtomicReference<>();

    public ConnectingSessionBytes(RedisConnector connector) {
        this.connector = Objects.requireNonNull(connector, "connector");
    }

    /** The connector, to share the connection (pending logins); this object closes it. */
    public RedisConnector connector() {
        return connector;
    }

    /** Whether the connection has been made (readiness); asks for a background attempt if not. */
    public boolean connected() {
        return connector.current().isPresent();
    }

    private <T> CompletionStage<T> with(Function<RedisSessionBytes, CompletionStage<T>> operation) {
        RedisSessionBytes current = bytes.get();
        if (current == null) {
            Optional<RedisSessionBytes> made = connector.current().map(connection -> new RedisSessionBytes(connection, false));
            if (made.isEmpty()) {
                return CompletableFuture.failedFuture(new SessionStoreException("the session store (Redis) is not connected yet", null));
            }
            bytes.compareAndSet(null, made.get());
            current = bytes.get();
        }
        return operation.apply(current);
    }

    @Override
    public CompletionStage<Void> create(SessionAddress address, byte[] value, Duration ttl, Duration userTtl, Optional<String> idpSessionTag,
            LoginTimes times) {
        return with(b -> b.create(address, value, ttl, userTtl, idpSessionTag, times));
    }

    @Override
    public CompletionStage<Optional<byte[]>> read(SessionAddress address) {
        return with(b -> b.read(address));
    }

    @Override
    public CompletionStage<Boolean> replace(SessionAddress address, byte[] ifCurrent, byte[] value, Duration ttl) {
        return with(b -> b.replace(address, ifCurrent, value, ttl));
    }

    @Override
    public CompletionStage<LockedWrite> replaceUnderLock(SessionAddress address, String owner, byte[] value, Duration ttl) {
        return with(b -> b.replaceUnderLock(address, owner, value, ttl));
    }

    @Override
    public CompletionStage<Boolean> delete(SessionAddress address) {
        return with(b -> b.delete(address));
    }

    @Override
    public CompletionStage<Long> deleteUser(String userTag, UserLogout logout) {
        return with(b -> b.deleteUser(userTag, logout));
    }

    @Override
    public CompletionStage<Long> deleteIdpSession(String idpSessionTag, Optional<String> userTag) {
        return with(b -> b.deleteIdpSession(idpSessionTag, userTag));
    }

    @Override
    public CompletionStage<Boolean> tryLock(SessionAddress address, String owner, Duration ttl) {
        return with(b -> b.tryLock(address, owner, ttl));
    }

    @Override
    public CompletionStage<Boolean> unlock(SessionAddress address, String owner) {
        return with(b -> b.unlock(address, owner));
    }

    @Override
    public CompletionStage<Boolean> extendLock(SessionAddress address, String owner, Duration ttl) {
        return with(b -> b.extendLock(address, owner, ttl));
    }

    @Override
    public CompletionStage<Count> count(int budget) {
        return with(b -> b.count(budget));
    }

    @Override
    public void close() {
        connector.close();
    }
}
