package io.authtier.runtime.config;

import java.net.InetAddress;
import java.util.Objects;

/**
 * An IPv4 or IPv6 network, such as {@code 10.0.0.0/8} or {@code ::1/128}; used for the proxies whose
 * {@code X-Forwarded-*} headers are trusted.
 *
 * @param network      the network address, host bits all zero
 * @param prefixLength 0..32 for IPv4, 0..128 for IPv6
 */
public record Cidr(InetAddress network, int prefixLength) {

    public Cidr {
        Objects.requireNonNull(network, "network");
        int bits = network.getAddress().length * 8;
        if (prefixLength < 0 || prefixLength > bits) {
            throw new IllegalArgumentException("prefix length must be 0..%d, got %d".formatted(bits, prefixLength));
        }
        if (!masked(network.getAddress(), prefixLength).equals(network)) {
            throw new IllegalArgumentException("host bits set in " + network.getHostAddress() + "/" + prefixLength);
        }
    }

    /**
     * Parses {@code address/prefix}.
     *
     * @throws IllegalArgumentException naming the fix; an address with host bits set is refused with the
     *                                  network that was probably meant, since silently widening or
     *                                  narrowing a trust boundary is worse than stopping
     */
    public static Cidr parse(String text) {
        int slash = text.indexOf('/');
        InetAddress address = IpLiterals.parse(slash < 0 ? text : text.substring(0, slash));
        int bits = address.getAddress().length * 8;
        if (slash < 0) {
            throw new IllegalArgumentException("'%s' has no prefix length; write %s/%d for this one address or a network such as %s"
                    .formatted(text, text, bits, bits == 32 ? "10.0.0.0/8" : "fd00::/8"));
        }
        String digits = text.substring(slash + 1);
        int prefix = digits.matches("\\d{1,3}") ? Integer.parseInt(digits) : -1;
        if (prefix < 0 || prefix > bits) {
            throw new IllegalArgumentException(
                    "'%s' has a bad prefix length; use 0..%d after the '/'".formatted(text, bits));
        }
        InetAddress network = masked(address.getAddress(), prefix);
        if (!network.equals(address)) {
            throw new IllegalArgumentException("'%s' has host bits set; did you mean %s/%d?"
                    .formatted(text, network.getHostAddress(), prefix));
        }
        return new Cidr(network, prefix);
    }

    /** Whether {@code address} lies in this network; an IPv4 address is never in an IPv6 network. */
    public boolean contains(InetAddress address) {
        byte[] bytes = address.getAddress();
        return bytes.length == network.getAddress().length && masked(bytes, prefixLength).equals(network);
    }

    /** Whether this network is every address of its family ({@code 0.0.0.0/0}, {@code ::/0}). */
    public boolean everyAddress() {
        return prefixLength == 0;
    }

    @Override
    public String toString() {
        return network.getHostAddress() + "/" + prefixLength;
    }

    private static InetAddress masked(byte[] address, int prefixLength) {
        byte[] bytes = address.clone();
        for (int i = 0; i < bytes.length; i++) {
            int keep = Math.clamp(prefixLength - i * 8L, 0, 8);
            bytes[i] &= (byte) (0xFF << (8 - keep));
        }
        return IpLiterals.address(bytes);
    }
}
