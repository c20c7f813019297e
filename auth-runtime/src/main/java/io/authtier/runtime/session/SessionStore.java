package io.authtier.runtime.session;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/**
 * Browser sessions, by {@link SessionTicket}. One implementation, {@link EncryptedSessionStore}, over a
 * {@link SessionBytes} byte store (memory or Redis) chosen by {@link SessionStores#create}; one contract
 * test suite runs against every byte store.
 *
 * <p>Every stage may fail with {@link SessionStoreException} when the store cannot answer (Redis down);
 * expected outcomes (absent, expired, unreadable) are values, not failures.
 */
public interface SessionStore extends AutoCloseable {

    /** {@link #create(Session, LoginTimes)} of a session that no login preceded: both its times are its {@code createdAt}. */
    default CompletionStage<SessionTicket> create(Session session) {
        return create(session, LoginTimes.of(session));
    }

    /**
     * Stores {@code session} under a new ticket: a fresh random id and key every time (no fixation). Fails with
     * {@link IdpSessionEndedException}, storing nothing, if a logout overtook its login: a back-channel logout of
     * its IdP session ({@link #deleteAllForIdpSession}), or of its user issued at or after the ID token
     * ({@link #deleteAllForUser(SessionUser, Instant)}), or log-out-everywhere of its user at or after the login
     * began, less {@link UserLogout.Everywhere#MARGIN} ({@link #deleteAllForUser(SessionUser)}).
     *
     * @param times when the login happened: the ID token's {@code iat} (the IdP's clock) and when it began (ours)
     */
    CompletionStage<SessionTicket> create(Session session, LoginTimes times);

    /**
     * The session of {@code ticket}: one store read. If it is live and was last recorded as seen a minute
     * ago or more, {@code lastSeenAt} is set to now and the store's TTL is extended (one more write, at most
     * once a minute per session), and the returned session shows that.
     */
    CompletionStage<SessionLookup> load(SessionTicket ticket);

    /**
     * Like {@link #load}, but past any memory of this replica's own: what another replica wrote a moment
     * ago is seen. For the checks a refresh makes under its lock (has another replica refreshed already?),
     * which a remembered copy would answer wrongly.
     */
    default CompletionStage<SessionLookup> loadFresh(SessionTicket ticket) {
        return load(ticket);
    }

    /**
     * The session of {@code ticket} as stored, with nothing written: no touch, no delete of an expired one.
     * For a logout, which reads only to find the ID token for the IdP and must not need a write that a full
     * store would refuse before its delete.
     */
    CompletionStage<SessionLookup> peek(SessionTicket ticket);

    /**
     * Replaces the session's content (new tokens after a refresh), only if {@code owner} still holds the session's
     * refresh lock ({@link #tryLockRefresh}): the lock is compared and the session written in one step, so a write that reaches the store late (after the lock
     * ended, when another replica may hold it and have stored newer tokens) changes nothing. A session that is gone
     * is {@link LockedWrite#GONE} whoever holds the lock.
     */
    CompletionStage<LockedWrite> updateUnderLock(SessionTicket ticket, Session session, String owner);

    /** Ends one session (sign-out); true if it existed. */
    CompletionStage<Boolean> delete(SessionTicket ticket);

    /**
     * Ends every session of {@code user} in one call ("log out everywhere"); how many there were. The user is
     * remembered as logged out now, by this store's clock, for {@link IdpSessionEndedException#REMEMBERED}, in the
     * same step: a {@link #create(Session, LoginTimes)} of a login that began before (it was under way, such as
     * its code exchange) is refused, one begun after it (beyond {@link UserLogout.Everywhere#MARGIN}) is not.
     */
    CompletionStage<Long> deleteAllForUser(SessionUser user);

    /**
     * Ends every session of {@code user} in one call (a back-channel logout by {@code sub} alone, issued at
     * {@code loggedOutAt}, the IdP's clock); how many there were. The user is remembered as logged out then for
     * {@link IdpSessionEndedException#REMEMBERED}, in the same step: a {@link #create(Session, LoginTimes)} whose user
     * authenticated at or before then ({@link LoginTimes#authenticatedAt()}: a login that the logout overtook) is
     * refused, one authenticated later is not.
     */
    CompletionStage<Long> deleteAllForUser(SessionUser user, Instant loggedOutAt);

    /**
     * Ends every session created with {@code Session.idpSessionId()} = {@code sid} from {@code issuer} (OIDC
     * back-channel logout by {@code sid}), only those of {@code subject} if given (a logout token with both);
     * how many were still there.
     */
    CompletionStage<Long> deleteAllForIdpSession(String issuer, String sid, Optional<String> subject);

    /**
     * Takes the session's refresh lock for {@code ttl} if nobody holds it (one refresh per session at a time,
     * across replicas); true if taken. {@code owner} is the taker's unique name (e.g. a random UUID per
     * attempt); the lock ends by itself after {@code ttl} if its owner never releases it.
     */
    CompletionStage<Boolean> tryLockRefresh(SessionTicket ticket, String owner, Duration ttl);

    /** Releases the refresh lock if {@code owner} still holds it; true if released (false once it expired). */
    CompletionStage<Boolean> unlockRefresh(SessionTicket ticket, String owner);

    /**
     * Makes the refresh lock end {@code ttl} from now if {@code owner} still holds it (compare and extend in one
     * step); false, and nothing changed, once it has ended or another holds it. A refresh calls it before storing
     * its new tokens ({@link #updateUnderLock}), so that the write, its retry, and tokens kept after a failed write
     * have a whole lock's life.
     */
    CompletionStage<Boolean> extendRefreshLock(SessionTicket ticket, String owner, Duration ttl);

    /** How many sessions are stored now (an estimate in Redis; see {@link SessionBytes#count}). */
    CompletionStage<SessionBytes.Count> count(int budget);

    @Override
    default void close() {
    }
}
