package io.authtier.runtime.http;

import io.authtier.runtime.token.Identities;
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
 * which replaces any copy the client sent. Envoy replaces only the headers an answer holds, so its answers
 * also name the others for removal ({@link UnsetIdentityHeaders}).
 *
 * <p>A value that would not reach the upstream as it is ({@link Identities#passable}: not printable ASCII, or
 * with a space at either end) is left out rather than sent mangled; so is a group name with a comma, from
 * the comma-joined list.
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
    /** A session's access token, when {@code sessions.passAccessToken: Header}. */
    public static final String ACCESS_TOKEN = "X-Auth-Request-Access-Token";

    /** Every header above, each at the bit of its index in {@link Rendered#present()} masks. */
    static final List<String> ALL = List.of(USER, SUBJECT, ISSUER, EMAIL, PREFERRED_USERNAME, GROUPS, ACCESS_TOKEN);
    static final int ACCESS_TOKEN_BIT = bit(ACCESS_TOKEN);
    private static final int USER_BIT = bit(USER);
    private static final int SUBJECT_BIT = bit(SUBJECT);
    private static final int ISSUER_BIT = bit(ISSUER);
    private static final int EMAIL_BIT = bit(EMAIL);
    private static final int PREFERRED_USERNAME_BIT = bit(PREFERRED_USERNAME);
    private static final int GROUPS_BIT = bit(GROUPS);

    // Names encoded once: Vert.x checks and writes a String name character by character on every response.
    private static final CharSequence USER_NAME = HttpHeaders.createOptimized(USER);
    private static final CharSequence SUBJECT_NAME = HttpHeaders.createOptimized(SUBJECT);
    private static final CharSequence ISSUER_NAME = HttpHeaders.createOptimized(ISSUER);
    private static final CharSequence EMAIL_NAME = HttpHeaders.createOptimized(EMAIL);
    private static final CharSequence PREFERRED_USERNAME_NAME = HttpHeaders.createOptimized(PREFERRED_USERNAME);
    private static final CharSequence GROUPS_NAME = HttpHeaders.createOptimized(GROUPS);

    private IdentityHeaders() {
    }

    private static int bit(String header) {
        return 1 << ALL.indexOf(header);
    }

    /**
     * Adds the headers for {@code principal} to {@code headers}, which hold none of them yet.
     *
     * @return which of {@link #ALL} were added, as in {@link Rendered#present()}
     */
    public static int write(Principal principal, MultiMap headers) {
        Rendered rendered = render(principal);
        rendered.addTo(headers);
        return rendered.present();
    }

    /** The headers for {@code principal}, checked and encoded once, to add to any number of responses. */
    static Rendered render(Principal principal) {
        List<CharSequence> names = new ArrayList<>(6);
        List<CharSequence> values = new ArrayList<>(6);
        int present = put(names, values, USER_NAME, principal.subject(), USER_BIT)
                | put(names, values, SUBJECT_NAME, principal.subject(), SUBJECT_BIT)
                | put(names, values, ISSUER_NAME, principal.issuer(), ISSUER_BIT)
                | principal.email().map(email -> put(names, values, EMAIL_NAME, email, EMAIL_BIT)).orElse(0)
                | principal.preferredUsername().map(name -> put(names, values, PREFERRED_USERNAME_NAME, name, PREFERRED_USERNAME_BIT)).orElse(0);
        String groups = principal.groups().stream()
                .filter(group -> group.indexOf(',') < 0 && Identities.passable(group))
                .collect(Collectors.joining(","));
        if (!groups.isEmpty()) {
            names.add(GROUPS_NAME);
            values.add(new AsciiString(groups));
            present |= GROUPS_BIT;
        }
        return new Rendered(names.toArray(CharSequence[]::new), values.toArray(CharSequence[]::new), present);
    }

    /** Adds the header if its value is passable; returns its bit if it did, else 0. */
    private static int put(List<CharSequence> names, List<CharSequence> values, CharSequence name, String value, int bit) {
        if (!Identities.passable(value)) {
            return 0;
        }
        names.add(name);
        values.add(new AsciiString(value)); // printable ASCII: one byte per character, nothing lost
        return bit;
    }

    /** Identity headers ready to add: names and values as encoded ASCII, already checked. */
    static final class Rendered {
        private final CharSequence[] names;
        private final CharSequence[] values;
        private final int present;

        private Rendered(CharSequence[] names, CharSequence[] values, int present) {
            this.names = names;
            this.values = values;
            this.present = present;
        }

        /** Which of {@link #ALL} these headers are: bit {@code i} set for {@code ALL.get(i)}. */
        int present() {
            return present;
        }

        /** Adds these headers to {@code headers}, which hold none of them yet. */
        void addTo(MultiMap headers) {
            for (int i = 0; i < names.length; i++) {
                headers.add(names[i], values[i]);
            }
        }
    }
}
