package io.authtier.operator.spec;

import java.util.Optional;

/**
 * The forms of runtime.trustedProxies, redis.external.endpoints and login.allowedRedirectDomains that the
 * runtime accepts ({@code config/Cidr}, {@code HostAndPort}, {@code RuntimeConfigReader.redirectDomain}).
 * Each check gives the problem with its fix, or empty when the value is fine.
 */
final class NetworkRules {
  private NetworkRules() {}

  /** {@code address/prefix} with no host bits set, such as 10.0.0.0/8 or fd00::/8. */
  static Optional<String> cidr(String text) {
    if (text == null || text.isBlank()) {
      return Optional.of("must not be empty; write a network such as 10.0.0.0/8");
    }
    int slash = text.indexOf('/');
    var address = HostSyntax.ipLiteral(slash < 0 ? text : text.substring(0, slash));
    if (address.isEmpty()) {
      return Optional.of("'" + text + "' is not an IP address with a prefix length; write a network such as 10.0.0.0/8 or fd00::/8");
    }
    int bits = address.get().length * 8;
    if (slash < 0) {
      return Optional.of("'" + text + "' has no prefix length; write " + text + "/" + bits + " for this one address or a network such as 10.0.0.0/8");
    }
    var digits = text.substring(slash + 1);
    int prefix = digits.matches("\\d{1,3}") ? Integer.parseInt(digits) : -1;
    if (prefix < 0 || prefix > bits) {
      return Optional.of("'" + text + "' has a bad prefix length; use 0.." + bits + " after the '/'");
    }
    var network = masked(address.get(), prefix);
    if (!java.util.Arrays.equals(network, address.get())) {
      // Widening or narrowing a trust boundary silently is worse than asking.
      return Optional.of("'" + text + "' has host bits set; did you mean " + HostSyntax.format(network) + "/" + prefix + "?");
    }
    return Optional.empty();
  }

  /** {@code host:port} with a port of 1 to 65535 and an IPv6 host in brackets. */
  static Optional<String> endpoint(String text) {
    var fix = "; write host:port, such as redis.shop.svc:6379 ([::1]:6379 for IPv6)";
    if (text == null || text.isBlank()) {
      return Optional.of("must not be empty" + fix);
    }
    int at = text.lastIndexOf('@');
    if (at >= 0) {
      // Not echoed: what comes before '@' may be a password (redis://:password@host:6379), and this message reaches
      // status, Events and logs, which more people read than the AuthTier's spec.
      return Optional.of("'…@" + text.substring(at + 1) + "' has user info before '@' (not shown here: it may hold a"
          + " password); put the password in a Secret and name it in redis.external.passwordSecretRef" + fix);
    }
    if (text.contains("://")) {
      return Optional.of("'" + text + "' is a URL" + fix);
    }
    int colon = text.lastIndexOf(':');
    if (colon < 0) {
      return Optional.of("'" + text + "' has no port" + fix);
    }
    var host = text.substring(0, colon);
    var port = text.substring(colon + 1);
    boolean hostOk;
    if (host.startsWith("[") && host.endsWith("]")) {
      var inner = host.substring(1, host.length() - 1);
      hostOk = inner.contains(":") && HostSyntax.ipLiteral(inner).isPresent();
    } else if (host.contains(":")) {
      hostOk = false;
    } else {
      hostOk = HostSyntax.looksLikeIp(host) ? HostSyntax.ipLiteral(host).isPresent() : HostSyntax.isHostname(host);
    }
    if (!hostOk) {
      return Optional.of("'" + text + "' has no valid host name or IP address before the ':'" + fix);
    }
    if (!port.matches("\\d{1,5}") || Integer.parseInt(port) < 1 || Integer.parseInt(port) > 65535) {
      return Optional.of("'" + text + "' has a bad port; use 1..65535 after the ':'" + fix);
    }
    return Optional.empty();
  }

  /** A host name, or {@code *.} and a host name of two or more labels (never {@code *.com}). */
  static Optional<String> redirectDomain(String text) {
    if (text == null || text.isBlank()) {
      return Optional.of("must not be empty; list a host name such as shop.example.com");
    }
    if (text.contains("/")) {
      return Optional.of("'" + text + "' is not a host name; list the host name alone, such as shop.example.com");
    }
    if (text.contains(":")) {
      return Optional.of("'" + text + "': list the host name without a port, such as shop.example.com");
    }
    boolean wildcard = text.startsWith("*.");
    var host = wildcard ? text.substring(2) : text;
    if (!HostSyntax.isHostname(host)) {
      return Optional.of("'" + text + "' is not a host name; write shop.example.com, or *.example.com for its subdomains");
    }
    if (wildcard && !host.contains(".")) {
      return Optional.of("'" + text + "' would allow every domain under a top-level domain; write *.example.com or a longer suffix");
    }
    return Optional.empty();
  }

  private static byte[] masked(byte[] address, int prefixLength) {
    var bytes = address.clone();
    for (int i = 0; i < bytes.length; i++) {
      int keep = (int) Math.clamp(prefixLength - i * 8L, 0, 8);
      bytes[i] &= (byte) (0xFF << (8 - keep));
    }
    return bytes;
  }
}
