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
}
