package io.authtier.runtime.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.authtier.runtime.session.memory.MemorySessionBytes;
import io.authtier.runtime.testsupport.MutableClock;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The replica's short memory of sessions: reads within its life cost no store read, a logout made here is
 * seen at once, one made by another replica within the memory's life, and the timeouts and the touch hold.
 */
@DisplayName("CachingSessionStore: a replica's short memory of sessions")
class CachingSessionStoreTest {

    static final Duration IDLE = Duration.ofHours(24);
    static final Duration ABSOLUTE = Duration.ofDays(7);

    final MutableClock clock = new MutableClock(Instant.parse("2026-11-28T12:00:00Z"));
    final RecordingBytes bytes = new RecordingBytes(new MemorySessionBytes(clock));
    final SessionStore direct = new EncryptedSessionStore(bytes, IDLE, ABSOLUTE, clock, new SecureRandom());

    CachingSessionStore caching(Duration ttl) {
        return new CachingSessionStore(direct, ttl, new SessionLifetime(IDLE, ABSOLUTE), clock);
    }

    SessionTicket newSession() {
        Session session = Session.start(new SessionUser("https://idp.example", "u-" + System.nanoTime()), Optional.empty(),
                Optional.empty(), Optional.empty(), List.of(), new SessionTokens("at", Optional.empty(), Optional.empty(),
                        clock.instant().plusSeconds(300)), clock.instant());
        return direct.create(session).toCompletableFuture().join();
    }

    static SessionLookup load(SessionStore store, SessionTicket ticket) {
        return store.load(ticket).toCompletableFuture().join();
    }

    @Test
    @DisplayName("Reads of one session within its life reach the store once")
    void repeatedReadsHitMemory() {
        CachingSessionStore store = caching(Duration.ofMinutes(1));
        SessionTicket ticket = newSession();

        for (int i = 0; i < 5; i++) {
            assertThat(load(store, ticket)).isInstanceOf(SessionLookup.Found.class);
        }

        assertThat(bytes.reads()).isEqualTo(1);
    }

    @Test
    @DisplayName("A logout made here is seen at once: by ticket, by user, by IdP session")
    void localLogoutsAreImmediate() {
        CachingSessionStore store = caching(Duration.ofMinutes(1));
        SessionTicket one = newSession();
        SessionTicket two = newSession();
        load(store, one);
        load(store, two);

        store.delete(one).toCompletableFuture().join();
        assertThat(load(store, one)).isInstanceOf(SessionLookup.Absent.class);

        Session session = ((SessionLookup.Found) load(store, two)).session();
        store.deleteAllForUser(session.user()).toCompletableFuture().join();
        assertThat(load(store, two)).isInstanceOf(SessionLookup.Absent.class);
    }

    @Test
    @DisplayName("A read under way while a logout runs here does not put the ended session back: by ticket, by user, by IdP session")
    void readDuringLogoutIsNotRemembered() {
        CachingSessionStore store = caching(Duration.ofMinutes(1));
        for (int kind = 0; kind < 3; kind++) {
            SessionTicket ticket = newSession();
            Session session = ((SessionLookup.Found) load(direct, ticket)).session();
            int logout = kind;
            // Given a read that has got the session from the store when the logout runs, before it returns
            bytes.afterNextRead(() -> (switch (logout) {
                case 0 -> store.delete(ticket);
                case 1 -> store.deleteAllForUser(session.user());
                default -> store.deleteAllForIdpSession("https://idp.example", "sid-1", Optional.empty());
            }).toCompletableFuture().join());
            // When that read returns (found, as it was read before the logout) and the cookie comes again
            load(store, ticket);

            // Then the second read goes to the store and finds nothing (for the IdP-session kind: nothing remembered)
            int readsBefore = bytes.reads();
            SessionLookup again = load(store, ticket);
            assertThat(bytes.reads()).as("logout kind %d", logout).isEqualTo(readsBefore + 1);
            if (logout < 2) {
                assertThat(again).as("logout kind %d", logout).isInstanceOf(SessionLookup.Absent.class);
            }
        }
    }

    @Test
    @DisplayName("A read that began after a logout here, and whose answer comes after the logout's, does not put the ended session back")
    void readAnsweredAfterLogoutIsNotRemembered() {
        CachingSessionStore store = caching(Duration.ofMinutes(1));
        SessionTicket ticket = newSession();
        // Given a read that starts once the logout has begun, finds the session before the delete reaches the
        // store, and gets its answer only after the logout is done (in Redis: a load whose touch is answered
        // after the sign-out's DEL, or a reply handled late on another thread)
        CompletableFuture<Void> readAnswered = new CompletableFuture<>();
        AtomicReference<CompletionStage<SessionLookup>> read = new AtomicReference<>();
        bytes.beforeNextDelete(() -> {
            bytes.holdNextRead(readAnswered);
            read.set(store.load(ticket));
        });
        store.delete(ticket).toCompletableFuture().join();

        // When that read's answer arrives (found, as it was read before the delete)
        readAnswered.complete(null);
        assertThat(read.get().toCompletableFuture().join()).isInstanceOf(SessionLookup.Found.class);

        // Then the next read goes to the store and finds nothing
        int readsBefore = bytes.reads();
        assertThat(load(store, ticket)).isInstanceOf(SessionLookup.Absent.class);
        assertThat(bytes.reads()).isEqualTo(readsBefore + 1);
    }

