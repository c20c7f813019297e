package io.authtier.runtime.session;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * The IdP's tokens of one session. Held as {@link String}s, not {@code char[]}: they arrive as strings from
 * the token endpoint's JSON and leave as header strings, so a wipeable array would protect nothing. They
 * are kept out of logs instead: {@link #toString()} masks them, and they are written to a store only
 * encrypted ({@link SessionCipher}).
 *
 * @param accessToken          the access token
 * @param refreshToken         the refresh token, if the IdP issued one
 * @param idToken              the ID token, if any (the {@code id_token_hint} at sign-out)
 * @param accessTokenExpiresAt when the access token expires
 */
public record SessionTokens(String accessToken, Optional<String> refreshToken, Optional<String> idToken,
        Instant accessTokenExpiresAt) {

    public SessionTokens {
        Objects.requireNonNull(accessToken, "accessToken");
        Objects.requireNonNull(refreshToken, "refreshToken");
        Objects.requireNonNull(idToken, "idToken");
        Objects.requireNonNull(accessTokenExpiresAt, "accessTokenExpiresAt");
    }

    @Override
    public String toString() {
        return "SessionTokens[accessToken=***, refreshToken=" + (refreshToken.isPresent() ? "***" : "none")
                + ", idToken=" + (idToken.isPresent() ? "***" : "none") + ", accessTokenExpiresAt=" + accessTokenExpiresAt + "]";
    }
}
