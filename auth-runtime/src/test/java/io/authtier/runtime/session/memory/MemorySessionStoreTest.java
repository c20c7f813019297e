package io.authtier.runtime.session.memory;

import static org.assertj.core.api.Assertions.assertThat;

import io.authtier.runtime.session.LoginTimes;
import io.authtier.runtime.session.SessionAddress;
import io.authtier.runtime.session.SessionBytes;
import io.authtier.runtime.session.SessionStoreContract;
import io.authtier.runtime.session.SessionTicket;
import io.authtier.runtime.testsupport.MutableClock;
import java.time.Duration;
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
