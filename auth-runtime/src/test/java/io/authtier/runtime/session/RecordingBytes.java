package io.authtier.runtime.session;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.CopyOnWriteArrayList;

/** A decorator that remembers every value written to the byte store under it, and counts the writes. */
public final class RecordingBytes implements SessionBytes {

    private final SessionBytes inner;
    private final List<byte[]> written = new CopyOnWriteArrayList<>();
    private final AtomicReference<Runnable> afterNextRead = new AtomicReference<>();
    private final AtomicReference<CompletionStage<?>> holdNextRead = new AtomicReference<>();
    private final AtomicReference<CompletionStage<?>> holdNextReplace = new AtomicReference<>();
    private final AtomicReference<Runnable> beforeNextDelete = new AtomicReference<>();
    private final java.util.concurrent.atomic.AtomicInteger reads = new java.util.concurrent.atomic.AtomicInteger();

    public RecordingBytes(SessionBytes inner) {
        this.inner = inner;
    }

    /** Every value handed to the store, oldest first. */
    public List<byte[]> written() {
        return List.copyOf(written);
    }

    @Override
    public CompletionStage<Void> create(SessionAddress address, byte[] value, Duration ttl, Duration userTtl,
            Optional<String> idpSessionTag, LoginTimes times) {
        written.add(value.clone());
        return inner.create(address, value, ttl, userTtl, idpSessionTag, times);
    }

    /** How many reads reached the store. */
    public int reads() {
        return reads.get();
    }

    @Override
    public CompletionStage<Optional<byte[]>> read(SessionAddress address) {
        reads.incrementAndGet();
        CompletionStage<?> gate = holdNextRead.getAndSet(null);
        if (gate != null) {
            return held(inner.read(address), gate);
        }
        Runnable action = afterNextRead.getAndSet(null);
        if (action == null) {
            return inner.read(address);
        }
        // On the caller's thread: the read completes, then the action runs, then the caller sees the read.
        Optional<byte[]> value = inner.read(address).toCompletableFuture().join();
        action.run();
        return CompletableFuture.completedFuture(value);
    }

    /** Runs {@code action} between the next read and the moment its caller gets the value (a race, made certain). */
    public void afterNextRead(Runnable action) {
        afterNextRead.set(action);
    }

    /**
     * The next read reaches the store now, but its caller sees the value only once {@code gate} completes: a
     * reply that arrives late (after other commands' replies), made certain.
     */
    public void holdNextRead(CompletionStage<?> gate) {
        holdNextRead.set(gate);
    }

    /** The next replace (or replace under the lock) is applied now, but its caller sees the answer only once {@code gate} completes. */
    public void holdNextReplace(CompletionStage<?> gate) {
        holdNextReplace.set(gate);
    }

    /** Runs {@code action} when the next delete of one session is asked for, before it reaches the store. */
    public void beforeNextDelete(Runnable action) {
        beforeNextDelete.set(action);
    }

    private static <T> CompletionStage<T> held(CompletionStage<T> answer, CompletionStage<?> gate) {
        T value = answer.toCompletableFuture().join();
        return gate.thenApply(released -> value);
    }

    @Override
    public CompletionStage<Boolean> replace(SessionAddress address, byte[] ifCurrent, byte[] value, Duration ttl) {
        written.add(value.clone());
        CompletionStage<?> gate = holdNextReplace.getAndSet(null);
        CompletionStage<Boolean> answer = inner.replace(address, ifCurrent, value, ttl);
        return gate == null ? answer : held(answer, gate);
    }

    @Override
    public CompletionStage<LockedWrite> replaceUnderLock(SessionAddress address, String owner, byte[] value, Duration ttl) {
        written.add(value.clone());
        CompletionStage<?> gate = holdNextReplace.getAndSet(null);
        CompletionStage<LockedWrite> answer = inner.replaceUnderLock(address, owner, value, ttl);
        return gate == null ? answer : held(answer, gate);
    }

    @Override
    public CompletionStage<Boolean> delete(SessionAddress address) {
        Runnable action = beforeNextDelete.getAndSet(null);
        if (action != null) {
            action.run();
        }
        return inner.delete(address);
    }

    @Override
    public CompletionStage<Count> count(int budget) {
        return inner.count(budget);
    }

    @Override
    public CompletionStage<Long> deleteUser(String userTag, UserLogout logout) {
        return inner.deleteUser(userTag, logout);
    }

    @Override
    public CompletionStage<Long> deleteIdpSession(String idpSessionTag, Optional<String> userTag) {
        return inner.deleteIdpSession(idpSessionTag, userTag);
    }

    @Override
    public CompletionStage<Boolean> tryLock(SessionAddress address, String owner, Duration ttl) {
        return inner.tryLock(address, owner, ttl);
    }

    @Override
    public CompletionStage<Boolean> unlock(SessionAddress address, String owner) {
        return inner.unlock(address, owner);
    }

    @Override
    public CompletionStage<Boolean> extendLock(SessionAddress address, String owner, Duration ttl) {
        return inner.extendLock(address, owner, ttl);
    }

    @Override
    public void close() {
        inner.close();
    }
}
