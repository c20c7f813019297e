package io.authtier.runtime.session;

import static io.authtier.runtime.testsupport.Concurrently.concurrently;
import static org.assertj.core.api.Assertions.assertThat;

import io.authtier.runtime.testsupport.MutableClock;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletionStage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The contract of {@link SessionStore} ({@link EncryptedSessionStore}), run against every byte store
 * (STYLE.md, habit 12): memory, Redis standalone, Redis Cluster. Time is a {@link MutableClock}; every
 * user is new per test, so stores shared between tests do not interfere.
 */
public abstract class SessionStoreContract {

    protected static final Duration IDLE = Duration.ofHours(24);
    protected static final Duration ABSOLUTE = Duration.ofDays(7);
    protected static final String ISSUER = "https://idp.example/realms/shop";

    protected MutableClock clock;
    protected RecordingBytes bytes;
    protected SessionStore store;

    /** A byte store of the kind under test, using {@code clock} where it keeps time itself. */
    protected abstract SessionBytes newBytes(MutableClock clock);

    /**
     * Shows that the refresh lock of {@code ticket}, just taken for {@code ttl}, ends {@code ttl} after it
     * was taken: memory by moving {@link #clock}, Redis by the key's PTTL (Redis keeps its own time).
     */
    protected abstract void assertLockEndsAfter(SessionTicket ticket, Duration ttl);

    /** Makes the refresh lock of {@code ticket}, just taken for 1 ms, expire: memory by moving {@link #clock}, Redis by waiting for its TTL. */
    protected abstract void expireLock(SessionTicket ticket);

    @BeforeEach
    void createStore() {
        clock = new MutableClock(Instant.now().truncatedTo(ChronoUnit.MILLIS));
        bytes = new RecordingBytes(newBytes(clock));
        store = new EncryptedSessionStore(bytes, IDLE, ABSOLUTE, clock, new SecureRandom());
    }

    @AfterEach
    void closeStore() {
        store.close();
    }

    protected static <T> T join(CompletionStage<T> stage) {
        return stage.toCompletableFuture().join();
    }

    protected static SessionUser newUser() {
        return new SessionUser(ISSUER, "user-" + UUID.randomUUID());
    }

    /** A session of {@code user} under an IdP session of its own. */
    protected Session session(SessionUser user) {
        return session(user, Optional.of("idp-sid-" + UUID.randomUUID()));
    }

    protected Session session(SessionUser user, Optional<String> sid) {
        String unique = UUID.randomUUID().toString();
        return Session.start(user, sid, Optional.of("alice@example.com"), Optional.of("alice"),
                List.of("admins", "staff"),
                new SessionTokens("access-" + unique, Optional.of("refresh-" + unique), Optional.of("id-" + unique),
                        clock.instant().plus(Duration.ofMinutes(5))),
                clock.instant());
    }

    /** A login whose user authenticated at the IdP at {@code at} (its ID token's auth_time, else iat) and that began now. */
    protected LoginTimes authenticatedAt(Instant at) {
        return new LoginTimes(at, clock.instant());
    }

    protected SessionTicket create(Session session) {
        return store.create(session).toCompletableFuture().join();
    }

    /** Creates a session of {@code user} under the IdP session {@code sid} of {@link #ISSUER}'s login. */
    protected SessionTicket createUnder(SessionUser user, String sid) {
        return create(session(user, Optional.of(sid)));
    }

    protected static String newSid() {
        return "sid-" + UUID.randomUUID();
    }

    protected SessionLookup load(SessionTicket ticket) {
        return store.load(ticket).toCompletableFuture().join();
    }

    protected Session found(SessionTicket ticket) {
        SessionLookup lookup = load(ticket);
        assertThat(lookup).isInstanceOf(SessionLookup.Found.class);
        return ((SessionLookup.Found) lookup).session();
    }

    /**
     * A timed-out session: {@code Expired} when the store still held it, {@code Absent} when the store's own
     * TTL (the same deadline) removed it first. Never {@code Found}.
     */
    protected static void ended(SessionLookup lookup) {
        assertThat(lookup).isInstanceOfAny(SessionLookup.Expired.class, SessionLookup.Absent.class);
    }

    @Test
    @DisplayName("A created session loads back equal, with every claim and token")
    void roundTrip() {
        Session session = session(newUser());

        SessionTicket ticket = create(session);

        assertThat(found(ticket)).isEqualTo(session);
    }

