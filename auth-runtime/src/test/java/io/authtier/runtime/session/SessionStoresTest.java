package io.authtier.runtime.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.authtier.runtime.config.AccessTokenPassing;
import io.authtier.runtime.config.CookieConfig;
import io.authtier.runtime.config.SameSite;
import io.authtier.runtime.config.SessionStoreType;
import io.authtier.runtime.config.SessionsConfig;
import io.authtier.runtime.testsupport.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("SessionStores: the one switch on sessions.store")
class SessionStoresTest {

    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-28T12:00:00Z"));

    private static SessionsConfig config(SessionStoreType type, Duration idle) {
        return new SessionsConfig(type, new CookieConfig("__Host-authtier", SameSite.Lax, List.of()), idle, Duration.ofDays(7),
                Optional.empty(), AccessTokenPassing.None, Duration.ofSeconds(1));
    }

    @Test
    @DisplayName("Memory: a working store that honours the configured idle timeout, and never opens Redis")
    void memory() {
        try (SessionStore store = SessionStores.create(config(SessionStoreType.Memory, Duration.ofHours(1)), () -> {
            throw new AssertionError("Memory must not open Redis");
        }, clock)) {
            SessionUser user = new SessionUser("https://idp.example", "alice");
            SessionTicket ticket = store.create(Session.start(user, Optional.empty(), Optional.empty(), Optional.empty(), List.of(),
                    new SessionTokens("at", Optional.empty(), Optional.empty(), clock.instant().plusSeconds(60)), clock.instant()))
                    .toCompletableFuture().join();

            assertThat(store.load(ticket).toCompletableFuture().join()).isInstanceOf(SessionLookup.Found.class);
            clock.advance(Duration.ofHours(1));
            assertThat(store.load(ticket).toCompletableFuture().join()).isNotInstanceOf(SessionLookup.Found.class);
        }
    }

    @Test
    @DisplayName("Redis without a connection is refused with a message naming the field")
    void redisNeedsAConnection() {
        assertThatThrownBy(() -> SessionStores.create(config(SessionStoreType.Redis, Duration.ofHours(1)), () -> null, clock))
                .hasMessageContaining("redis section");
    }
}
