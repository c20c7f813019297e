package io.authtier.runtime.login;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Where a browser may be sent after a login or sign-out ({@code rd}): a path on this host, or an absolute
 * http(s) URL whose host is one of {@code sessions.login.allowedRedirectDomains} ({@link AllowedHosts}).
 * Everything else is refused: no open redirect.
 */
final class ReturnTargets {

    /** Longest target kept: it is stored with the pending login. */
    static final int MAX_LENGTH = 512;

    private final AllowedHosts hosts;

    /** @param allowedDomains {@code sessions.login.allowedRedirectDomains} */
    ReturnTargets(List<String> allowedDomains) {
        this.hosts = new AllowedHosts(allowedDomains);
    }

    /** {@code target} if it is allowed, as given; empty otherwise. */
    Optional<String> check(String target) {
        if (target == null || target.isEmpty() || target.length() > MAX_LENGTH) {
            return Optional.empty();
        }
        for (int i = 0; i < target.length(); i++) {
            char c = target.charAt(i);
            // Control characters, spaces and backslashes: browsers "repair" them into other URLs (/\evil.com).
            if (c <= 0x20 || c == 0x7F || c == '\\') {
                return Optional.empty();
            }
        }
        if (target.startsWith("/")) {
            // A path on this host; "//evil.com" would be a protocol-relative URL to another host.
            return target.startsWith("//") ? Optional.empty() : Optional.of(target);
        }
        URI uri;
        try {
            uri = new URI(target);
        } catch (URISyntaxException e) {
            return Optional.empty();
        }
        String scheme = uri.getScheme();
        if (scheme == null || !(scheme.equalsIgnoreCase("https") || scheme.equalsIgnoreCase("http"))
                || uri.getRawUserInfo() != null || uri.getHost() == null || uri.getRawAuthority() == null
                || !uri.getRawAuthority().toLowerCase(Locale.ROOT).startsWith(uri.getHost().toLowerCase(Locale.ROOT))) {
            return Optional.empty();
        }
        return hosts.allows(uri.getHost()) ? Optional.of(target) : Optional.empty();
    }
}