    @Test
    @DisplayName("No token, subject or e-mail appears in the bytes handed to the store")
    void storedBytesAreCiphertext() {
        Session session = session(newUser());
        SessionTicket ticket = create(session);

        clock.advance(Duration.ofMinutes(2));
        found(ticket); // a touch: a second write

        assertThat(bytes.written()).hasSize(2).allSatisfy(value -> {
            String text = new String(value, StandardCharsets.ISO_8859_1);
            assertThat(text).doesNotContain(session.tokens().accessToken())
                    .doesNotContain(session.tokens().refreshToken().orElseThrow())
                    .doesNotContain(session.tokens().idToken().orElseThrow())
                    .doesNotContain(session.subject())
                    .doesNotContain("alice");
        });
    }

    @Test
    @DisplayName("Each create issues a new random id and key, even for the same user (no fixation)")
    void newIdOnEachCreate() {
        SessionUser user = newUser();

        SessionTicket first = create(session(user));
        SessionTicket second = create(session(user));

        assertThat(first.id()).isNotEqualTo(second.id()).hasSize(32);
        assertThat(first.key()).isNotEqualTo(second.key()).hasSize(32);
        assertThat(first.address()).isNotEqualTo(second.address());
        assertThat(found(first)).isNotEqualTo(found(second));
    }

    @Test
    @DisplayName("A ticket with the right id but another session's key cannot open the session")
    void wrongKeyCannotDecrypt() {
        SessionUser user = newUser();
        SessionTicket mine = create(session(user));
        SessionTicket other = create(session(user));

        SessionTicket forged = new SessionTicket(mine.userTagBytes(), mine.id(), other.key());

        assertThat(load(forged)).isInstanceOf(SessionLookup.Unreadable.class);
        assertThat(found(mine)).isNotNull();
    }

    @Test
    @DisplayName("A ticket whose id was never issued finds nothing")
    void unknownIdIsAbsent() {
        SessionTicket unknown = SessionTicket.issue(newUser(), new SecureRandom());

        assertThat(load(unknown)).isInstanceOf(SessionLookup.Absent.class);
    }

    @Test
    @DisplayName("A session unused for the idle timeout has expired and is gone; one used a second before lives on")
    void idleTimeout() {
        SessionTicket unused = create(session(newUser()));
        SessionTicket used = create(session(newUser()));

        clock.advance(IDLE.minusSeconds(1));
        assertThat(load(used)).isInstanceOf(SessionLookup.Found.class);
        clock.advance(Duration.ofSeconds(1));

        assertThat(load(unused)).satisfies(SessionStoreContract::ended);
        assertThat(load(unused)).isInstanceOf(SessionLookup.Absent.class);
        assertThat(load(used)).isInstanceOf(SessionLookup.Found.class);
    }

    @Test
    @DisplayName("A session in use slides past the idle timeout, but never past the absolute timeout")
    void slidingIdleAndAbsoluteTimeout() {
        Session session = session(newUser());
        SessionTicket ticket = create(session);

        Duration step = IDLE.minusHours(1);
        while (clock.instant().plus(step).isBefore(session.createdAt().plus(ABSOLUTE))) {
            clock.advance(step);
            assertThat(found(ticket).lastSeenAt()).isEqualTo(clock.instant());
        }
        clock.advance(Duration.between(clock.instant(), session.createdAt().plus(ABSOLUTE)).minusMillis(1));
        assertThat(load(ticket)).isInstanceOf(SessionLookup.Found.class);
        clock.advance(Duration.ofMillis(1));

        assertThat(load(ticket)).satisfies(SessionStoreContract::ended);
    }

    @Test
    @DisplayName("Use is recorded at most once a minute: loads within the minute write nothing")
    void touchAtMostOncePerMinute() {
        Session session = session(newUser());
        SessionTicket ticket = create(session);

        clock.advance(Duration.ofSeconds(59));
        Session early = found(ticket);
        Session again = found(ticket);

        assertThat(early.lastSeenAt()).isEqualTo(session.createdAt());
        assertThat(again).isEqualTo(early);
        assertThat(bytes.written()).hasSize(1);

        clock.advance(Duration.ofSeconds(1));
        Session touched = found(ticket);

        assertThat(touched.lastSeenAt()).isEqualTo(clock.instant());
        assertThat(bytes.written()).hasSize(2);
        assertThat(found(ticket)).isEqualTo(touched);
        assertThat(bytes.written()).hasSize(2);
    }

