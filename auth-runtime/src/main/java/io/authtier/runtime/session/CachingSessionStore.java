package io.authtier.runtime.session;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * A replica's short memory of the sessions it has just read, in front of a {@link SessionStore}: a browser
 * fetching a page and its assets sends the same cookie many times a second, and each read would otherwise
 * be a Redis round trip, a decryption and a JSON parse. An entry lives at most {@code ttl} (500 ms by
 * default, {@code sessions.localCacheTtl}), never extended by use, so a logout made on another replica is
 * seen here within that time (issue 4: "within 1 second"). A logout made here is seen at once: the entry
 * goes with it, or every entry goes with a bulk logout. A hit is still checked against the idle and
 * absolute timeouts with the injected {@link Clock}, and a session due for its once-a-minute touch is read
 * from the store, so neither rule loosens. The key is the whole {@link SessionTicket} (id and key), so only
 * the cookie that read a session finds it here.
 *
 * <p>A read or update that is under way while a logout runs here must not put the ended session back, even
 * when its answer comes after the logout's (a load whose touch is answered after the delete): every logout
 * moves {@link #logouts} on when it begins and again when it is done, and a read or update remembers its
 * session only if the count did not move since it began, checked again after the put (a logout that moved
 * it in between may have emptied the memory before the put).
 */
public final class CachingSessionStore implements SessionStore {

    /** At most this many sessions are remembered; beyond it the least recently used go. */
    static final int MAX_ENTRIES = 100_000;

    private final SessionStore inner;
    private final SessionLifetime lifetime;
    private final Clock clock;
    private final Cache<SessionTicket, Session> recent;
    /** Moves when a logout on this replica begins and when it ends; a read remembers only if it did not move meanwhile. */
    private final AtomicLong logouts = new AtomicLong();

    /** @param ttl how long a read session is remembered; greater than zero */
    public CachingSessionStore(SessionStore inner, Duration ttl, SessionLifetime lifetime, Clock clock) {
        this.inner = Objects.requireNonNull(inner, "inner");
        this.lifetime = Objects.requireNonNull(lifetime, "lifetime");
        this.clock = Objects.requireNonNull(clock, "clock");
        if (!ttl.isPositive()) {
            throw new IllegalArgumentException("the session cache's ttl must be greater than zero, got " + ttl);
        }
        // Real time for the entry's life (it bounds how late another replica's logout is seen), the
        // injected clock for the session's own timeouts.
        // Upkeep on the caller, amortised: handing it to the common pool woke a thread per write.
        this.recent = Caffeine.newBuilder().executor(Runnable::run).maximumSize(MAX_ENTRIES).expireAfterWrite(ttl).build();
    }

    @Override
    public CompletionStage<SessionTicket> create(Session session, LoginTimes times) {
        return inner.create(session, times);
    }

    @Override
    public CompletionStage<SessionLookup> load(SessionTicket ticket) {
        Session known = recent.getIfPresent(ticket);
        if (known != null) {
            Instant now = clock.instant();
            if (!lifetime.expired(known, now) && !lifetime.touchDue(known, now)) {
                return CompletableFuture.completedFuture(new SessionLookup.Found(known));
            }
            recent.invalidate(ticket);
        }
        return readThrough(ticket);
    }

    /** Reads the store itself, and remembers what it read. */
    @Override
    public CompletionStage<SessionLookup> loadFresh(SessionTicket ticket) {
        recent.invalidate(ticket);
        return readThrough(ticket);
    }

    /** The store itself, not remembered: only a logout peeks, and what it read is about to end. */
    @Override
    public CompletionStage<SessionLookup> peek(SessionTicket ticket) {
        return inner.peek(ticket);
    }

    private CompletionStage<SessionLookup> readThrough(SessionTicket ticket) {
        long logoutsBefore = logouts.get();
        return inner.load(ticket).thenApply(lookup -> {
            if (lookup instanceof SessionLookup.Found(Session session)) {
                remember(ticket, session, logoutsBefore);
            }
            return lookup;
        });
    }

    /** What is remembered goes first; the session written is remembered, unless a logout here came meanwhile. */
    @Override
    public CompletionStage<LockedWrite> updateUnderLock(SessionTicket ticket, Session session, String owner) {
        long logoutsBefore = logouts.get();
        recent.invalidate(ticket);
        return inner.updateUnderLock(ticket, session, owner).thenApply(written -> {
            if (written == LockedWrite.STORED) {
                remember(ticket, session, logoutsBefore);
            }
            return written;
        });
    }

    /**
     * Remembers {@code session} unless a logout began or ended here since {@code logoutsBefore} was read. The
     * second check closes the gap between the first and the put: a logout that moved the count in between
     * may have forgotten before the put; one that moves it after the second check forgets after the put.
     */
    private void remember(SessionTicket ticket, Session session, long logoutsBefore) {
        if (logouts.get() != logoutsBefore) {
            return;
        }
        recent.put(ticket, session);
        if (logouts.get() != logoutsBefore) {
            recent.asMap().remove(ticket, session);
        }
    }

    @Override
    public CompletionStage<Boolean> delete(SessionTicket ticket) {
        return forgetting(() -> recent.invalidate(ticket), () -> inner.delete(ticket));
    }

    /** Forgets every remembered session: the ones that end are not known by ticket, and logouts are rare. */
    @Override
    public CompletionStage<Long> deleteAllForUser(SessionUser user) {
        return forgetting(recent::invalidateAll, () -> inner.deleteAllForUser(user));
    }

    @Override
    public CompletionStage<Long> deleteAllForUser(SessionUser user, Instant loggedOutAt) {
        return forgetting(recent::invalidateAll, () -> inner.deleteAllForUser(user, loggedOutAt));
    }

    @Override
    public CompletionStage<Long> deleteAllForIdpSession(String issuer, String sid, Optional<String> subject) {
        return forgetting(recent::invalidateAll, () -> inner.deleteAllForIdpSession(issuer, sid, subject));
    }

    /**
     * A logout: forget before it (reads now go to the store) and again once it is done, whatever its outcome.
     * The count moves at both ends: a read that began after the first move may still have found the session
     * before the delete reached the store, and its answer may come after the logout's.
     */
    private <T> CompletionStage<T> forgetting(Runnable forget, Supplier<CompletionStage<T>> logout) {
        logouts.incrementAndGet();
        forget.run();
        return logout.get().whenComplete((result, error) -> {
            logouts.incrementAndGet();
            forget.run();
        });
    }

    @Override
    public CompletionStage<Boolean> tryLockRefresh(SessionTicket ticket, String owner, Duration ttl) {
        return inner.tryLockRefresh(ticket, owner, ttl);
    }

    @Override
    public CompletionStage<Boolean> unlockRefresh(SessionTicket ticket, String owner) {
        return inner.unlockRefresh(ticket, owner);
    }

    @Override
    public CompletionStage<Boolean> extendRefreshLock(SessionTicket ticket, String owner, Duration ttl) {
        return inner.extendRefreshLock(ticket, owner, ttl);
    }

    @Override
    public CompletionStage<SessionBytes.Count> count(int budget) {
        return inner.count(budget);
    }

    @Override
    public void close() {
        recent.invalidateAll();
        inner.close();
    }
}
