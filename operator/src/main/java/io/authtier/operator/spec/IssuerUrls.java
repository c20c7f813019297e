package io.authtier.operator.spec;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Optional;

/** Issuer URLs as the runtime reads them: absolute http(s), a host, no user info, query or fragment (OIDC Discovery, section 2). */
final class IssuerUrls {
  private static final String EXAMPLE = "such as https://keycloak.example.com/realms/shop";

  private IssuerUrls() {}

  static Optional<String> problem(String text) {
    if (text == null || text.isBlank()) {
      return Optional.of("is required: the issuer's URL exactly as its tokens' iss claim has it, " + EXAMPLE);
    }
    URI uri;
    try {
      uri = new URI(text);
    } catch (URISyntaxException e) {
      return Optional.of("is not a URL; write an http(s) URL, " + EXAMPLE);
    }
    if (uri.getRawUserInfo() != null) {
      // Not echoed: user info may hold a password.
      return Optional.of("must not contain user:password@; the issuer URL is public, " + EXAMPLE);
    }
    boolean http = "https".equalsIgnoreCase(uri.getScheme()) || "http".equalsIgnoreCase(uri.getScheme());
    if (!http || uri.getHost() == null) {
      return Optional.of("'" + text + "' is not an absolute http(s) URL with a host name; " + EXAMPLE);
    }
    if (uri.getRawQuery() != null || uri.getRawFragment() != null) {
      return Optional.of("'" + text + "': an issuer URL has no query or fragment; " + EXAMPLE);
    }
    return Optional.empty();
  }
}