    @Test
    @DisplayName("A peek (for a logout) writes nothing, though a touch is due, and finds an idle session ended")
    void peekWritesNothing() {
        Session session = session(newUser());
        SessionTicket ticket = create(session);

        clock.advance(Duration.ofMinutes(2));
        assertThat(join(store.peek(ticket))).isEqualTo(new SessionLookup.Found(session));
        assertThat(bytes.written()).as("no touch").hasSize(1);
        clock.advance(IDLE);
        assertThat(join(store.peek(ticket))).satisfies(SessionStoreContract::ended);
    }

    @Test
    @DisplayName("With an idle timeout under two minutes, use is recorded every half idle timeout, so a session in use lives on")
    void shortIdleTimeoutSlides() {
        Duration idle = Duration.ofSeconds(20);
        SessionStore shortIdle = new EncryptedSessionStore(bytes, idle, ABSOLUTE, clock, new SecureRandom());
        SessionTicket ticket = join(shortIdle.create(session(newUser())));

        for (int i = 0; i < 24; i++) { // two minutes, a request every 5 seconds
            clock.advance(Duration.ofSeconds(5));
            assertThat(join(shortIdle.load(ticket))).as("after %d s", 5 * (i + 1)).isInstanceOf(SessionLookup.Found.class);
        }
        assertThat(bytes.written()).as("a touch every 10 s, not every load").hasSizeLessThanOrEqualTo(1 + 12);
        clock.advance(idle);
        assertThat(join(shortIdle.load(ticket))).satisfies(SessionStoreContract::ended);
    }

    @Test
    @DisplayName("A touch never undoes an update made between its read and its write (refresh on another replica)")
    void touchDoesNotOverwriteConcurrentUpdate() {
        Session session = session(newUser());
        SessionTicket ticket = create(session);
        SessionTokens refreshed = new SessionTokens("access-refreshed", Optional.of("refresh-refreshed"), Optional.empty(),
                clock.instant().plus(Duration.ofMinutes(10)));
        clock.advance(Duration.ofMinutes(2));
        assertThat(join(store.tryLockRefresh(ticket, "other-replica", Duration.ofSeconds(10)))).isTrue();
        bytes.afterNextRead(() -> assertThat(join(store.updateUnderLock(ticket, session.withTokens(refreshed), "other-replica")))
                .isEqualTo(LockedWrite.STORED));

        Session seenByRacingLoad = found(ticket);

        assertThat(seenByRacingLoad.tokens()).isEqualTo(session.tokens());
        assertThat(found(ticket).tokens()).isEqualTo(refreshed);
    }

    @Test
    @DisplayName("Delete ends exactly that session")
    void delete() {
        SessionUser user = newUser();
        SessionTicket ended = create(session(user));
        SessionTicket kept = create(session(user));

        boolean deleted = store.delete(ended).toCompletableFuture().join();

        assertThat(deleted).isTrue();
        assertThat(load(ended)).isInstanceOf(SessionLookup.Absent.class);
        assertThat(load(kept)).isInstanceOf(SessionLookup.Found.class);
        assertThat(store.delete(ended).toCompletableFuture().join()).isFalse();
    }

    @Test
    @DisplayName("Log out everywhere ends every session of that user and no other user's")
    void deleteAllForUser() {
        SessionUser alice = newUser();
        SessionUser bob = newUser();
        SessionUser aliceAtOtherIssuer = new SessionUser("https://other.example", alice.subject());
        SessionTicket alice1 = create(session(alice));
        SessionTicket alice2 = create(session(alice));
        SessionTicket bob1 = create(session(bob));
        SessionTicket otherIssuer = create(session(aliceAtOtherIssuer));

        long ended = store.deleteAllForUser(alice).toCompletableFuture().join();

        assertThat(ended).isEqualTo(2);
        assertThat(load(alice1)).isInstanceOf(SessionLookup.Absent.class);
        assertThat(load(alice2)).isInstanceOf(SessionLookup.Absent.class);
        assertThat(load(bob1)).isInstanceOf(SessionLookup.Found.class);
        assertThat(load(otherIssuer)).isInstanceOf(SessionLookup.Found.class);
        assertThat(store.deleteAllForUser(alice).toCompletableFuture().join()).isZero();
    }

