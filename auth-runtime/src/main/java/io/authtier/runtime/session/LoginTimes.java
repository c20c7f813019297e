package io.authtier.runtime.session;

import java.time.Instant;
import java.util.Objects;

/**
 * When the login that makes a session happened, by two clocks. Each is compared only with a logout mark of its
 * own clock ({@link UserLogout}): the IdP's and this runtime's differ by more than a logout and a login apart.
 *
 * @param authenticatedAt when the user authenticated at the IdP (the IdP's clock, whole seconds count): the ID
 *                        token's {@code auth_time}, or its {@code iat} where it has none (the login flow decides,
 *                        and what a malformed {@code auth_time} stands for); against a back-channel logout by
 *                        {@code sub}, which carries the IdP's time of the logout
 * @param startedAt       when the login began (this runtime's clock: the pending login's creation at
 *                        {@code /oauth2/start}): against log-out-everywhere, which has only the runtime's time
 */
public record LoginTimes(Instant authenticatedAt, Instant startedAt) {

    public LoginTimes {
        Objects.requireNonNull(authenticatedAt, "authenticatedAt");
        Objects.requireNonNull(startedAt, "startedAt");
    }

    /** Both times at the session's {@code createdAt}: a session that no login preceded (tests, tools). */
    public static LoginTimes of(Session session) {
        return new LoginTimes(session.createdAt(), session.createdAt());
    }
}
