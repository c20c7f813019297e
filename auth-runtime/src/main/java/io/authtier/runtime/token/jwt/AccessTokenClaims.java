package io.authtier.runtime.token.jwt;

import io.authtier.runtime.config.IssuerConfig;
import io.authtier.runtime.token.Identities;
import io.authtier.runtime.token.Principal;
import io.authtier.runtime.token.Rejection;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * The claim rules of an access token from one issuer (SECURITY.md, bearer tokens 7 and 8), checked before
 * the signature so that an expired or misaddressed token costs no crypto and no key fetch: {@code exp}
 * required and not past, {@code nbf} and {@code iat} not in the future (each with the issuer's clock
 * skew), {@code sub} required, {@code aud} naming a configured audience, no {@code nonce} (ID tokens) and
 * no Keycloak {@code typ} claim other than {@code Bearer} (ID, Refresh, Offline, Logout tokens). The
 * exact {@code iss} match is how the issuer was chosen.
 */
final class AccessTokenClaims {

    private AccessTokenClaims() {
    }

    /** The outcome: a principal (still to be proven by the signature) or a rejection. */
    sealed interface Outcome {
    }

    record Valid(Principal principal) implements Outcome {
    }

    record Invalid(Rejection rejection) implements Outcome {
    }

    static Outcome check(Map<String, Object> claims, IssuerConfig issuer, Instant now) {
        if (claims.containsKey("nonce")) {
            return new Invalid(Rejection.NOT_AN_ACCESS_TOKEN);
        }
        Object typ = claims.get("typ");
        if (typ != null && !(typ instanceof String text && text.equalsIgnoreCase("Bearer"))) {
            return new Invalid(Rejection.NOT_AN_ACCESS_TOKEN);
        }
        long skew = issuer.clockSkew().toSeconds();
        long nowSeconds = now.getEpochSecond();
        Long exp = Claims.seconds(claims.get("exp"));
        // A sub that cannot be passed on as it is counts as missing: never a 200 without a usable identity.
        if (exp == null || !(claims.get("sub") instanceof String subject) || !Identities.passable(subject)) {
            return new Invalid(Rejection.MISSING_CLAIM);
        }
        if (exp + skew <= nowSeconds) {
            return new Invalid(Rejection.EXPIRED);
        }
        for (String name : List.of("nbf", "iat")) {
            Object value = claims.get(name);
            if (value != null) {
                Long at = Claims.seconds(value);
                if (at == null) {
                    return new Invalid(Rejection.MISSING_CLAIM);
                }
                if (at - skew > nowSeconds) {
                    return new Invalid(Rejection.NOT_YET_VALID);
                }
            }
        }
        List<String> audiences = Claims.strings(claims.get("aud"));
        if (audiences.isEmpty()) {
            return new Invalid(Rejection.MISSING_CLAIM);
        }
        if (audiences.stream().noneMatch(issuer.audiences()::contains)) {
            return new Invalid(Rejection.WRONG_AUDIENCE);
        }
        return new Valid(new Principal(
                issuer.issuerUrl().toString(),
                subject,
                Identities.verifiedEmail(claims),
                Claims.string(claims.get("preferred_username")),
                Claims.strings(claims.get("groups")),
                Claims.roles(claims),
                Claims.scopes(claims),
                Instant.ofEpochSecond(exp),
                Principal.Method.JWT));
    }
}
