package io.authtier.runtime.http;

import io.vertx.core.http.HttpServerRequest;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * Whether a request to {@code /oauth2/sign_out} comes from this site, so that another site cannot sign the
 * user out (the session cookie is {@code SameSite=Lax}: it travels with a cross-site top-level GET).
 * {@code Sec-Fetch-Site} decides when the browser sends it: {@code same-origin}, {@code same-site} (a
 * sibling host of the same registrable domain) and {@code none} (typed, bookmarked) are this site; anything
 * else is not. Without it (an older browser), {@code Origin}, else {@code Referer}, must name the origin that
 * the request reached, as {@link ExternalOrigin} derives it for the callback (a trusted proxy's
 * {@code X-Forwarded-*} included). With none of the three, nothing tells: refused, and the caller offers a
 * button that posts the sign-out from this origin (a POST carries {@code Origin}).
 */
final class SignOutOrigin {

    enum Verdict {
        /** From this site: sign out. */
        THIS_SITE,
        /** From another site: refuse. */
        OTHER_SITE,
        /** Nothing says where from: refuse, and offer the button. */
        UNKNOWN
    }

    private final ExternalOrigin origin;

    SignOutOrigin(ExternalOrigin origin) {
        this.origin = Objects.requireNonNull(origin, "origin");
    }

    Verdict of(HttpServerRequest request) {
        String fetchSite = request.getHeader("Sec-Fetch-Site");
        if (fetchSite != null) {
            return switch (fetchSite.strip().toLowerCase(Locale.ROOT)) {
                case "same-origin", "same-site", "none" -> Verdict.THIS_SITE;
                default -> Verdict.OTHER_SITE;
            };
        }
        // "null" is what a browser sends when it will not tell (a sandbox, a no-referrer page): as if absent.
        String sender = Optional.ofNullable(request.getHeader("Origin")).filter(value -> !"null".equals(value))
                .orElse(request.getHeader("Referer"));
        if (sender == null) {
            return Verdict.UNKNOWN;
        }
        Optional<String> ours = origin.of(request).flatMap(SignOutOrigin::normalized);
        return ours.isPresent() && ours.equals(normalized(sender)) ? Verdict.THIS_SITE : Verdict.OTHER_SITE;
    }

    /** {@code scheme://host[:port]} of an http(s) URL or origin, lower case, without the scheme's default port. */
    static Optional<String> normalized(String url) {
        try {
            URI uri = new URI(url.strip());
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if (uri.getHost() == null || !(scheme.equals("http") || scheme.equals("https"))) {
                return Optional.empty();
            }
            int port = uri.getPort();
            boolean defaultPort = port == -1 || (scheme.equals("http") && port == 80) || (scheme.equals("https") && port == 443);
            return Optional.of(scheme + "://" + uri.getHost().toLowerCase(Locale.ROOT) + (defaultPort ? "" : ":" + port));
        } catch (URISyntaxException e) {
            return Optional.empty();
        }
    }
}
