package io.authtier.runtime.config;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * The {@code sessions} section: browser sessions and the login that creates them.
 *
 * @param store           where sessions live; {@code Redis} needs a {@code redis} section
 * @param cookie          the session cookie
 * @param idleTimeout     a session unused this long ends (sliding); greater than zero
 * @param absoluteTimeout a session ends this long after login whatever its use; at least {@code idleTimeout}
 * @param login           the OIDC login flow; empty if the runtime only checks bearer tokens
 * @param passAccessToken whether and how {@code /auth} hands a session's access token to the upstream
 * @param localCacheTtl   how long a replica remembers a session it has read (a logout made on another
 *                        replica is seen here within this time); zero turns the memory off
 */
public record SessionsConfig(
        SessionStoreType store,
        CookieConfig cookie,
        Duration idleTimeout,
        Duration absoluteTimeout,
        Optional<LoginConfig> login,
        AccessTokenPassing passAccessToken,
        Duration localCacheTtl) {

    public SessionsConfig {
        Objects.requireNonNull(store, "store");
        Objects.requireNonNull(cookie, "cookie");
        Objects.requireNonNull(idleTimeout, "idleTimeout");
        Objects.requireNonNull(absoluteTimeout, "absoluteTimeout");
        Objects.requireNonNull(login, "login");
        Objects.requireNonNull(passAccessToken, "passAccessToken");
        Objects.requireNonNull(localCacheTtl, "localCacheTtl");
    }
}
