package io.authtier.runtime.login;

import io.authtier.runtime.token.jwt.Claims;
import java.time.Instant;
import java.util.Map;

/**
 * When the user of a login authenticated at the IdP, by the IdP's clock, as its checked ID token tells: the
 * instant a back-channel logout by {@code sub} ({@link io.authtier.runtime.session.UserLogout.ByIdp}) is compared
 * with. The ID token's {@code iat} is when the code was exchanged, not when the user logged in: a logout that
 * came between the two would not be caught by it. {@code auth_time} (OIDC Core 2, "Time when the End-User
 * authentication occurred") is that instant where the IdP sends it.
 */
final class AuthenticatedAt {

    /**
     * Stands for an {@code auth_time} that is there but not a number: when the user authenticated is unknown, so
     * the login is taken as the earliest it could be, and any logout of the user still remembered refuses it.
     * Fails closed: falling back to {@code iat} would let through exactly the login that the logout overtook,
     * which this class is for. It does not refuse every such login either: with no logout of the user remembered
     * there is nothing to compare with, and an IdP that sends a string would otherwise lock every user out.
     */
    static final Instant UNKNOWN = Instant.EPOCH;

    private AuthenticatedAt() {
    }

    /**
     * {@code auth_time} if present (never later than {@code iat}), else {@code iat}; {@link #UNKNOWN} if
     * {@code auth_time} is there but not a number.
     *
     * @param claims the claims of an ID token that {@link IdTokenRules} passed (so {@code iat} is a number)
     */
    static Instant of(Map<String, Object> claims) {
        long iat = Claims.seconds(claims.get("iat"));
        if (!claims.containsKey("auth_time")) {
            return Instant.ofEpochSecond(iat);
        }
        Long authTime = Claims.seconds(claims.get("auth_time"));
        if (authTime == null) {
            return UNKNOWN;
        }
        // A user cannot authenticate after the token saying so was issued; if the IdP says so anyway (a clock oddity),
        // the earlier of the two keeps the check never weaker than iat alone.
        return Instant.ofEpochSecond(Math.min(authTime, iat));
    }
}
