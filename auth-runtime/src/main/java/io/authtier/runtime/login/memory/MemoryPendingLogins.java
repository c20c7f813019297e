package io.authtier.runtime.login.memory;

import io.authtier.runtime.login.PendingLogins;
import io.authtier.runtime.session.SessionStoreException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Pending logins in this process's memory: development and a single replica only. Expiry follows the
 * injected {@link Clock}: an expired login is never returned. Bounded: at most {@value #MAX_ENTRIES}
 * entries; a {@link #put} of a new key beyond that first drops the expired ones and, if the store is still
 * full, is <em>refused</em> (the stage fails with {@link SessionStoreException}, so the login answers 503)
 * rather than evicting: evicting would let a flood of started logins silently break the ones in progress.
 */
public final class MemoryPendingLogins implements PendingLogins {

    /** The most pending logins held at once. */
    public static final int MAX_ENTRIES = 100_000;

    private record Entry(byte[] value, Instant expiresAt) {
    }

    private final ConcurrentHashMap<String, Entry> entries = new ConcurrentHashMap<>();
    private final Clock clock;
    private final int capacity;

    public MemoryPendingLogins(Clock clock) {
        this(clock, MAX_ENTRIES);
    }

    MemoryPendingLogins(Clock clock, int capacity) {
        this.clock = Objects.requireNonNull(clock, "clock");
        this.capacity = capacity;
    }

    @Override
    public CompletionStage<Void> put(String key, byte[] value, Duration ttl) {
        return store(key, value, ttl, false).thenApply(held -> null);
    }

    @Override
    public CompletionStage<Optional<byte[]>> claim(String key, byte[] value, Duration ttl) {
        return store(key, value, ttl, true);
    }

    @Override
    public CompletionStage<Boolean> release(String key, byte[] value) {
        Objects.requireNonNull(key, "key");
        synchronized (entries) { // as store(): the compare and the remove together
            Entry present = entries.get(key);
            if (present == null || !Arrays.equals(present.value(), value)) {
                return CompletableFuture.completedFuture(false);
            }
            entries.remove(key);
            return CompletableFuture.completedFuture(present.expiresAt().isAfter(clock.instant()));
        }
    }

    /** Stores the entry; with {@code onlyIfAbsent}, not over a live one, whose value it returns instead. */
    private CompletionStage<Optional<byte[]>> store(String key, byte[] value, Duration ttl, boolean onlyIfAbsent) {
        Objects.requireNonNull(key, "key");
        if (!ttl.isPositive()) {
            return CompletableFuture.failedFuture(new IllegalArgumentException("ttl must be greater than zero, got " + ttl));
        }
        Instant now = clock.instant();
        Entry entry = new Entry(value.clone(), now.plus(ttl));
        // The check and the insert together, so the bound is exact; take() only ever shrinks the map.
        synchronized (entries) {
            Entry present = entries.get(key);
            if (onlyIfAbsent && present != null && present.expiresAt().isAfter(now)) {
                return CompletableFuture.completedFuture(Optional.of(present.value().clone()));
            }
            if (entries.size() >= capacity && present == null) {
                entries.values().removeIf(e -> !e.expiresAt().isAfter(now));
                if (entries.size() >= capacity) {
                    return CompletableFuture.failedFuture(
                            new SessionStoreException("pending-login store full (" + capacity + " logins in progress)", null));
                }
            }
            entries.put(key, entry);
        }
        return CompletableFuture.completedFuture(Optional.empty());
    }

    @Override
    public CompletionStage<Optional<byte[]>> take(String key) {
        Entry entry = entries.remove(Objects.requireNonNull(key, "key"));
        return CompletableFuture.completedFuture(
                Optional.ofNullable(entry).filter(e -> e.expiresAt().isAfter(clock.instant())).map(Entry::value));
    }

    /** How many entries are held, expired ones included (for tests). */
    int size() {
        return entries.size();
    }
}
