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
 * <p>A read that is under way while a logout runs here must not put the ended session back: every logout
 * moves {@link #logouts} on, a read remembers its session only if none started since the read did, and the
 * memory is emptied again once the logout is done.
 */
public final class CachingSessionStore implements SessionStore {

    /** At most this many sessions are remembered; beyond it the least recently used go. */
    static final int MAX_ENTRIES = 100_000;

    private final SessionStore inner;
    private final SessionLifetime lifetime;
    private final Clock clock;
    private final Cache<SessionTicket, Session> recent;
    /** Logouts begun on this replica; a read remembers what it read only if this did not move meanwhile. */
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
    public CompletionStage<SessionTicket> create(Session session) {
        return inner.create(session);
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
            if (lookup instanceof SessionLookup.Found(Session session) && logouts.get() == logoutsBefore) {
                recent.put(ticket, session);
            }
            return lookup;
        });
    }

    @Override
    public CompletionStage<Boolean> update(SessionTicket ticket, Session session) {
        recent.invalidate(ticket);
        return inner.update(ticket, session).thenApply(stored -> {
            if (stored) {
                recent.put(ticket, session);
            }
            return stored;
        });
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
    public CompletionStage<Long> deleteAllForIdpSession(String issuer, String sid, Optional<String> subject) {
        return forgetting(recent::invalidateAll, () -> inner.deleteAllForIdpSession(issuer, sid, subject));
    }

    /** A logout: forget before it (reads now go to the store) and again once it is done, whatever its outcome. */
    private <T> CompletionStage<T> forgetting(Runnable forget, Supplier<CompletionStage<T>> logout) {
        logouts.incrementAndGet();
        forget.run();
        return logout.get().whenComplete((result, error) -> forget.run());
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
    public CompletionStage<SessionBytes.Count> count(int budget) {
        return inner.count(budget);
    }

    @Override
    public void close() {
        recent.invalidateAll();
        inner.close();
    }
}
