package io.authtier.runtime.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.authtier.runtime.testsupport.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.stream.IntStream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Login starts are limited per client and per replica")
class LoginRateLimitTest {

    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-30T00:00:00Z"));
    private final LoginRateLimit limit = new LoginRateLimit(clock);

    private long starts(String client, int tries) {
        return IntStream.range(0, tries).filter(i -> limit.tryStart(client)).count();
    }

    @Test
    @DisplayName("A client has 60 starts a minute, refilled over the minute; another client has its own")
    void perClient() {
        assertThat(starts("10.0.0.1", 100)).isEqualTo(LoginRateLimit.PER_CLIENT_PER_MINUTE);
        assertThat(starts("10.0.0.2", 1)).isEqualTo(1);

        clock.advance(Duration.ofSeconds(10));
        assertThat(starts("10.0.0.1", 100)).isEqualTo(10);
    }

    @Test
    @DisplayName("Starts the replica's limit refuses (a flood from many addresses) do not spend the client's own allowance")
    void replicaRefusalSpendsNothingOfTheClient() {
        // A flood from 500 addresses takes the replica's second
        for (int i = 0; i < LoginRateLimit.PER_REPLICA_PER_SECOND; i++) {
            assertThat(limit.tryStart("flood-" + i)).isTrue();
        }
        // A user caught in it is refused, again and again
        assertThat(starts("10.0.0.1", 100)).isZero();

        // Once the replica's limit has refilled, the user has the whole minute's allowance (and the second's refill)
        clock.advance(Duration.ofSeconds(1));
        assertThat(starts("10.0.0.1", 100)).isEqualTo(LoginRateLimit.PER_CLIENT_PER_MINUTE);
    }
}