    @Test
    @DisplayName("A login begun after log-out-everywhere, beyond the clocks' margin, lives on")
    void createAfterDeleteAll() {
        SessionUser user = newUser();
        create(session(user));
        store.deleteAllForUser(user).toCompletableFuture().join();
        clock.advance(UserLogout.Everywhere.MARGIN.plusMillis(1));

        SessionTicket fresh = create(session(user));

        assertThat(load(fresh)).isInstanceOf(SessionLookup.Found.class);
    }

    @Test
    @DisplayName("Log out everywhere refuses a login of the user begun before it (under way), even with a newer ID token, keeps "
            + "nothing of it, refuses one begun within the margin after it, and lets a later one and other users' in")
    void createOfLoginBegunBeforeDeleteAllIsRefused() {
        SessionUser user = newUser();
        SessionUser other = newUser();
        SessionTicket existing = create(session(user, Optional.empty()));
        // Given logins begun now, whose code exchange is still under way when an operator logs the user out 30 s later
        Instant begun = clock.instant();
        clock.advance(Duration.ofSeconds(30));
        Instant logout = clock.instant();
        long stored = join(store.count(100)).sessions();

        assertThat(join(store.deleteAllForUser(user))).isEqualTo(1);

        assertThat(load(existing)).isInstanceOf(SessionLookup.Absent.class);
        clock.advance(Duration.ofSeconds(1));
        // Then those logins finish and are refused, whatever their ID token's iat (the IdP's clock is not compared
        // with ours); so is one begun at the margin's edge after the logout (replicas' clocks differ)
        for (Instant startedAt : List.of(begun, logout, logout.plus(UserLogout.Everywhere.MARGIN))) {
            LoginTimes times = new LoginTimes(clock.instant(), startedAt);
            assertThat(store.create(session(user, Optional.empty()), times).toCompletableFuture())
                    .failsWithin(Duration.ofSeconds(10)).withThrowableThat().havingRootCause().isInstanceOf(IdpSessionEndedException.class);
            assertThat(store.create(session(user, Optional.of(newSid())), times).toCompletableFuture())
                    .failsWithin(Duration.ofSeconds(10)).withThrowableThat().havingRootCause().isInstanceOf(IdpSessionEndedException.class);
        }
        assertThat(join(store.count(100)).sessions()).isEqualTo(stored - 1);
        // A login begun after the logout (beyond the margin), even with an ID token older than the logout, and another
        // user's login under way meanwhile, are in
        Instant after = logout.plus(UserLogout.Everywhere.MARGIN).plusMillis(1);
        assertThat(load(join(store.create(session(user, Optional.of(newSid())), new LoginTimes(begun, after)))))
                .isInstanceOf(SessionLookup.Found.class);
        assertThat(load(join(store.create(session(other, Optional.empty()), new LoginTimes(begun, begun)))))
                .isInstanceOf(SessionLookup.Found.class);
    }

    @Test
    @DisplayName("Back-channel logout by sid ends exactly the sessions created under that IdP session, of any user")
    void deleteAllForIdpSession() {
        String sid = newSid();
        SessionUser alice = newUser();
        SessionUser bob = newUser();
        SessionTicket aliceThere = createUnder(alice, sid);
        SessionTicket bobThere = createUnder(bob, sid);
        SessionTicket aliceElsewhere = createUnder(alice, newSid());
        SessionTicket withoutSid = create(session(alice, Optional.empty()));
        SessionTicket sameSidOtherIssuer = createUnder(new SessionUser("https://other.example", alice.subject()), sid);

        long ended = join(store.deleteAllForIdpSession(ISSUER, sid, Optional.empty()));

        assertThat(ended).isEqualTo(2);
        assertThat(load(aliceThere)).isInstanceOf(SessionLookup.Absent.class);
        assertThat(load(bobThere)).isInstanceOf(SessionLookup.Absent.class);
        assertThat(load(aliceElsewhere)).isInstanceOf(SessionLookup.Found.class);
        assertThat(load(withoutSid)).isInstanceOf(SessionLookup.Found.class);
        assertThat(load(sameSidOtherIssuer)).isInstanceOf(SessionLookup.Found.class);
        assertThat(join(store.deleteAllForIdpSession(ISSUER, sid, Optional.empty()))).isZero();
    }

