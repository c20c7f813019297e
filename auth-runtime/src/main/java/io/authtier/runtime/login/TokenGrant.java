package io.authtier.runtime.login;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** What the token endpoint answered to a code exchange or a refresh. */
sealed interface TokenGrant {

    /**
     * Tokens (RFC 6749 section 5.1). {@link #toString()} masks them.
     *
     * @param expiresIn the access token's lifetime, if the IdP said
     * @param scopes    the granted scopes, if the IdP said
     */
    record Granted(String accessToken, Optional<String> refreshToken, Optional<String> idToken, Optional<Duration> expiresIn,
            Optional<List<String>> scopes)
            implements TokenGrant {

        @Override
        public String toString() {
            return "Granted[***]";
        }
    }

    /** A 4xx answer with an OAuth {@code error} code (RFC 6749 section 5.2), e.g. {@code invalid_grant}. */
    record Refused(String error) implements TokenGrant {

        boolean invalidGrant() {
            return "invalid_grant".equals(error);
        }
    }

    /** No answer that decides: the IdP is down, slow, returned 5xx or garbage, or the breaker is open. */
    record Unavailable(String reason) implements TokenGrant {
    }
}
