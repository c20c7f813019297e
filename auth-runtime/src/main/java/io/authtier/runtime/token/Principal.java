package io.authtier.runtime.token;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Who a valid token speaks for, as far as forward-auth needs to know.
 *
 * @param issuer            the token's {@code iss}, exactly as configured
 * @param subject           {@code sub}
 * @param email             {@code email}, if present
 * @param preferredUsername {@code preferred_username}, if present
 * @param groups            {@code groups}
 * @param roles             {@code roles} and Keycloak's {@code realm_access.roles}
 * @param scopes            {@code scope} and {@code scp}, each a space-separated string or an array
 * @param expiresAt         {@code exp}
 * @param method            how the token was checked
 */
public record Principal(
        String issuer,
        String subject,
        Optional<String> email,
        Optional<String> preferredUsername,
        List<String> groups,
        List<String> roles,
        List<String> scopes,
        Instant expiresAt,
        Method method) {

    public Principal {
        Objects.requireNonNull(issuer, "issuer");
        Objects.requireNonNull(subject, "subject");
        Objects.requireNonNull(email, "email");
        Objects.requireNonNull(preferredUsername, "preferredUsername");
        groups = List.copyOf(groups);
        roles = List.copyOf(roles);
        scopes = List.copyOf(scopes);
        Objects.requireNonNull(expiresAt, "expiresAt");
        Objects.requireNonNull(method, "method");
    }

    /** How the caller was recognised: a JWT, an introspected opaque token, or a browser session cookie. */
    public enum Method {
        JWT("jwt"), INTROSPECTION("introspection"), SESSION("session");

        private final String label;

        Method(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }
    }
}
