package io.authtier.runtime.token.jwt;

import io.authtier.runtime.config.IssuerConfig;
import io.authtier.runtime.token.Principal;
import io.authtier.runtime.token.Rejection;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;

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
        Long exp = seconds(claims.get("exp"));
        if (exp == null || !(claims.get("sub") instanceof String subject) || subject.isEmpty()) {
            return new Invalid(Rejection.MISSING_CLAIM);
        }
        if (exp + skew <= nowSeconds) {
            return new Invalid(Rejection.EXPIRED);
        }
        for (String name : List.of("nbf", "iat")) {
            Object value = claims.get(name);
            if (value != null) {
                Long at = seconds(value);
                if (at == null) {
                    return new Invalid(Rejection.MISSING_CLAIM);
                }
                if (at - skew > nowSeconds) {
                    return new Invalid(Rejection.NOT_YET_VALID);
                }
            }
        }
        List<String> audiences = strings(claims.get("aud"));
        if (audiences.isEmpty()) {
            return new Invalid(Rejection.MISSING_CLAIM);
        }
        if (audiences.stream().noneMatch(issuer.audiences()::contains)) {
            return new Invalid(Rejection.WRONG_AUDIENCE);
        }
        return new Valid(new Principal(
                issuer.issuerUrl().toString(),
                subject,
                string(claims.get("email")),
                string(claims.get("preferred_username")),
                strings(claims.get("groups")),
                roles(claims),
                scopes(claims),
                Instant.ofEpochSecond(exp),
                Principal.Method.JWT));
    }

    private static Long seconds(Object value) {
        if (value instanceof Long l) {
            return l;
        }
        if (value instanceof Integer i) {
            return i.longValue();
        }
        if (value instanceof Double d && !d.isNaN() && !d.isInfinite()) {
            return (long) Math.floor(d);
        }
        return null;
    }

    private static Optional<String> string(Object value) {
        return value instanceof String s && !s.isEmpty() ? Optional.of(s) : Optional.empty();
    }

    /** A string or an array of strings (other elements ignored), as {@code aud} and {@code groups} may be. */
    private static List<String> strings(Object value) {
        if (value instanceof String s) {
            return s.isEmpty() ? List.of() : List.of(s);
        }
        if (value instanceof List<?> list) {
            List<String> out = new ArrayList<>(list.size());
            for (Object element : list) {
                if (element instanceof String s && !s.isEmpty()) {
                    out.add(s);
                }
            }
            return out;
        }
        return List.of();
    }

    private static List<String> roles(Map<String, Object> claims) {
        List<String> roles = new ArrayList<>(strings(claims.get("roles")));
        if (claims.get("realm_access") instanceof Map<?, ?> realmAccess) {
            roles.addAll(strings(realmAccess.get("roles")));
        }
        return roles;
    }

    private static List<String> scopes(Map<String, Object> claims) {
        if (claims.get("scope") instanceof String scope) {
            return Arrays.stream(scope.split(" ")).filter(s -> !s.isEmpty()).toList();
        }
        return strings(claims.get("scp"));
    }
}