    @Test
    @DisplayName("Back-channel logout by sid and sub ends only that user's sessions of the IdP session; the other user's stay, indexed")
    void deleteAllForIdpSessionOfOneSubject() {
        String sid = newSid();
        SessionUser alice = newUser();
        SessionUser bob = newUser();
        SessionTicket aliceThere = createUnder(alice, sid);
        SessionTicket bobThere = createUnder(bob, sid);

        assertThat(join(store.deleteAllForIdpSession(ISSUER, sid, Optional.of(alice.subject())))).isEqualTo(1);
        assertThat(load(aliceThere)).isInstanceOf(SessionLookup.Absent.class);
        assertThat(load(bobThere)).isInstanceOf(SessionLookup.Found.class);
        // Bob's session is still found by the sid alone
        assertThat(join(store.deleteAllForIdpSession(ISSUER, sid, Optional.empty()))).isEqualTo(1);
        assertThat(load(bobThere)).isInstanceOf(SessionLookup.Absent.class);
    }

    @Test
    @DisplayName("A login that a back-channel logout of its IdP session overtook is refused, and nothing of it is kept")
    void createAfterIdpSessionEndedIsRefused() {
        String sid = newSid();
        SessionUser user = newUser();
        long before = join(store.count(100)).sessions();
        join(store.deleteAllForIdpSession(ISSUER, sid, Optional.empty()));

        assertThat(store.create(session(user, Optional.of(sid))).toCompletableFuture())
                .failsWithin(Duration.ofSeconds(10)).withThrowableThat().havingRootCause().isInstanceOf(IdpSessionEndedException.class);
        assertThat(join(store.count(100)).sessions()).isEqualTo(before);
        // Under another IdP session, or with no sid, the user logs in as ever
        assertThat(load(createUnder(user, newSid()))).isInstanceOf(SessionLookup.Found.class);
        assertThat(load(create(session(user, Optional.empty())))).isInstanceOf(SessionLookup.Found.class);
    }

    @Test
    @DisplayName("A back-channel logout by sid and sub refuses later logins of that user under the IdP session only")
    void createAfterIdpSessionEndedForOneSubject() {
        String sid = newSid();
        SessionUser alice = newUser();
        SessionUser bob = newUser();
        join(store.deleteAllForIdpSession(ISSUER, sid, Optional.of(alice.subject())));

        assertThat(store.create(session(alice, Optional.of(sid))).toCompletableFuture())
                .failsWithin(Duration.ofSeconds(10)).withThrowableThat().havingRootCause().isInstanceOf(IdpSessionEndedException.class);
        assertThat(load(createUnder(bob, sid))).isInstanceOf(SessionLookup.Found.class);
    }

    @Test
    @DisplayName("A back-channel logout by sub refuses a login of that user whose ID token it postdates, keeps nothing of it, "
            + "and lets a newer one and other users' in")
    void createAfterUserLoggedOutIsRefused() {
        SessionUser user = newUser();
        SessionUser other = newUser();
        SessionTicket before = create(session(user, Optional.empty()));
        Instant logout = clock.instant().truncatedTo(ChronoUnit.SECONDS);
        long stored = join(store.count(100)).sessions();

        assertThat(join(store.deleteAllForUser(user, logout))).isEqualTo(1);

        assertThat(load(before)).isInstanceOf(SessionLookup.Absent.class);
        // ID tokens issued before the logout, or in its second: the logout overtook those logins
        for (Instant authenticated : List.of(logout.minusSeconds(30), logout, logout.plusMillis(999))) {
            assertThat(store.create(session(user, Optional.empty()), authenticatedAt(authenticated)).toCompletableFuture())
                    .failsWithin(Duration.ofSeconds(10)).withThrowableThat().havingRootCause().isInstanceOf(IdpSessionEndedException.class);
            assertThat(store.create(session(user, Optional.of(newSid())), authenticatedAt(authenticated)).toCompletableFuture())
                    .failsWithin(Duration.ofSeconds(10)).withThrowableThat().havingRootCause().isInstanceOf(IdpSessionEndedException.class);
        }
        assertThat(join(store.count(100)).sessions()).isEqualTo(stored - 1);
        // A login after the logout, and another user's, are in
        assertThat(load(join(store.create(session(user, Optional.empty()), authenticatedAt(logout.plusSeconds(1))))))
                .isInstanceOf(SessionLookup.Found.class);
        assertThat(load(join(store.create(session(other, Optional.empty()), authenticatedAt(logout.minusSeconds(30))))))
                .isInstanceOf(SessionLookup.Found.class);
    }

