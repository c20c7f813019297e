package io.authtier.runtime.session;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/**
 * The byte store under {@link EncryptedSessionStore}: opaque (already encrypted) values by
 * {@link SessionAddress}, grouped by user. Implementations: {@code memory/} and {@code redis/}. Every
 * value has a TTL; so do the per-user grouping, the index by IdP session, and so does a session's refresh lock (one refresh per
 * session at a time, across replicas). A store that cannot answer (Redis down) fails the stage.
 */
public interface SessionBytes extends AutoCloseable {

    /**
     * Stores a new session's value for {@code ttl} and records it under its user, whose grouping then lives
     * at least {@code userTtl}; with an {@code idpSessionTag} ({@link IdpSession#tag()}), also under that IdP
     * session, whose index then lives at least {@code userTtl} too. If that IdP session was ended by
     * {@link #deleteIdpSession} (for this user, or for all) within {@link IdpSessionEndedException#REMEMBERED},
     * nothing is kept and the stage fails with {@link IdpSessionEndedException}: a back-channel logout that
     * overtook a login under its IdP session ends that login too. Likewise, storing nothing, if {@link #deleteUser}
     * ended the user's sessions, within {@link IdpSessionEndedException#REMEMBERED}, by a back-channel logout issued
     * at or after {@code times.authenticatedAt()}, or by log-out-everywhere at or after
     * {@code times.startedAt()} − {@link UserLogout.Everywhere#MARGIN}: that check is made in the step that stores
     * the session.
     *
     * @param times when the login happened, by the IdP's clock and by this runtime's
     */
    CompletionStage<Void> create(SessionAddress address, byte[] value, Duration ttl, Duration userTtl,
            Optional<String> idpSessionTag, LoginTimes times);

    /** The value, if present and not expired. */
    CompletionStage<Optional<byte[]>> read(SessionAddress address);

    /**
     * Replaces the value of an existing session and sets its TTL, if the stored value is still exactly
     * {@code ifCurrent}; false, and nothing written, if it is gone or changed (a compare-and-set: a touch must not
     * overwrite a refresh that happened since the read).
     */
    CompletionStage<Boolean> replace(SessionAddress address, byte[] ifCurrent, byte[] value, Duration ttl);

    /**
     * Replaces the value of an existing session and sets its TTL, only if {@code owner} holds the session's lock
     * ({@link #tryLock}), in one step (compare the lock, then write): {@link LockedWrite#GONE} if the session is
     * gone, else {@link LockedWrite#LOCK_LOST} if the lock has ended or is another's; nothing written then.
     */
    CompletionStage<LockedWrite> replaceUnderLock(SessionAddress address, String owner, byte[] value, Duration ttl);

    /** Removes one session; true if it was there. */
    CompletionStage<Boolean> delete(SessionAddress address);

    /**
     * Removes every session of the user with {@code userTag}, atomically; how many there were. In the same step,
     * remembers the user as logged out by {@code logout} (the latest such time of its kind) for
     * {@link IdpSessionEndedException#REMEMBERED}, so that a {@link #create} of a login it overtook is refused;
     * best effort (a full store may refuse that write, the deletes go on).
     */
    CompletionStage<Long> deleteUser(String userTag, UserLogout logout);

    /**
     * Removes every session recorded under the IdP session with {@code idpSessionTag} (back-channel logout),
     * only those of the user with {@code userTag} if given; how many were still there. Not atomic across them: each session is removed on its own (in Redis Cluster
     * they live in their users' slots). First remembers the IdP session as ended (for that user, or for all)
     * for {@link IdpSessionEndedException#REMEMBERED}, so that a {@link #create} under it that has not been
     * indexed yet is refused rather than missed; best effort (a full store may refuse that write, the deletes
     * go on).
     */
    CompletionStage<Long> deleteIdpSession(String idpSessionTag, Optional<String> userTag);

    /** Takes the session's refresh lock for {@code ttl} if nobody holds it; true if taken. */
    CompletionStage<Boolean> tryLock(SessionAddress address, String owner, Duration ttl);

    /** Releases the lock if {@code owner} still holds it; true if released. */
    CompletionStage<Boolean> unlock(SessionAddress address, String owner);

    /**
     * Sets the lock to end {@code ttl} from now if {@code owner} still holds it, in one step (compare, then
     * extend); false, and nothing changed, if it ended or another holds it.
     */
    CompletionStage<Boolean> extendLock(SessionAddress address, String owner, Duration ttl);

    /**
     * How many sessions are stored now, for the {@code authtier_sessions_active} gauge: exact in memory; in
     * Redis a count of session keys by {@code SCAN} that stops after {@code budget} calls (a lower bound
     * then, said by {@link Count#complete()}).
     */
    CompletionStage<Count> count(int budget);

    /** A count of sessions; {@code complete} false if the scan stopped at its budget (a lower bound). */
    record Count(long sessions, boolean complete) {
    }

    @Override
    default void close() {
    }
}
