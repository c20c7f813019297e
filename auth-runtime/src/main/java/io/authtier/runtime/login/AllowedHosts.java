package io.authtier.runtime.login;

import java.util.List;
import java.util.Locale;

/**
 * The hosts of {@code sessions.login.allowedRedirectDomains}: a name matches itself, {@code *.example.com}
 * matches its subdomains but not {@code example.com} itself; case is ignored and a trailing dot never
 * matches. One rule for where a login may return to ({@code rd}) and where its callback may be.
 */
final class AllowedHosts {

    private final List<String> exactHosts;
    private final List<String> wildcardSuffixes;

    AllowedHosts(List<String> allowedDomains) {
        this.exactHosts = allowedDomains.stream().filter(d -> !d.startsWith("*.")).map(d -> d.toLowerCase(Locale.ROOT)).toList();
        this.wildcardSuffixes = allowedDomains.stream().filter(d -> d.startsWith("*."))
                .map(d -> d.substring(1).toLowerCase(Locale.ROOT)).toList();
    }

    /** Whether {@code host} (a host name or IP literal, without port) is allowed. */
    boolean allows(String host) {
        String h = host.toLowerCase(Locale.ROOT);
        if (h.endsWith(".")) {
            return false;
        }
        return exactHosts.contains(h) || wildcardSuffixes.stream().anyMatch(suffix -> h.endsWith(suffix) && h.length() > suffix.length());
    }
}