    @Test
    @DisplayName("A back-channel logout by sub compares with when the user authenticated, not when the ID token was issued: "
            + "refused before it, and when unknown (a malformed auth_time) while the mark lives; in after it, and unknown without a mark")
    void userLogoutComparesWithAuthentication() {
        SessionUser user = newUser();
        SessionUser other = newUser();
        Instant logout = clock.instant().truncatedTo(ChronoUnit.SECONDS);
        join(store.deleteAllForUser(user, logout));
        // What the login flow passes for an auth_time that is there but not a number (AuthenticatedAt.UNKNOWN)
        Instant unknown = Instant.EPOCH;

        // Authenticated before the logout (its code exchanged after it, so a newer iat, which the store is not given)
        for (Instant authenticated : List.of(logout.minusSeconds(20), unknown)) {
            assertThat(store.create(session(user, Optional.empty()), authenticatedAt(authenticated)).toCompletableFuture())
                    .failsWithin(Duration.ofSeconds(10)).withThrowableThat().havingRootCause().isInstanceOf(IdpSessionEndedException.class);
        }
        // Authenticated anew after the logout; and an unknown time of a user with no logout remembered
        assertThat(load(join(store.create(session(user, Optional.empty()), authenticatedAt(logout.plusSeconds(5))))))
                .isInstanceOf(SessionLookup.Found.class);
        assertThat(load(join(store.create(session(other, Optional.empty()), authenticatedAt(unknown)))))
                .isInstanceOf(SessionLookup.Found.class);
    }

    @Test
    @DisplayName("Log out everywhere leaves the IdP's time alone: a login begun after it passes with an old ID token; "
            + "an older logout by sub does not undo a newer one's mark")
    void userLogoutMarksKeepTheirClocksApart() {
        SessionUser user = newUser();
        Instant logout = clock.instant().truncatedTo(ChronoUnit.SECONDS);
        join(store.deleteAllForUser(user));
        clock.advance(UserLogout.Everywhere.MARGIN.plusMillis(1));
        assertThat(load(join(store.create(session(user, Optional.empty()), authenticatedAt(logout.minusSeconds(60))))))
                .isInstanceOf(SessionLookup.Found.class);

        join(store.deleteAllForUser(user, logout));
        join(store.deleteAllForUser(user, logout.minusSeconds(20)));

        assertThat(store.create(session(user, Optional.empty()), authenticatedAt(logout.minusSeconds(10))).toCompletableFuture())
                .failsWithin(Duration.ofSeconds(10)).withThrowableThat().havingRootCause().isInstanceOf(IdpSessionEndedException.class);
    }

    @Test
    @DisplayName("Back-channel logout counts only the sessions still there; one signed out before is not counted")
    void deleteAllForIdpSessionCountsLiveOnly() {
        String sid = newSid();
        SessionUser user = newUser();
        SessionTicket signedOut = createUnder(user, sid);
        SessionTicket live = createUnder(user, sid);
        join(store.delete(signedOut));

        assertThat(join(store.deleteAllForIdpSession(ISSUER, sid, Optional.empty()))).isEqualTo(1);
        assertThat(load(live)).isInstanceOf(SessionLookup.Absent.class);
        assertThat(join(store.deleteAllForIdpSession(ISSUER, "never-seen", Optional.empty()))).isZero();
    }

    @Test
    @DisplayName("Of 20 concurrent tryLockRefresh calls on one session exactly one takes the lock; another session's lock is free")
    void refreshLockTakenOnce() throws Exception {
        SessionUser user = newUser();
        SessionTicket ticket = create(session(user));
        SessionTicket other = create(session(user));

        List<Boolean> taken = concurrently(20, i -> join(store.tryLockRefresh(ticket, "replica-" + i, Duration.ofSeconds(30))));

        assertThat(taken).hasSize(20).containsOnlyOnce(true);
        assertThat(join(store.tryLockRefresh(other, "replica-x", Duration.ofSeconds(30)))).isTrue();
    }

    @Test
    @DisplayName("Only the owner releases the refresh lock; once released it can be taken again")
    void refreshLockReleasedOnlyByOwner() {
        SessionTicket ticket = create(session(newUser()));
        assertThat(join(store.tryLockRefresh(ticket, "owner", Duration.ofSeconds(30)))).isTrue();

        assertThat(join(store.unlockRefresh(ticket, "intruder"))).isFalse();
        assertThat(join(store.tryLockRefresh(ticket, "intruder", Duration.ofSeconds(30)))).isFalse();
        assertThat(join(store.unlockRefresh(ticket, "owner"))).isTrue();
        assertThat(join(store.unlockRefresh(ticket, "owner"))).isFalse();
        assertThat(join(store.tryLockRefresh(ticket, "next", Duration.ofSeconds(30)))).isTrue();
    }

