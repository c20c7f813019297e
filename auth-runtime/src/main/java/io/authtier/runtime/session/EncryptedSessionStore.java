package io.authtier.runtime.session;

import io.authtier.runtime.resilience.Failures;
import io.authtier.runtime.resilience.RateLimitedLog;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;
import org.slf4j.LoggerFactory;

/**
 * The {@link SessionStore}: tickets, encryption and lifetime over a {@link SessionBytes} byte store (the
 * "ticket manager" of oauth2-proxy's design). It serialises a session ({@link SessionCodec}), seals it under
 * the ticket's key bound to the session id ({@link SessionCipher}), and hands only ciphertext to the store.
 *
 * <p>Lifetime: a session ends {@code idleTimeout} after {@code lastSeenAt} or {@code absoluteTimeout} after
 * {@code createdAt}, whichever comes first. Both are checked on every load with the injected {@link Clock}
 * (so they hold exactly, whatever the store's clock); the store's TTL, min(idle, absolute remaining), is
 * the garbage collector. {@code lastSeenAt} and the TTL move at most once per {@link #TOUCH_INTERVAL} (or
 * half the idle timeout, if shorter: {@link SessionLifetime#touchInterval()}), so a read is one store round
 * trip except once a minute; the idle timeout thus counts from a use that may be up to that much older
 * than the last one. That touch is a compare-and-set on the value read, so it never
 * overwrites an {@link #updateUnderLock} (new tokens) made in between; if it loses, the session is returned as read.
 * The touch is best effort: if the store refuses the write (Redis full under {@code noeviction}, a write
 * timing out) the session is returned as read, the failure counted ({@code touchFailed}) and logged at most
 * every 30 s; a live session must not be refused because its use could not be recorded. The delete of a
 * session found expired is best effort too: the clock decided, the store's TTL removes it anyway.
 */
public final class EncryptedSessionStore implements SessionStore {

    /** Least time between two recorded uses of a session (sliding idle timeout). */
    public static final Duration TOUCH_INTERVAL = SessionLifetime.TOUCH_INTERVAL;

    private final SessionBytes bytes;
    private final SessionLifetime lifetime;
    private final Clock clock;
    private final SecureRandom random;
    private final SessionCipher cipher;
    private final SessionCodec codec = new SessionCodec();
    /** One per thread: {@link #seal} is called on the HTTP server's event loops, lettuce's and the verification threads. */
    private final ThreadLocal<PlaintextBuffer> plaintexts = ThreadLocal.withInitial(PlaintextBuffer::new);
    private final Runnable touchFailed;
    private final RateLimitedLog touchFailures;

    public EncryptedSessionStore(SessionBytes bytes, Duration idleTimeout, Duration absoluteTimeout, Clock clock, SecureRandom random) {
        this(bytes, idleTimeout, absoluteTimeout, clock, random, () -> { });
    }

    /** @param touchFailed called for each touch that the store refused (a metric) */
    public EncryptedSessionStore(SessionBytes bytes, Duration idleTimeout, Duration absoluteTimeout, Clock clock, SecureRandom random,
            Runnable touchFailed) {
        this.touchFailed = Objects.requireNonNull(touchFailed, "touchFailed");
        this.touchFailures = new RateLimitedLog(LoggerFactory.getLogger(EncryptedSessionStore.class), clock, Duration.ofSeconds(30));
        this.bytes = Objects.requireNonNull(bytes, "bytes");
        this.lifetime = new SessionLifetime(idleTimeout, absoluteTimeout);
        this.clock = Objects.requireNonNull(clock, "clock");
        this.random = Objects.requireNonNull(random, "random");
        this.cipher = new SessionCipher(random);
    }

    @Override
    public CompletionStage<SessionTicket> create(Session session, LoginTimes times) {
        Objects.requireNonNull(times, "times");
        return guard(() -> {
            Instant now = clock.instant();
            Duration ttl = ttl(session, now);
            if (!ttl.isPositive()) {
                throw new IllegalArgumentException("the session is already past its absolute timeout (createdAt too old)");
            }
            SessionTicket ticket = SessionTicket.issue(session.user(), random);
            Optional<String> idpSessionTag = session.idpSessionId().map(sid -> IdpSession.idpSessionTag(session.issuer(), sid));
            return bytes.create(ticket.address(), seal(ticket, session), ttl, lifetime.absoluteTimeout(), idpSessionTag, times)
                    .thenApply(done -> ticket);
        });
    }

    @Override
    public CompletionStage<SessionLookup> load(SessionTicket ticket) {
        return guard(() -> {
            SessionAddress address = ticket.address();
            return bytes.read(address).thenCompose(value -> {
                if (value.isEmpty()) {
                    return done(new SessionLookup.Absent());
                }
                Optional<Session> opened = open(ticket, value.get());
                if (opened.isEmpty()) {
                    return done(new SessionLookup.Unreadable());
                }
                Session session = opened.get();
                Instant now = clock.instant();
                if (expired(session, now)) {
                    return bytes.delete(address).handle((deleted, error) -> new SessionLookup.Expired());
                }
                if (!lifetime.touchDue(session, now)) {
                    return done(new SessionLookup.Found(session));
                }
                // Only if nobody wrote since the read: a touch must never undo a refresh's new tokens.
                Session seen = session.seenAt(now);
                return bytes.replace(address, value.get(), seal(ticket, seen), ttl(seen, now)).handle((replaced, error) -> {
                    if (error != null) {
                        touchFailed.run();
                        touchFailures.warn("a session's use could not be recorded (its idle timeout counts from the last recorded one): {}",
                                Failures.unwrap(error).getClass().getSimpleName());
                        return new SessionLookup.Found(session);
                    }
                    return new SessionLookup.Found(replaced ? seen : session);
                });
            });
        });
    }

