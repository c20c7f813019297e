package io.authtier.runtime.config;

import java.util.Objects;

/**
 * A TCP endpoint such as {@code redis-0.redis:6379}, {@code 10.0.0.5:6379} or {@code [::1]:6379}.
 *
 * @param host a host name, an IPv4 address or an IPv6 address (without brackets)
 * @param port 1..65535
 */
public record HostAndPort(String host, int port) {

    public HostAndPort {
        Objects.requireNonNull(host, "host");
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port must be 1..65535, got " + port);
        }
    }

    /**
     * Parses {@code host:port}, with an IPv6 host in brackets.
     *
     * @throws IllegalArgumentException that quotes {@code text} (but never user info before an '@') and shows the
     *     accepted form
     */
    public static HostAndPort parse(String text) {
        int at = text.lastIndexOf('@');
        if (at >= 0) {
            // Not quoted: what comes before '@' may be a password, and this message goes to the log.
            throw new IllegalArgumentException(("'…@%s' has user info before '@' (not shown: it may hold a password);"
                    + " write host:port only and put the password in the file that redis.passwordFile names")
                    .formatted(text.substring(at + 1)));
        }
        if (text.contains("://")) {
            throw new IllegalArgumentException(
                    "'%s' is a URL; write host:port only, e.g. redis-0.redis:6379".formatted(text));
        }
        int colon = text.lastIndexOf(':');
        if (colon < 0) {
            throw new IllegalArgumentException(
                    "'%s' has no port; write host:port, e.g. %s:6379".formatted(text, text));
        }
        String host = text.substring(0, colon);
        String port = text.substring(colon + 1);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
            if (!host.contains(":")) {
                throw new IllegalArgumentException("'%s': brackets are only for IPv6 addresses".formatted(text));
            }
            IpLiterals.parse(host);
        } else if (host.contains(":")) {
            throw new IllegalArgumentException(
                    "'%s': put an IPv6 address in brackets, e.g. [::1]:6379".formatted(text));
        } else if (IpLiterals.looksLikeIp(host)) {
            IpLiterals.parse(host);
        } else if (!Hostnames.isHostname(host)) {
            throw new IllegalArgumentException(
                    "'%s' has no valid host name before the ':'; write host:port, e.g. redis-0.redis:6379"
                            .formatted(text));
        }
        if (!port.matches("\\d{1,5}") || Integer.parseInt(port) < 1 || Integer.parseInt(port) > 65535) {
            throw new IllegalArgumentException("'%s' has a bad port; use 1..65535 after the ':'".formatted(text));
        }
        return new HostAndPort(host, Integer.parseInt(port));
    }

    /** {@code host:port}, with brackets around an IPv6 host: the form {@link #parse} reads. */
    @Override
    public String toString() {
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    }
}
