package io.authtier.runtime.session;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * Why every session of a user ends ({@link SessionBytes#deleteUser}), and so which mark the user is remembered by
 * for {@link IdpSessionEndedException#REMEMBERED}: a login that the logout overtook is refused, one begun after it
 * is not. Each mark is compared with the login's time by the same clock ({@link LoginTimes}).
 */
public sealed interface UserLogout {

    /** A back-channel logout by {@code sub} alone, issued at {@code issuedAt} by the IdP (its {@code iat}, whole seconds). */
    record ByIdp(Instant issuedAt) implements UserLogout {

        public ByIdp {
            Objects.requireNonNull(issuedAt, "issuedAt");
        }
    }

    /**
     * Log out everywhere (the admin port) at {@code at}, this runtime's clock. It refuses a login that began (its
     * {@code /oauth2/start}) at or before {@code at} + {@link #MARGIN}.
     */
    record Everywhere(Instant at) implements UserLogout {

        /**
         * Slack for comparing one replica's clock with another's (NTP keeps them milliseconds apart), and for the
         * time the logout takes to reach the store after its time was read. Fails closed: a login begun within it
         * after the logout is refused too, and the user logs in again.
         */
        public static final Duration MARGIN = Duration.ofSeconds(2);

        public Everywhere {
            Objects.requireNonNull(at, "at");
        }
    }
}
