package io.authtier.runtime.token.jwt;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/** Reading JWT claim values as tokens actually carry them (numbers of any JSON type, a string or a list). */
public final class Claims {

    private Claims() {
    }

    /**
     * The claims of a compact JWS, read without checking its signature: only for a token received straight
     * from the IdP's token endpoint (over the back channel, OIDC Core 3.1.3.7), never for one a client sent.
     * Empty if it is not a JWS with a JSON payload (an opaque token).
     */
    public static Optional<Map<String, Object>> unverified(String token) {
        return switch (CompactJws.read(token, java.util.Set.of("jwt", "at+jwt", "application/at+jwt"))) {
            case CompactJws.Valid(CompactJws jws) -> Optional.of(jws.claims());
            case CompactJws.Invalid invalid -> Optional.empty();
        };
    }

    /**
     * A NumericDate in whole seconds, or null if the value is not a number. Values beyond year 9999 either
     * way are clamped to it: a token with {@code exp} in milliseconds (a known IdP bug) or 2^63 is far
     * future, not an overflow in the arithmetic that follows.
     */
    public static Long seconds(Object value) {
        if (!(value instanceof Number number)) {
            return null;
        }
        double approximate = number.doubleValue();
        if (Double.isNaN(approximate) || Double.isInfinite(approximate)) {
            return null;
        }
        if (Math.abs(approximate) > MAX_SECONDS) {
            return approximate > 0 ? MAX_SECONDS : -MAX_SECONDS;
        }
        return number instanceof Double || number instanceof Float || number instanceof java.math.BigDecimal
                ? (long) Math.floor(approximate)
                : number.longValue();
    }

    /** 9999-12-31T23:59:59Z: far enough for any real token, near enough that seconds plus a skew never overflow. */
    static final long MAX_SECONDS = 253_402_300_799L;

    public static Optional<String> string(Object value) {
        return value instanceof String s && !s.isEmpty() ? Optional.of(s) : Optional.empty();
    }

    /** A string or an array of strings (other elements ignored), as {@code aud} and {@code groups} may be. */
    public static List<String> strings(Object value) {
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

    public static List<String> roles(Map<String, Object> claims) {
        List<String> roles = new ArrayList<>(strings(claims.get("roles")));
        if (claims.get("realm_access") instanceof Map<?, ?> realmAccess) {
            roles.addAll(strings(realmAccess.get("roles")));
        }
        return roles;
    }

    /**
     * Scopes from {@code scope} and {@code scp}, from both when both are present. IdPs differ in claim and
     * form: RFC 8693 and RFC 9068 use {@code scope} as a space-separated string, Entra ID puts such a
     * string in {@code scp}, Okta an array in {@code scp}, some IdPs an array in {@code scope}.
     */
    public static List<String> scopes(Map<String, Object> claims) {
        return Stream.concat(scopeList(claims.get("scope")).stream(), scopeList(claims.get("scp")).stream())
                .distinct().toList();
    }

    /** One scope value: a space-separated string split into its scopes, or an array of strings. */
    public static List<String> scopeList(Object value) {
        if (value instanceof String scope) {
            return Arrays.stream(scope.split(" ")).filter(s -> !s.isEmpty()).toList();
        }
        return strings(value);
    }
}
