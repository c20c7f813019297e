package io.authtier.runtime.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The one normal form in which request paths and {@code routes[].pathPrefix} are compared. A rule
 * meets a path only if both are in this form, so the configuration refuses a prefix that is not
 * ({@link #isNormal}), and a request path that cannot be brought into it lets nobody in.
 *
 * <p>Normalising decodes {@code %}-escapes once (as the server behind the proxy will), drops
 * {@code ;} path parameters from every segment (Tomcat and Spring serve {@code /admin;x=1} and
 * {@code /x/..;/admin} as {@code /admin}), collapses repeated slashes and resolves {@code .} and
 * {@code ..} segments. A path with a control character (NUL included), a backslash (a separator on
 * Windows and IIS hosts), malformed UTF-8, or one that climbs above the root has no normal form.
 *
 * <p>Rules then match by {@link #matchKey}, which is looser than any server behind the proxy: letter case
 * and dots or spaces at the end of a segment do not count, as IIS and other case-insensitive servers serve
 * {@code /ADMIN}, {@code /admin.} and {@code /admin%20} as {@code /admin}. Looser matching only ever puts a
 * rule on more paths, never fewer.
 */
public final class RoutePaths {

    private static final Pattern REPEATED_SLASHES = Pattern.compile("/{2,}");
    private static final Pattern PATH_PARAMETERS = Pattern.compile(";[^/]*");
    /** Accepted unencoded in a path by servers and proxies, refused by {@link URI}. */
    private static final String URI_REFUSED = "[]{}|^`\"<>";

    private RoutePaths() {
    }

    /** The normal form of {@code rawPath} (as sent, still encoded, possibly with a query); empty if it has none. */
    public static Optional<String> normalise(String rawPath) {
        if (rawPath == null || rawPath.isEmpty()) {
            return Optional.empty();
        }
        try {
            var withoutQuery = escapeUriRefused(rawPath.split("[?#]", 2)[0]);
            // Slashes collapsed before parsing: "//admin" would otherwise parse as a host.
            var decoded = URI.create(REPEATED_SLASHES.matcher(withoutQuery).replaceAll("/")).getPath();
            // U+FFFD is what the decoder makes of malformed UTF-8 (such as the overlong "%C0%AF" for '/').
            if (decoded == null || decoded.chars().anyMatch(c -> c < 0x20 || c == 0x7f || c == '\\' || c == '\uFFFD')) {
                return Optional.empty();
            }
            // Parameters dropped after decoding ("%3B" too) and before dot segments, so "..;" resolves as "..".
            var plain = REPEATED_SLASHES.matcher(PATH_PARAMETERS.matcher(decoded).replaceAll("")).replaceAll("/");
            var normalised = new URI(null, null, plain, null).normalize().getPath();
            if (!normalised.startsWith("/") || normalised.startsWith("/..")) {
                return Optional.empty();
            }
            return Optional.of(normalised);
        } catch (IllegalArgumentException | URISyntaxException e) {
            return Optional.empty();
        }
    }

    /**
     * {@code path} with the characters that servers and proxies accept unencoded in a path but {@link URI} refuses
     * ({@code [ ] { } | ^ ` " < >}; browsers leave {@code [ ] | ^} as they are) %-encoded, so that they decode
     * back to themselves. None of them separates segments, so the normal form is the one the server sees.
     */
    private static String escapeUriRefused(String path) {
        StringBuilder out = null;
        for (int i = 0; i < path.length(); i++) {
            char c = path.charAt(i);
            int index = URI_REFUSED.indexOf(c);
            if (index >= 0 && out == null) {
                out = new StringBuilder(path.length() + 8).append(path, 0, i);
            }
            if (out != null) {
                if (index >= 0) {
                    out.append('%').append(String.format(Locale.ROOT, "%02X", (int) c));
                } else {
                    out.append(c);
                }
            }
        }
        return out == null ? path : out.toString();
    }

    /**
     * The paths a prefix guards, as one prefix without a trailing slash: {@code /vault/} guards
     * {@code /vault} too, which servers with lenient trailing-slash matching (Express, older Spring)
     * answer with the {@code /vault/} handler. {@code /} stays {@code /}.
     */
    public static String guarded(String prefix) {
        return prefix.length() > 1 && prefix.endsWith("/") ? prefix.substring(0, prefix.length() - 1) : prefix;
    }

    /**
     * What a rule's prefix and a request's normal path are compared by: lower case, and every segment without
     * the dots and spaces at its end ({@code /Admin./X } becomes {@code /admin/x}).
     */
    public static String matchKey(String normalPath) {
        String lower = normalPath.toLowerCase(Locale.ROOT);
        StringBuilder key = new StringBuilder(lower.length());
        int start = 0;
        while (start <= lower.length()) {
            int slash = lower.indexOf('/', start);
            int end = slash < 0 ? lower.length() : slash;
            int trimmed = end;
            while (trimmed > start && (lower.charAt(trimmed - 1) == '.' || lower.charAt(trimmed - 1) == ' ')) {
                trimmed--;
            }
            key.append(lower, start, trimmed);
            if (slash < 0) {
                break;
            }
            key.append('/');
            start = slash + 1;
        }
        return key.toString();
    }

    /**
     * Whether a configured prefix is already in normal form, as written: no {@code %}-escapes, {@code ;},
     * repeated slashes, {@code .} or {@code ..} segments. Such a prefix could never equal a normalised
     * path, so its rule would silently guard nothing.
     */
    public static boolean isNormal(String prefix) {
        return prefix.indexOf('%') < 0 && prefix.indexOf(';') < 0 && normalise(prefix).filter(prefix::equals).isPresent();
    }
}