    @Test
    @DisplayName("The owner extends its refresh lock: it then ends the new TTL after the extension, not after it was taken")
    void refreshLockExtendedByOwner() {
        SessionTicket ticket = create(session(newUser()));
        assertThat(join(store.tryLockRefresh(ticket, "owner", Duration.ofSeconds(10)))).isTrue();
        clock.advance(Duration.ofSeconds(5));

        assertThat(join(store.extendRefreshLock(ticket, "owner", Duration.ofSeconds(30)))).isTrue();

        assertThat(join(store.tryLockRefresh(ticket, "other", Duration.ofSeconds(30)))).isFalse();
        assertLockEndsAfter(ticket, Duration.ofSeconds(30));
    }

    @Test
    @DisplayName("Only the owner extends the refresh lock: another's lock, a released one and a never-taken one stay as they are")
    void refreshLockExtendedOnlyByOwner() {
        SessionTicket ticket = create(session(newUser()));
        SessionTicket free = create(session(newUser()));
        assertThat(join(store.tryLockRefresh(ticket, "other-replica", Duration.ofSeconds(10)))).isTrue();

        assertThat(join(store.extendRefreshLock(ticket, "former-owner", Duration.ofSeconds(60)))).isFalse();
        assertLockEndsAfter(ticket, Duration.ofSeconds(10));

        assertThat(join(store.extendRefreshLock(free, "owner", Duration.ofSeconds(60)))).isFalse();
        assertThat(join(store.tryLockRefresh(free, "next", Duration.ofSeconds(10)))).as("extend took no lock").isTrue();
        assertThat(join(store.unlockRefresh(free, "next"))).isTrue();
        assertThat(join(store.extendRefreshLock(free, "next", Duration.ofSeconds(60)))).as("released").isFalse();
        assertThat(join(store.tryLockRefresh(free, "third", Duration.ofSeconds(10)))).isTrue();
    }

    @Test
    @DisplayName("A refresh lock that expired cannot be extended by its former owner, and stays free for another")
    void refreshLockExpiredIsNotExtended() {
        SessionTicket ticket = create(session(newUser()));
        assertThat(join(store.tryLockRefresh(ticket, "owner", Duration.ofMillis(1)))).isTrue();
        expireLock(ticket);

        assertThat(join(store.extendRefreshLock(ticket, "owner", Duration.ofSeconds(60)))).isFalse();
        assertThat(join(store.tryLockRefresh(ticket, "next", Duration.ofSeconds(10)))).isTrue();
    }

    @Test
    @DisplayName("A refresh lock never released ends by its TTL")
    void refreshLockExpires() {
        SessionTicket ticket = create(session(newUser()));
        Duration ttl = Duration.ofSeconds(10);
        assertThat(join(store.tryLockRefresh(ticket, "crashed-replica", ttl))).isTrue();

        assertLockEndsAfter(ticket, ttl);
    }

    @Test
    @DisplayName("updateUnderLock writes while the writer holds the refresh lock, and the lock stays as it was")
    void updateUnderOwnLock() {
        Session session = session(newUser());
        SessionTicket ticket = create(session);
        assertThat(join(store.tryLockRefresh(ticket, "owner", Duration.ofSeconds(10)))).isTrue();
        SessionTokens refreshed = tokens("by-owner");

        assertThat(join(store.updateUnderLock(ticket, session.withTokens(refreshed), "owner"))).isEqualTo(LockedWrite.STORED);

        assertThat(found(ticket).tokens()).isEqualTo(refreshed);
        assertLockEndsAfter(ticket, Duration.ofSeconds(10));
    }

    @Test
    @DisplayName("updateUnderLock after the lock passed to another writes nothing (a late write of a replica whose lock ended): "
            + "the other's tokens stay")
    void updateUnderLockLostToAnother() {
        Session session = session(newUser());
        SessionTicket ticket = create(session);
        assertThat(join(store.tryLockRefresh(ticket, "first", Duration.ofSeconds(10)))).isTrue();
        assertThat(join(store.unlockRefresh(ticket, "first"))).isTrue();
        assertThat(join(store.tryLockRefresh(ticket, "second", Duration.ofSeconds(10)))).isTrue();
        SessionTokens bySecond = tokens("by-second");
        assertThat(join(store.updateUnderLock(ticket, session.withTokens(bySecond), "second"))).isEqualTo(LockedWrite.STORED);

        LockedWrite late = join(store.updateUnderLock(ticket, session.withTokens(tokens("by-first")), "first"));

        assertThat(late).isEqualTo(LockedWrite.LOCK_LOST);
        assertThat(found(ticket).tokens()).isEqualTo(bySecond);
        assertThat(join(store.tryLockRefresh(ticket, "third", Duration.ofSeconds(10)))).as("still the second's").isFalse();
    }

