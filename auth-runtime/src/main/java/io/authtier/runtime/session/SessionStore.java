package io.authtier.runtime.session;

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

    /** Stores {@code session} under a new ticket: a fresh random id and key every time (no fixation). */
    CompletionStage<SessionTicket> create(Session session);

    /**
     * The session of {@code ticket}: one store read. If it is live and was last recorded as seen a minute
     * ago or more, {@code lastSeenAt} is set to now and the store's TTL is extended (one more write, at most
     * once a minute per session), and the returned session shows that.
     */
    CompletionStage<SessionLookup> load(SessionTicket ticket);

    /** Replaces the session's content (e.g. new tokens after a refresh); false, and nothing stored, if it is gone. */
    CompletionStage<Boolean> update(SessionTicket ticket, Session session);

    /** Ends one session (sign-out); true if it existed. */
    CompletionStage<Boolean> delete(SessionTicket ticket);

    /** Ends every session of {@code user} in one call ("log out everywhere"); how many there were. */
    CompletionStage<Long> deleteAllForUser(SessionUser user);

    @Override
    default void close() {
    }
}
