package io.authtier.runtime.session;

import io.authtier.runtime.resilience.Failures;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

/**
 * {@link SessionBytes} that times every call to the store it wraps, from the call until its stage completes,
 * successfully or not (a failure during a Redis outage is a sample too; a create refused because a logout overtook
 * its login is an {@code ok} one: the store answered). It sits under
 * {@link EncryptedSessionStore}, so the replica's short memory ({@link CachingSessionStore}) answers without
 * reaching it: what is timed is the store's I/O, not cache hits. Operation names: {@value #CREATE},
 * {@value #LOAD}, {@value #TOUCH}, {@value #UPDATE}, {@value #DELETE}, {@value #DELETE_USER},
 * {@value #DELETE_IDP_SESSION}, {@value #LOCK} (take, release and extend the refresh lock), {@value #COUNT}.
 */
public final class TimedSessionBytes implements SessionBytes {

    public static final String CREATE = "create";
    public static final String LOAD = "load";
    public static final String TOUCH = "touch";
    public static final String UPDATE = "update";
    public static final String DELETE = "delete";
    public static final String DELETE_USER = "delete_user";
    public static final String DELETE_IDP_SESSION = "delete_idp_session";
    public static final String LOCK = "lock";
    public static final String COUNT = "count";

    private final SessionBytes bytes;
    private final StoreTimings timings;

    /** Times the calls to {@code bytes}, which it then owns. */
    public TimedSessionBytes(SessionBytes bytes, StoreTimings timings) {
        this.bytes = Objects.requireNonNull(bytes, "bytes");
        this.timings = Objects.requireNonNull(timings, "timings");
    }

    @Override
    public CompletionStage<Void> create(SessionAddress address, byte[] value, Duration ttl, Duration userTtl,
            Optional<String> idpSessionTag, LoginTimes times) {
        return timed(CREATE, () -> bytes.create(address, value, ttl, userTtl, idpSessionTag, times));
    }

    @Override
    public CompletionStage<Optional<byte[]>> read(SessionAddress address) {
        return timed(LOAD, () -> bytes.read(address));
    }

    @Override
    public CompletionStage<Boolean> replace(SessionAddress address, byte[] ifCurrent, byte[] value, Duration ttl) {
        return timed(TOUCH, () -> bytes.replace(address, ifCurrent, value, ttl));
    }

    @Override
    public CompletionStage<LockedWrite> replaceUnderLock(SessionAddress address, String owner, byte[] value, Duration ttl) {
        return timed(UPDATE, () -> bytes.replaceUnderLock(address, owner, value, ttl));
    }

    @Override
    public CompletionStage<Boolean> delete(SessionAddress address) {
        return timed(DELETE, () -> bytes.delete(address));
    }

    @Override
    public CompletionStage<Long> deleteUser(String userTag, UserLogout logout) {
        return timed(DELETE_USER, () -> bytes.deleteUser(userTag, logout));
    }

    @Override
    public CompletionStage<Long> deleteIdpSession(String idpSessionTag, Optional<String> userTag) {
        return timed(DELETE_IDP_SESSION, () -> bytes.deleteIdpSession(idpSessionTag, userTag));
    }

    @Override
    public CompletionStage<Boolean> tryLock(SessionAddress address, String owner, Duration ttl) {
        return timed(LOCK, () -> bytes.tryLock(address, owner, ttl));
    }

    @Override
    public CompletionStage<Boolean> unlock(SessionAddress address, String owner) {
        return timed(LOCK, () -> bytes.unlock(address, owner));
    }

    @Override
    public CompletionStage<Boolean> extendLock(SessionAddress address, String owner, Duration ttl) {
        return timed(LOCK, () -> bytes.extendLock(address, owner, ttl));
    }

    @Override
    public CompletionStage<Count> count(int budget) {
        return timed(COUNT, () -> bytes.count(budget));
    }

    /**
     * A create refused because a logout overtook its login: the store answered, as it should; an {@code error}
     * sample would make alerts on store failures fire at every such login.
     */
    private static boolean refusal(Throwable error) {
        return Failures.unwrap(error) instanceof IdpSessionEndedException;
    }

    @Override
    public void close() {
        bytes.close();
    }

    /**
     * The call's outcome, passed on unchanged (the same value or exception object, so callers that look for a
     * cause see what they saw before), after its sample is recorded: recorded before the caller's
     * continuations run, so that their work is not counted as the store's. A call that throws is recorded and
     * the throw passes on as it did.
     */
    private <T> CompletionStage<T> timed(String operation, Supplier<CompletionStage<T>> call) {
        long start = System.nanoTime();
        CompletionStage<T> stage;
        try {
            stage = call.get();
        } catch (RuntimeException | Error e) {
            timings.record(operation, false, System.nanoTime() - start);
            throw e;
        }
        CompletableFuture<T> timed = new CompletableFuture<>();
        stage.whenComplete((value, error) -> {
            try {
                timings.record(operation, error == null || refusal(error), System.nanoTime() - start);
            } finally {
                if (error == null) {
                    timed.complete(value);
                } else {
                    timed.completeExceptionally(error);
                }
            }
        });
        return timed;
    }
}
