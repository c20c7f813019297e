package io.authtier.runtime.session;

import java.time.Instant;
import java.util.Objects;

/**
 * When the login that makes a session happened, by two clocks. Each is compared only with a logout mark of its
 * own clock ({@link UserLogout}): the IdP's and this runtime's differ by more than a logout and a login apart.
 *
 * @param idTokenIssuedAt the ID token's {@code iat} (the IdP's clock, whole seconds count): against a back-channel
 *                        logout by {@code sub}, which carries the IdP's time of the logout
 * @param startedAt       when the login began (this runtime's clock: the pending login's creation at
 *                        {@code /oauth2/start}): against log-out-everywhere, which has only the runtime's time
 */
public record LoginTimes(Instant idTokenIssuedAt, Instant startedAt) {

    public LoginTimes {
        Objects.requireNonNull(idTokenIssuedAt, "idTokenIssuedAt");
        Objects.requireNonNull(startedAt, "startedAt");
    }

    /** Both times at the session's {@code createdAt}: a session that no login preceded (tests, tools). */
    public static LoginTimes of(Session session) {
        return new LoginTimes(session.createdAt(), session.createdAt());
    }
}
