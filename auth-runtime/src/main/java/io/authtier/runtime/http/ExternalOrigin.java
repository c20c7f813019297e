package io.authtier.runtime.http;

import io.vertx.core.http.HttpServerRequest;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The scheme and host a browser used to reach the runtime ({@code https://shop.example.com}): from
 * {@code X-Forwarded-Proto} and {@code X-Forwarded-Host} when a trusted proxy sent them, else from the
 * connection and the {@code Host} header. Used to build the callback URL when none is configured and to make
 * a post-logout path absolute; the IdP checks either against the URLs registered for the client.
 */
final class ExternalOrigin {

    private static final Pattern HOST = Pattern.compile("[A-Za-z0-9.-]+(:[0-9]{1,5})?|\\[[0-9A-Fa-f:.]+\\](:[0-9]{1,5})?");

    private final ClientAddress proxies;

    ExternalOrigin(ClientAddress proxies) {
        this.proxies = Objects.requireNonNull(proxies, "proxies");
    }

    /** {@code scheme://host[:port]}, or empty if the request names no usable host. */
    Optional<String> of(HttpServerRequest request) {
        boolean trusted = proxies.fromTrustedProxy(request);
        String scheme = trusted ? last(request.headers().get("X-Forwarded-Proto")) : null;
        String host = trusted ? last(request.headers().get("X-Forwarded-Host")) : null;
        if (scheme == null || !(scheme.equalsIgnoreCase("https") || scheme.equalsIgnoreCase("http"))) {
            scheme = request.isSSL() ? "https" : "http";
        }
        if (host == null) {
            host = request.authority() == null ? null : request.authority().toString();
        }
        if (host == null || !HOST.matcher(host).matches()) {
            return Optional.empty();
        }
        return Optional.of(scheme.toLowerCase(Locale.ROOT) + "://" + host.toLowerCase(Locale.ROOT));
    }

    /** The last of a comma-separated list: the value the nearest (trusted) proxy added, not one the client sent. */
    private static String last(String value) {
        if (value == null) {
            return null;
        }
        String last = value.substring(value.lastIndexOf(',') + 1).strip();
        return last.isEmpty() ? null : last;
    }
}
