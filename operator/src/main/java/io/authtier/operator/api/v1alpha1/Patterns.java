package io.authtier.operator.api.v1alpha1;

/** Regular expressions shared by the schema annotations. */
final class Patterns {
  static final String DNS_LABEL = "^[a-z0-9]([-a-z0-9]*[a-z0-9])?$";
  static final String DNS_SUBDOMAIN = "^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$";
  static final String SECRET_KEY = "^[-._a-zA-Z0-9]+$";
  /**
   * One or more {@code <integer><unit>} with ms, s, m, h or d, the largest unit first and each at most once:
   * {@code 500ms}, {@code 30s}, {@code 1h30m}, {@code 7d}. The runtime reads exactly this form, so a value the
   * API server admits never stops the runtime at start. RE2-safe (no lookahead): one branch per largest unit.
   */
  static final String DURATION = "^([0-9]+d([0-9]+h)?([0-9]+m)?([0-9]+s)?([0-9]+ms)?"
      + "|[0-9]+h([0-9]+m)?([0-9]+s)?([0-9]+ms)?"
      + "|[0-9]+m([0-9]+s)?([0-9]+ms)?"
      + "|[0-9]+s([0-9]+ms)?"
      + "|[0-9]+ms)$";
  /**
   * An issuer URL: http(s), a host, no user info ('@' before the path), query or fragment, as OpenID Connect
   * Discovery requires and the runtime checks. The operator also parses it as the runtime does.
   */
  static final String ISSUER_URL = "^https?://[^\\s/?#@]+(/[^\\s?#]*)?$";
  /**
   * The runtime's login callback: https to a host name (or 127.0.0.1), plain http only to localhost or
   * 127.0.0.1, an optional port, a path ending in /oauth2/callback, and no user info, query or fragment.
   * Stricter than the runtime (no IPv6 literals, no percent-encoding), so what passes here loads there.
   */
  static final String CALLBACK_URL = "^(https://(([A-Za-z0-9]([-A-Za-z0-9]*[A-Za-z0-9])?\\.)*[A-Za-z]([-A-Za-z0-9]*[A-Za-z0-9])?|127\\.0\\.0\\.1)"
      + "|http://(localhost|127\\.0\\.0\\.1))(:[0-9]{1,5})?(/[-A-Za-z0-9._~]+)*/oauth2/callback$";
  /** A container image reference has no whitespace: Kubernetes refuses one with spaces at its ends, and none pulls. */
  static final String IMAGE = "^\\S+$";
  /**
   * A Kubernetes quantity that is not negative, as a string: Kubernetes' own grammar (that of controller-gen's
   * schema for resource.Quantity) without the minus sign, since no container may request or be limited to less
   * than nothing. An integer in YAML is not matched by a pattern; the operator checks its sign. Written without
   * backslashes so that it can stand in JSON as it is (see {@link RuntimeResourcesSchema}).
   */
  static final String QUANTITY = "^[+]?(([0-9]+([.][0-9]*)?)|([.][0-9]+))(([KMGTPE]i)|[numkMGTPE]"
      + "|([eE][+-]?(([0-9]+([.][0-9]*)?)|([.][0-9]+))))?$";
  static final String HOST_PORT = "^(\\[[0-9a-fA-F:.]+\\]|[A-Za-z0-9]([-A-Za-z0-9.]*[A-Za-z0-9])?):[0-9]{1,5}$";

  private Patterns() {}
}
