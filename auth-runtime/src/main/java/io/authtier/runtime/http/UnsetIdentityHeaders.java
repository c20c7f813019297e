package io.authtier.runtime.http;

import io.netty.util.AsciiString;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpHeaders;
import java.util.ArrayList;
import java.util.List;

/**
 * Envoy's {@code x-envoy-auth-headers-to-remove} for a 200 of {@code /ext-authz/**}: the identity headers
 * ({@link IdentityHeaders#ALL}) that the answer does not set. Envoy's {@code allowed_upstream_headers}
 * overwrites only headers present in the answer, so without this a client's own {@code X-Auth-Request-Email}
 * would reach the upstream of a user who has no email. nginx and Traefik need none: they set or drop every
 * header they copy.
 *
 * <p>{@code Authorization} is never listed: on a bearer answer it is the very token that was checked, and a
 * session answer is only given to a request without one. Every value is built once, per set of headers
 * present, so an answer costs one array read.
 */
final class UnsetIdentityHeaders {

    static final String HEADER = "x-envoy-auth-headers-to-remove";
    private static final CharSequence HEADER_NAME = HttpHeaders.createOptimized(HEADER);

    /** Indexed by the mask of headers present; null where none is missing. */
    private final CharSequence[] byPresent;

    UnsetIdentityHeaders() {
        int all = IdentityHeaders.ALL.size();
        byPresent = new CharSequence[1 << all];
        for (int present = 0; present < byPresent.length; present++) {
            List<String> missing = new ArrayList<>(all);
            for (int i = 0; i < all; i++) {
                if ((present & (1 << i)) == 0) {
                    missing.add(IdentityHeaders.ALL.get(i).toLowerCase(java.util.Locale.ROOT));
                }
            }
            byPresent[present] = missing.isEmpty() ? null : new AsciiString(String.join(",", missing));
        }
    }

    /** Adds the removal list for an answer that holds the identity headers of {@code present}. */
    void addTo(MultiMap headers, int present) {
        CharSequence missing = byPresent[present];
        if (missing != null) {
            headers.add(HEADER_NAME, missing);
        }
    }
}
