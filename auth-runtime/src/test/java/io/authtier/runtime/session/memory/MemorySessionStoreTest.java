package io.authtier.runtime.session.memory;

import static org.assertj.core.api.Assertions.assertThat;

import io.authtier.runtime.session.IdpSessionEndedException;
import io.authtier.runtime.session.LoginTimes;
import io.authtier.runtime.session.SessionAddress;
import io.authtier.runtime.session.SessionBytes;
import io.authtier.runtime.session.SessionStoreContract;
import io.authtier.runtime.session.SessionLookup;
import io.authtier.runtime.session.SessionTicket;
import io.authtier.runtime.session.SessionUser;
import io.authtier.runtime.testsupport.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("SessionStore contract: memory")
class MemorySessionStoreTest extends SessionStoreContract {

    private MemorySessionBytes memory;

    @Override
    protected SessionBytes newBytes(MutableClock clock) {
        memory = new MemorySessionBytes(clock);
        return memory;
    }

    @Override
    protected void assertLockEndsAfter(SessionTicket ticket, Duration ttl) {
        clock.advance(ttl.minusMillis(1));
        assertThat(join(store.tryLockRefresh(ticket, "other", ttl))).isFalse();
        clock.advance(Duration.ofMillis(1));
        assertThat(join(store.tryLockRefresh(ticket, "other", ttl))).isTrue();
    }

    @Override
    protected void expireLock(SessionTicket ticket) {
        clock.advance(Duration.ofMillis(1));
    }

    @Test
    @DisplayName("A back-channel logout by sub is forgotten after its time: then a login whose authentication time is unknown passes")
    void unknownAuthenticationPassesOnceTheLogoutIsForgotten() {
        SessionUser user = newUser();
        join(store.deleteAllForUser(user, clock.instant()));
        // Instant.EPOCH: what the login flow passes for an auth_time that is not a number (AuthenticatedAt.UNKNOWN)
        assertThat(store.create(session(user, Optional.empty()), authenticatedAt(Instant.EPOCH)).toCompletableFuture())
                .failsWithin(Duration.ofSeconds(10)).withThrowableThat().havingRootCause().isInstanceOf(IdpSessionEndedException.class);

        clock.advance(IdpSessionEndedException.REMEMBERED);

        assertThat(load(join(store.create(session(user, Optional.empty()), authenticatedAt(Instant.EPOCH)))))
                .isInstanceOf(SessionLookup.Found.class);
    }

    @Test
    @DisplayName("A sweep drops expired values, so memory does not grow with abandoned sessions")
    void sweepDropsExpired() {
        SessionAddress address = new SessionAddress("tag", "id");
        memory.create(address, new byte[] {1}, Duration.ofMinutes(1), Duration.ofMinutes(1), Optional.of("idp"),
                new LoginTimes(clock.instant(), clock.instant()));

        clock.advance(Duration.ofMinutes(1));
        memory.sweep();
        clock.advance(Duration.ofMinutes(-1));

        assertThat(memory.read(address).toCompletableFuture().join()).isEmpty();
    }

    @Test
    @DisplayName("Creations sweep every 1 024, at most once per 30 s: the cost of a sweep over every user is bounded in time")
    void creationsSweepAtMostEvery30Seconds() {
        Instant start = clock.instant();
        SessionAddress first = shortLived("first", Duration.ofMinutes(1));
        clock.advance(Duration.ofMinutes(1));
        createLongLived("a", MemorySessionBytes.SWEEP_EVERY - 1); // the 1 024th creation sweeps
        assertThat(readAt(first, start)).isEmpty();

        // Within 30 s of that sweep, 1 024 more creations do not sweep (the session has expired, and is still held)
        Instant swept = clock.instant();
        SessionAddress second = shortLived("second", Duration.ofSeconds(10));
        clock.advance(Duration.ofSeconds(29));
        createLongLived("b", MemorySessionBytes.SWEEP_EVERY - 1);
        assertThat(readAt(second, swept)).isPresent();

        // 30 s after it they do
        clock.advance(Duration.ofSeconds(1));
        createLongLived("c", MemorySessionBytes.SWEEP_EVERY);
        assertThat(readAt(second, swept)).isEmpty();
    }

    private SessionAddress shortLived(String id, Duration ttl) {
        SessionAddress address = new SessionAddress("short", id);
        memory.create(address, new byte[] {1}, ttl, ttl, Optional.empty(), new LoginTimes(clock.instant(), clock.instant()));
        return address;
    }

    private void createLongLived(String prefix, int count) {
        for (int i = 0; i < count; i++) {
            memory.create(new SessionAddress(prefix + i, "id"), new byte[] {1}, Duration.ofDays(1), Duration.ofDays(1),
                    Optional.empty(), new LoginTimes(clock.instant(), clock.instant()));
        }
    }

    /** Reads {@code address} with the clock set back to {@code at} (before its expiry), so only a sweep can have dropped it. */
    private Optional<byte[]> readAt(SessionAddress address, Instant at) {
        Instant now = clock.instant();
        clock.advance(Duration.between(now, at));
        try {
            return memory.read(address).toCompletableFuture().join();
        } finally {
            clock.advance(Duration.between(at, now));
        }
    }
}
