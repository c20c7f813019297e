package io.authtier.runtime.login.memory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.authtier.runtime.login.PendingLogins;
import io.authtier.runtime.login.PendingLoginsContract;
import io.authtier.runtime.session.SessionStoreException;
import io.authtier.runtime.testsupport.MutableClock;
import java.time.Duration;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("PendingLogins contract: memory")
class MemoryPendingLoginsTest extends PendingLoginsContract {

    @Override
    protected PendingLogins newLogins(MutableClock clock) {
        return new MemoryPendingLogins(clock);
    }

    @Override
    protected void assertEndsAfter(String key, Duration ttl) {
        String twin = newKey();
        join(logins.put(twin, value("twin"), ttl));
        clock.advance(ttl.minusMillis(1));
        assertThat(take(twin)).isPresent();
        clock.advance(Duration.ofMillis(1));
        assertThat(take(key)).isEmpty();
    }

    @Test
    @DisplayName("Full, a put of a new key is refused until expired logins can be dropped; replacing a held key is not")
    void boundedByRefusing() {
        MemoryPendingLogins small = new MemoryPendingLogins(clock, 3);
        for (String key : new String[] {"a", "b", "c"}) {
            join(small.put(key, value(key), Duration.ofMinutes(1)));
        }

        assertThatThrownBy(() -> join(small.put("d", value("d"), Duration.ofMinutes(1))))
                .hasCauseInstanceOf(SessionStoreException.class);
        join(small.put("a", value("a2"), Duration.ofMinutes(2)));
        assertThat(small.size()).isEqualTo(3);

        clock.advance(Duration.ofMinutes(1));
        join(small.put("d", value("d"), Duration.ofMinutes(1)));

        assertThat(small.size()).isEqualTo(2);
        assertThat(take("a")).isEmpty(); // another store: the contract's own
        assertThat(join(small.take("a"))).hasValueSatisfying(v -> assertThat(v).isEqualTo(value("a2")));
        assertThat(MemoryPendingLogins.MAX_ENTRIES).isEqualTo(100_000);
    }
}