    @Test
    @DisplayName("A refresh's write whose answer comes after a logout here does not put the ended session back")
    void updateAnsweredAfterLogoutIsNotRemembered() {
        CachingSessionStore store = caching(Duration.ofMinutes(1));
        SessionTicket ticket = newSession();
        Session before = ((SessionLookup.Found) load(store, ticket)).session();
        Session refreshed = before.withTokens(new SessionTokens("at-2", Optional.empty(), Optional.empty(), clock.instant().plusSeconds(600)));
        // Given a refresh's write that the store applied, whose answer arrives only after a sign-out here
        assertThat(store.tryLockRefresh(ticket, "me", Duration.ofSeconds(10)).toCompletableFuture().join()).isTrue();
        CompletableFuture<Void> updateAnswered = new CompletableFuture<>();
        bytes.holdNextReplace(updateAnswered);
        CompletionStage<LockedWrite> update = store.updateUnderLock(ticket, refreshed, "me");
        store.delete(ticket).toCompletableFuture().join();

        // When the write's answer arrives
        updateAnswered.complete(null);
        assertThat(update.toCompletableFuture().join()).isEqualTo(LockedWrite.STORED);

        // Then the signed-out session is not served from memory: the next read goes to the store and finds nothing
        int readsBefore = bytes.reads();
        assertThat(load(store, ticket)).isInstanceOf(SessionLookup.Absent.class);
        assertThat(bytes.reads()).isEqualTo(readsBefore + 1);
    }

    @Test
    @DisplayName("A logout made by another replica is seen within the memory's life")
    void remoteLogoutWithinTtl() {
        CachingSessionStore store = caching(Duration.ofMillis(300));
        SessionTicket ticket = newSession();
        load(store, ticket);

        direct.delete(ticket).toCompletableFuture().join(); // another replica, straight to the store

        await().atMost(Duration.ofSeconds(2)).pollInterval(Duration.ofMillis(20))
                .until(() -> load(store, ticket) instanceof SessionLookup.Absent);
    }

    @Test
    @DisplayName("A remembered session still ends at its idle timeout, and its once-a-minute touch still reaches the store")
    void timeoutsAndTouchHold() {
        CachingSessionStore store = caching(Duration.ofMinutes(10));
        SessionTicket ticket = newSession();
        load(store, ticket);

        clock.advance(Duration.ofSeconds(61));
        Session touched = ((SessionLookup.Found) load(store, ticket)).session();
        assertThat(bytes.reads()).isEqualTo(2);
        assertThat(touched.lastSeenAt()).isEqualTo(clock.instant());

        clock.advance(IDLE.plusSeconds(1));
        assertThat(load(store, ticket)).isNotInstanceOf(SessionLookup.Found.class); // Expired, or Absent once the TTL removed it
    }

    @Test
    @DisplayName("A write under the refresh lock is what the next read sees; one refused (lock lost, session gone) leaves nothing remembered")
    void updateUnderLockRemembersOnlyWhatWasStored() {
        CachingSessionStore store = caching(Duration.ofMinutes(1));
        SessionTicket ticket = newSession();
        Session before = ((SessionLookup.Found) load(store, ticket)).session();
        Session mine = before.withTokens(new SessionTokens("at-mine", Optional.empty(), Optional.empty(), clock.instant().plusSeconds(600)));
        Session late = before.withTokens(new SessionTokens("at-late", Optional.empty(), Optional.empty(), clock.instant().plusSeconds(600)));
        assertThat(store.tryLockRefresh(ticket, "me", Duration.ofSeconds(10)).toCompletableFuture().join()).isTrue();

        // Stored under this replica's lock: remembered, so the next read costs no store read
        assertThat(store.updateUnderLock(ticket, mine, "me").toCompletableFuture().join()).isEqualTo(LockedWrite.STORED);
        int reads = bytes.reads();
        assertThat(((SessionLookup.Found) load(store, ticket)).session().tokens().accessToken()).isEqualTo("at-mine");
        assertThat(bytes.reads()).isEqualTo(reads);

        // Refused, the lock being another's: not remembered, the next read asks the store and finds what it holds
        assertThat(store.updateUnderLock(ticket, late, "someone-else").toCompletableFuture().join()).isEqualTo(LockedWrite.LOCK_LOST);
        assertThat(((SessionLookup.Found) load(store, ticket)).session().tokens().accessToken()).isEqualTo("at-mine");
        assertThat(bytes.reads()).isEqualTo(reads + 1);

        // The session ended by another replica (straight in the store, beside this memory): gone, and nothing remembered
        direct.delete(ticket).toCompletableFuture().join();
        assertThat(store.updateUnderLock(ticket, late, "me").toCompletableFuture().join()).isEqualTo(LockedWrite.GONE);
        assertThat(load(store, ticket)).isInstanceOf(SessionLookup.Absent.class);
    }
}
