package io.authtier.runtime.login;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Where a browser may be sent after a login or sign-out ({@code rd}): a path on this host, or an absolute
 * http(s) URL whose host is one of {@code sessions.login.allowedRedirectDomains} ({@link AllowedHosts}).
 * Everything else is refused: no open redirect. Characters beyond ASCII are %-encoded (UTF-8), as a
 * browser would send them, so that the {@code Location} header carries them intact. A target longer than
 * {@link #MAX_LENGTH} becomes {@code /}: the login still happens, only the deep link is lost.
 */
final class ReturnTargets {

    /** Longest target kept (it is stored with each pending login, so it bounds their memory): deep links beyond it are rare. */
    static final int MAX_LENGTH = 2048;

    private final AllowedHosts hosts;

    /** @param allowedDomains {@code sessions.login.allowedRedirectDomains} */
    ReturnTargets(List<String> allowedDomains) {
        this.hosts = new AllowedHosts(allowedDomains);
    }

    /** {@code target} if it is allowed, as given but for non-ASCII characters; empty otherwise. */
    Optional<String> check(String target) {
        if (target == null || target.isEmpty()) {
            return Optional.empty();
        }
        for (int i = 0; i < target.length(); i++) {
            char c = target.charAt(i);
            // Control characters, spaces and backslashes: browsers "repair" them into other URLs (/\evil.com).
            if (c <= 0x20 || c == 0x7F || c == '\\') {
                return Optional.empty();
            }
        }
        Optional<String> allowed = allowed(asciiOnly(target));
        return allowed.map(t -> t.length() > MAX_LENGTH ? "/" : t);
    }

    private Optional<String> allowed(String target) {
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

    /** {@code target} with every character beyond ASCII %-encoded as UTF-8 (a host so written is then refused). */
    private static String asciiOnly(String target) {
        if (target.chars().allMatch(c -> c < 0x80)) {
            return target;
        }
        StringBuilder out = new StringBuilder(target.length() + 16);
        target.codePoints().forEach(c -> {
            if (c < 0x80) {
                out.append((char) c);
            } else {
                for (byte b : new String(Character.toChars(c)).getBytes(StandardCharsets.UTF_8)) {
                    out.append('%').append(HEX[(b >> 4) & 0xF]).append(HEX[b & 0xF]);
                }
            }
        });
        return out.toString();
    }

    private static final char[] HEX = "0123456789ABCDEF".toCharArray();
}
