package io.authtier.runtime.http;

import io.authtier.runtime.token.Principal;
import io.netty.util.AsciiString;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpHeaders;
import java.util.ArrayList;
import java.util.List;
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
        render(principal).addTo(headers);
    }

    /** The headers for {@code principal}, checked and encoded once, to add to any number of responses. */
    static Rendered render(Principal principal) {
        List<CharSequence> names = new ArrayList<>(6);
        List<CharSequence> values = new ArrayList<>(6);
        put(names, values, USER_NAME, principal.subject());
        put(names, values, SUBJECT_NAME, principal.subject());
        put(names, values, ISSUER_NAME, principal.issuer());
        principal.email().ifPresent(email -> put(names, values, EMAIL_NAME, email));
        principal.preferredUsername().ifPresent(name -> put(names, values, PREFERRED_USERNAME_NAME, name));
        String groups = principal.groups().stream()
                .filter(group -> group.indexOf(',') < 0 && printable(group))
                .collect(Collectors.joining(","));
        if (!groups.isEmpty()) {
            names.add(GROUPS_NAME);
            values.add(new AsciiString(groups));
        }
        return new Rendered(names.toArray(CharSequence[]::new), values.toArray(CharSequence[]::new));
    }

    private static void put(List<CharSequence> names, List<CharSequence> values, CharSequence name, String value) {
        if (printable(value)) {
            names.add(name);
            values.add(new AsciiString(value)); // printable ASCII: one byte per character, nothing lost
        }
    }

    /** Identity headers ready to add: names and values as encoded ASCII, already checked. */
    static final class Rendered {
        private final CharSequence[] names;
        private final CharSequence[] values;

        private Rendered(CharSequence[] names, CharSequence[] values) {
            this.names = names;
            this.values = values;
        }

        /** Adds these headers to {@code headers}, which hold none of them yet. */
        void addTo(MultiMap headers) {
            for (int i = 0; i < names.length; i++) {
                headers.add(names[i], values[i]);
            }
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
