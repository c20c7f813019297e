package io.authtier.operator.spec;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Host names and IP literals as the runtime reads them ({@code config/Hostnames}, {@code IpLiterals}):
 * the operator cannot call the runtime's code, so it holds the same forms here. Never asks DNS.
 */
final class HostSyntax {
  private static final Pattern LABEL = Pattern.compile("[A-Za-z0-9]([-A-Za-z0-9]{0,61}[A-Za-z0-9])?");
  private static final Pattern IPV4 = Pattern.compile("(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})");
  private static final Pattern IPV6_CHARS = Pattern.compile("[0-9A-Fa-f:.]+");

  private HostSyntax() {}

  /** Dot-separated RFC 1123 labels, 253 characters at most. */
  static boolean isHostname(String text) {
    if (text.isEmpty() || text.length() > 253 || text.startsWith(".") || text.endsWith(".")) {
      return false;
    }
    for (var label : text.split("\\.", -1)) {
      if (!LABEL.matcher(label).matches()) {
        return false;
      }
    }
    return true;
  }

  /** Written like an IP address at all: digits and dots, or a colon. */
  static boolean looksLikeIp(String text) {
    return text.contains(":") || text.chars().allMatch(c -> c == '.' || Character.isDigit(c));
  }

  /** The address bytes of a dotted-quad IPv4 or a colon-form IPv6 literal (not IPv4-mapped); empty otherwise. */
  static Optional<byte[]> ipLiteral(String text) {
    var v4 = IPV4.matcher(text);
    if (v4.matches()) {
      var octets = new byte[4];
      for (int i = 0; i < 4; i++) {
        int octet = Integer.parseInt(v4.group(i + 1));
        if (octet > 255) {
          return Optional.empty();
        }
        octets[i] = (byte) octet;
      }
      return Optional.of(octets);
    }
    if (text.contains(":") && IPV6_CHARS.matcher(text).matches()) {
      try {
        // With a ':' the JDK reads an IPv6 literal and never looks the text up.
        var address = InetAddress.getByName(text);
        return address instanceof Inet6Address ? Optional.of(address.getAddress()) : Optional.empty();
      } catch (UnknownHostException e) {
        return Optional.empty();
      }
    }
    return Optional.empty();
  }

  /** The usual text of an address, as the runtime prints it in its suggestions. */
  static String format(byte[] address) {
    try {
      return InetAddress.getByAddress(address).getHostAddress();
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException("4 or 16 bytes always make an address", e);
    }
  }
}
