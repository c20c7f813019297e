package io.authtier.runtime.introspection;

import io.authtier.runtime.token.Identities;
import io.authtier.runtime.token.jwt.Claims;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * An active opaque token as the IdP described it (RFC 7662 section 2.2). Never holds the raw token.
 *
 * @param issuerName the configured issuer's name
 * @param issuer     {@code iss} from the response, or the configured issuer URL when absent
 * @param subject    {@code sub}
 * @param clientId   {@code client_id}
 * @param username   {@code username}, else {@code preferred_username}
 * @param email      {@code email}
 * @param scopes     {@code scope} and {@code scp}, each a space-separated string or an array
 * @param groups     {@code groups}
 * @param roles      {@code roles} and Keycloak's {@code realm_access.roles}
 * @param expiresAt  {@code exp}; empty if the IdP gave none (the cache TTL then bounds the entry)
 * @param claims     every other non-null member of the response, immutable, minus sensitive ones
 */
public record IntrospectedToken(
        String issuerName,
        String issuer,
        Optional<String> subject,
        Optional<String> clientId,
        Optional<String> username,
        Optional<String> email,
        List<String> scopes,
        List<String> groups,
        List<String> roles,
        Optional<Instant> expiresAt,
        Map<String, Object> claims) {

    /** Members never kept in {@link #claims}: anything that is, or may carry, a credential. */
    public static final Set<String> SENSITIVE_CLAIMS = Set.of(
            "active", "token", "access_token", "refresh_token", "id_token", "client_secret", "password");

    public IntrospectedToken {
        Objects.requireNonNull(issuerName, "issuerName");
        Objects.requireNonNull(issuer, "issuer");
        Objects.requireNonNull(subject, "subject");
        Objects.requireNonNull(clientId, "clientId");
        Objects.requireNonNull(username, "username");
        Objects.requireNonNull(email, "email");
        scopes = List.copyOf(scopes);
        groups = List.copyOf(groups);
        roles = List.copyOf(roles);
        Objects.requireNonNull(expiresAt, "expiresAt");
        claims = Map.copyOf(claims);
    }

    /**
     * Builds the token from the members of an introspection response (or of a cached copy of it).
     *
     * @param issuerName     the configured issuer's name
     * @param fallbackIssuer the configured issuer URL, used when {@code iss} is absent
     * @param members        the JSON members, as Jackson reads them into plain Java values
     * @param rawToken       the raw token, only to make sure that no claim repeats it; may be null
     */
    public static IntrospectedToken fromClaims(String issuerName, String fallbackIssuer, Map<String, ?> members,
            String rawToken) {
        Map<String, Object> claims = new LinkedHashMap<>();
        members.forEach((name, value) -> {
            Object clean = immutable(value);
            if (clean != null && !SENSITIVE_CLAIMS.contains(name) && !mentions(clean, rawToken)) {
                claims.put(name, clean);
            }
        });
        Optional<Instant> exp = Optional.ofNullable(Claims.seconds(claims.get("exp"))).map(Instant::ofEpochSecond);
        Set<String> roles = new LinkedHashSet<>(strings(claims.get("roles")));
        if (claims.get("realm_access") instanceof Map<?, ?> realmAccess) {
            roles.addAll(strings(realmAccess.get("roles")));
        }
        return new IntrospectedToken(
                issuerName,
                string(claims.get("iss")).orElse(fallbackIssuer),
                string(claims.get("sub")),
                string(claims.get("client_id")),
                string(claims.get("username")).or(() -> string(claims.get("preferred_username"))),
                Identities.verifiedEmail(claims),
                Claims.scopes(claims),
                strings(claims.get("groups")),
                List.copyOf(roles),
                exp,
                claims);
    }

    /** No claim of this record, however nested, is the raw token. */
    private static boolean mentions(Object value, String rawToken) {
        if (rawToken == null) {
            return false;
        }
        return switch (value) {
            case String s -> s.equals(rawToken);
            case Map<?, ?> m -> m.values().stream().anyMatch(v -> mentions(v, rawToken));
            case Collection<?> c -> c.stream().anyMatch(v -> mentions(v, rawToken));
            default -> false;
        };
    }

    /** A deep immutable copy without JSON nulls; null for null. */
    private static Object immutable(Object value) {
        return switch (value) {
            case null -> null;
            case Map<?, ?> m -> {
                Map<String, Object> copy = new LinkedHashMap<>();
                m.forEach((k, v) -> {
                    Object clean = immutable(v);
                    if (clean != null) {
                        copy.put(String.valueOf(k), clean);
                    }
                });
                yield Map.copyOf(copy);
            }
            case Collection<?> c -> {
                List<Object> copy = new ArrayList<>();
                for (Object v : c) {
                    Object clean = immutable(v);
                    if (clean != null) {
                        copy.add(clean);
                    }
                }
                yield List.copyOf(copy);
            }
            // JSON numbers as Long or Double, whichever way they were read, so that copies compare equal.
            case Byte b -> b.longValue();
            case Short n -> n.longValue();
            case Integer n -> n.longValue();
            case java.math.BigInteger n -> n.bitLength() < 64 ? (Object) n.longValue() : n.toString();
            case Float n -> n.doubleValue();
            case java.math.BigDecimal n -> n.doubleValue();
            default -> value;
        };
    }

    private static Optional<String> string(Object value) {
        return value instanceof String s && !s.isEmpty() ? Optional.of(s) : Optional.empty();
    }

    private static List<String> strings(Object value) {
        return switch (value) {
            case Collection<?> c -> c.stream().filter(String.class::isInstance).map(String.class::cast).toList();
            case String s when !s.isEmpty() -> List.of(s);
            case null, default -> List.of();
        };
    }

    /** Never prints claims: they are identity data, not for logs. */
    @Override
    public String toString() {
        return "IntrospectedToken[issuer=" + issuerName + ", claims=" + claims.size() + "]";
    }
}
