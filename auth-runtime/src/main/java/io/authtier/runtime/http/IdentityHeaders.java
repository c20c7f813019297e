package io.authtier.runtime.http;

import io.authtier.runtime.token.Principal;
import io.vertx.core.MultiMap;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The response headers that tell the ingress who the caller is. They are response headers only: the
 * runtime never reads them from a request, and the ingress must copy them from the auth response (nginx
 * {@code auth_request_set}, Traefik {@code authResponseHeaders}, Envoy {@code allowed_upstream_headers}),
 * which replaces any copy the client sent.
 *
 * <p>A value that is not printable ASCII is left out rather than sent mangled; a group name with a comma
 * is left out of the comma-joined list.
 */
public final class IdentityHeaders {

    /** The subject ({@code sub}): stable and unique within the issuer. */
    public static final String USER = "X-Auth-Request-User";
    public static final String SUBJECT = "X-Auth-Request-Subject";
    public static final String ISSUER = "X-Auth-Request-Issuer";
    public static final String EMAIL = "X-Auth-Request-Email";
    public static final String PREFERRED_USERNAME = "X-Auth-Request-Preferred-Username";
    /** Comma-joined {@code groups}. */
    public static final String GROUPS = "X-Auth-Request-Groups";

    private IdentityHeaders() {
    }

    /** Adds the headers for {@code principal} to {@code headers}. */
    public static void write(Principal principal, MultiMap headers) {
        put(headers, USER, Optional.of(principal.subject()));
        put(headers, SUBJECT, Optional.of(principal.subject()));
        put(headers, ISSUER, Optional.of(principal.issuer()));
        put(headers, EMAIL, principal.email());
        put(headers, PREFERRED_USERNAME, principal.preferredUsername());
        String groups = principal.groups().stream()
                .filter(group -> group.indexOf(',') < 0 && printable(group))
                .collect(Collectors.joining(","));
        if (!groups.isEmpty()) {
            headers.set(GROUPS, groups);
        }
    }

    private static void put(MultiMap headers, String name, Optional<String> value) {
        value.filter(IdentityHeaders::printable).ifPresent(v -> headers.set(name, v));
    }

    static boolean printable(String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < 0x20 || c > 0x7E) {
                return false;
            }
        }
        return !value.isEmpty();
    }
}
