package io.authtier.runtime.http;

import io.authtier.runtime.token.Principal;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpHeaders;
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

    // Names encoded once: Vert.x checks and writes a String name character by character on every response.
    private static final CharSequence USER_NAME = HttpHeaders.createOptimized(USER);
    private static final CharSequence SUBJECT_NAME = HttpHeaders.createOptimized(SUBJECT);
    private static final CharSequence ISSUER_NAME = HttpHeaders.createOptimized(ISSUER);
    private static final CharSequence EMAIL_NAME = HttpHeaders.createOptimized(EMAIL);
    private static final CharSequence PREFERRED_USERNAME_NAME = HttpHeaders.createOptimized(PREFERRED_USERNAME);
    private static final CharSequence GROUPS_NAME = HttpHeaders.createOptimized(GROUPS);

    private IdentityHeaders() {
    }

    /** Adds the headers for {@code principal} to {@code headers}, which hold none of them yet. */
    public static void write(Principal principal, MultiMap headers) {
        put(headers, USER_NAME, principal.subject());
        put(headers, SUBJECT_NAME, principal.subject());
        put(headers, ISSUER_NAME, principal.issuer());
        principal.email().ifPresent(email -> put(headers, EMAIL_NAME, email));
        principal.preferredUsername().ifPresent(name -> put(headers, PREFERRED_USERNAME_NAME, name));
        if (!principal.groups().isEmpty()) {
            String groups = principal.groups().stream()
                    .filter(group -> group.indexOf(',') < 0 && printable(group))
                    .collect(Collectors.joining(","));
            if (!groups.isEmpty()) {
                headers.add(GROUPS_NAME, groups);
            }
        }
    }

    private static void put(MultiMap headers, CharSequence name, String value) {
        if (printable(value)) {
            headers.add(name, value);
        }
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