    @Test
    @DisplayName("updateUnderLock without a lock, after its release, or after it expired writes nothing, and takes no lock")
    void updateUnderLockWithoutTheLock() {
        Session session = session(newUser());
        SessionTicket ticket = create(session);

        assertThat(join(store.updateUnderLock(ticket, session.withTokens(tokens("never-locked")), "owner")))
                .isEqualTo(LockedWrite.LOCK_LOST);
        assertThat(join(store.tryLockRefresh(ticket, "owner", Duration.ofSeconds(10)))).as("no lock taken").isTrue();
        assertThat(join(store.unlockRefresh(ticket, "owner"))).isTrue();
        assertThat(join(store.updateUnderLock(ticket, session.withTokens(tokens("released")), "owner")))
                .isEqualTo(LockedWrite.LOCK_LOST);
        assertThat(join(store.tryLockRefresh(ticket, "owner", Duration.ofMillis(1)))).isTrue();
        expireLock(ticket);
        assertThat(join(store.updateUnderLock(ticket, session.withTokens(tokens("expired")), "owner")))
                .isEqualTo(LockedWrite.LOCK_LOST);

        assertThat(found(ticket).tokens()).isEqualTo(session.tokens());
    }

    @Test
    @DisplayName("updateUnderLock of a session that is gone is GONE, even under the writer's own lock, and does not bring it back")
    void updateUnderLockOfGoneSession() {
        Session session = session(newUser());
        SessionTicket ticket = create(session);
        assertThat(join(store.tryLockRefresh(ticket, "owner", Duration.ofSeconds(10)))).isTrue();
        assertThat(join(store.delete(ticket))).isTrue();

        assertThat(join(store.updateUnderLock(ticket, session.withTokens(tokens("after-logout")), "owner"))).isEqualTo(LockedWrite.GONE);
        assertThat(join(store.updateUnderLock(ticket, session.withTokens(tokens("after-logout")), "intruder"))).isEqualTo(LockedWrite.GONE);

        assertThat(load(ticket)).isInstanceOf(SessionLookup.Absent.class);
    }

    @Test
    @DisplayName("Writes of a former owner race the lock's passing to another: none lands after the other's write, whose tokens stay")
    void updateUnderLockRacesTheLocksPassing() throws Exception {
        Session session = session(newUser());
        SessionTicket ticket = create(session);
        assertThat(join(store.tryLockRefresh(ticket, "first", Duration.ofSeconds(30)))).isTrue();
        SessionTokens bySecond = tokens("by-second");

        List<LockedWrite> writes = concurrently(20, i -> {
            if (i == 0) {
                assertThat(join(store.unlockRefresh(ticket, "first"))).isTrue();
                assertThat(join(store.tryLockRefresh(ticket, "second", Duration.ofSeconds(30)))).isTrue();
                return join(store.updateUnderLock(ticket, session.withTokens(bySecond), "second"));
            }
            return join(store.updateUnderLock(ticket, session.withTokens(tokens("by-first-" + i)), "first"));
        });

        assertThat(writes.getFirst()).isEqualTo(LockedWrite.STORED);
        assertThat(found(ticket).tokens()).isEqualTo(bySecond);
    }

    private SessionTokens tokens(String name) {
        return new SessionTokens("access-" + name, Optional.of("refresh-" + name), Optional.empty(), clock.instant().plus(Duration.ofMinutes(5)));
    }

    @Test
    @DisplayName("count: the active-sessions estimate follows creates and deletes, and says when it stopped early")
    void countsSessions() {
        long before = join(store.count(10_000)).sessions();
        SessionTicket one = create(session(newUser()));
        create(session(newUser()));
        create(session(newUser()));

        SessionBytes.Count full = join(store.count(10_000));
        assertThat(full.complete()).isTrue();
        assertThat(full.sessions()).isEqualTo(before + 3);

        join(store.delete(one));
        assertThat(join(store.count(10_000)).sessions()).isEqualTo(before + 2);
    }
}
