package io.authtier.runtime.config;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads IP address literals without ever asking DNS: {@link InetAddress#getByName} would resolve a host
 * name, and the legacy parser it uses accepts forms like {@code 10.1} that nobody means in a config file.
 */
final class IpLiterals {

    private static final Pattern IPV4 = Pattern.compile("(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})");
    private static final Pattern IPV6_CHARS = Pattern.compile("[0-9A-Fa-f:.]+");

    private IpLiterals() {
    }

    /** An IPv4 address in dotted-quad form or an IPv6 address in colon form (no zone id); else throws. */
    static InetAddress parse(String text) {
        Matcher v4 = IPV4.matcher(text);
        if (v4.matches()) {
            byte[] octets = new byte[4];
            for (int i = 0; i < 4; i++) {
                int octet = Integer.parseInt(v4.group(i + 1));
                if (octet > 255) {
                    throw new IllegalArgumentException("'%s' is not an IPv4 address".formatted(text));
                }
                octets[i] = (byte) octet;
            }
            return address(octets);
        }
        if (text.contains(":") && IPV6_CHARS.matcher(text).matches()) {
            try {
                // Contains ':' so the JDK parses it as an IPv6 literal and never looks it up.
                InetAddress address = InetAddress.getByName(text);
                if (address instanceof Inet6Address) {
                    return address;
                }
                throw new IllegalArgumentException(
                        "'%s' is an IPv4-mapped address; write it as %s".formatted(text, address.getHostAddress()));
            } catch (UnknownHostException e) {
                throw new IllegalArgumentException("'%s' is not an IPv6 address".formatted(text), e);
            }
        }
        throw new IllegalArgumentException("'%s' is not an IP address".formatted(text));
    }

    /**
     * Whether the host of a URL ({@code localhost}, an IPv4 literal, an IPv6 literal in brackets) is this
     * machine's loopback; a host name other than {@code localhost} is not, whatever DNS would say.
     */
    static boolean isLoopback(String host) {
        String bare = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        if (bare.equalsIgnoreCase("localhost")) {
            return true;
        }
        try {
            return looksLikeIp(bare) && parse(bare).isLoopbackAddress();
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** Whether {@code text} is written like an IP address at all (digits and dots, or has a colon). */
    static boolean looksLikeIp(String text) {
        return text.contains(":") || text.chars().allMatch(c -> c == '.' || Character.isDigit(c));
    }

    static InetAddress address(byte[] bytes) {
        try {
            return InetAddress.getByAddress(bytes);
        } catch (UnknownHostException e) {
            throw new AssertionError("4 or 16 bytes always make an address", e);
        }
    }
}