    @Override
    public CompletionStage<SessionLookup> peek(SessionTicket ticket) {
        return guard(() -> bytes.read(ticket.address()).thenApply(value -> {
            if (value.isEmpty()) {
                return new SessionLookup.Absent();
            }
            Optional<Session> opened = open(ticket, value.get());
            if (opened.isEmpty()) {
                return new SessionLookup.Unreadable();
            }
            return expired(opened.get(), clock.instant()) ? new SessionLookup.Expired() : new SessionLookup.Found(opened.get());
        }));
    }

    @Override
    public CompletionStage<LockedWrite> updateUnderLock(SessionTicket ticket, Session session, String owner) {
        Objects.requireNonNull(owner, "owner");
        return guard(() -> {
            if (!ticket.isFor(session.user())) {
                throw new IllegalArgumentException("the session belongs to another user than the ticket");
            }
            Instant now = clock.instant();
            if (expired(session, now)) {
                // Our clock decided, whoever holds the lock.
                return bytes.delete(ticket.address()).thenApply(deleted -> LockedWrite.GONE);
            }
            return bytes.replaceUnderLock(ticket.address(), owner, seal(ticket, session), ttl(session, now));
        });
    }

    @Override
    public CompletionStage<Boolean> delete(SessionTicket ticket) {
        return guard(() -> bytes.delete(ticket.address()));
    }

    @Override
    public CompletionStage<Long> deleteAllForUser(SessionUser user) {
        // Our clock, not the IdP's: compared only with when a login began, also by a runtime's clock.
        return guard(() -> bytes.deleteUser(user.tag(), new UserLogout.Everywhere(clock.instant())));
    }

    @Override
    public CompletionStage<Long> deleteAllForUser(SessionUser user, Instant loggedOutAt) {
        return guard(() -> bytes.deleteUser(user.tag(), new UserLogout.ByIdp(loggedOutAt)));
    }

    @Override
    public CompletionStage<Long> deleteAllForIdpSession(String issuer, String sid, Optional<String> subject) {
        String tag = IdpSession.idpSessionTag(issuer, sid);
        Optional<String> userTag = subject.map(sub -> new SessionUser(issuer, sub).tag());
        return guard(() -> bytes.deleteIdpSession(tag, userTag));
    }

    @Override
    public CompletionStage<Boolean> tryLockRefresh(SessionTicket ticket, String owner, Duration ttl) {
        Objects.requireNonNull(owner, "owner");
        return guard(() -> bytes.tryLock(ticket.address(), owner, positive(ttl, "ttl")));
    }

    @Override
    public CompletionStage<Boolean> unlockRefresh(SessionTicket ticket, String owner) {
        Objects.requireNonNull(owner, "owner");
        return guard(() -> bytes.unlock(ticket.address(), owner));
    }

    @Override
    public CompletionStage<Boolean> extendRefreshLock(SessionTicket ticket, String owner, Duration ttl) {
        Objects.requireNonNull(owner, "owner");
        return guard(() -> bytes.extendLock(ticket.address(), owner, positive(ttl, "ttl")));
    }

    @Override
    public CompletionStage<SessionBytes.Count> count(int budget) {
        return guard(() -> bytes.count(budget));
    }

    @Override
    public void close() {
        try {
            bytes.close();
        } catch (Exception e) {
            throw new IllegalStateException("closing the session store failed: " + e.getClass().getSimpleName(), e);
        }
    }

    private Duration ttl(Session session, Instant now) {
        return lifetime.ttl(session, now);
    }

    private boolean expired(Session session, Instant now) {
        return lifetime.expired(session, now);
    }

    private byte[] seal(SessionTicket ticket, Session session) {
        PlaintextBuffer plaintext = plaintexts.get();
        try {
            codec.encode(session, plaintext);
            return cipher.seal(ticket.key(), ticket.id(), plaintext.bytes(), plaintext.size());
        } finally {
            plaintext.wipe();
        }
    }

    private Optional<Session> open(SessionTicket ticket, byte[] value) {
        return switch (cipher.open(ticket.key(), ticket.id(), value)) {
            case SessionCipher.Opened.Plain plain -> codec.decode(plain.bytes()).filter(s -> ticket.isFor(s.user()));
            case SessionCipher.Opened.Failed failed -> Optional.empty();
        };
    }

    private static <T> CompletionStage<T> done(T value) {
        return CompletableFuture.completedFuture(value);
    }

    /** Runs {@code action}; a store failure, thrown or in the stage, becomes a {@link SessionStoreException}. */
    private static <T> CompletionStage<T> guard(Supplier<CompletionStage<T>> action) {
        return SessionStoreException.guard("session store", action);
    }

    private static Duration positive(Duration duration, String name) {
        Objects.requireNonNull(duration, name);
        if (!duration.isPositive()) {
            throw new IllegalArgumentException(name + " must be greater than zero, got " + duration);
        }
        return duration;
    }
}
