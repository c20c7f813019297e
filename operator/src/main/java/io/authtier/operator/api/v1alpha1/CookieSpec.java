package io.authtier.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;
import java.util.List;

/** The session cookie: always Secure, HttpOnly and without Domain. */
public record CookieSpec(
    @Default("__Host-authtier")
    @Pattern(CookieSpec.NAME_PATTERN)
    @JsonPropertyDescription("Cookie name: __Host- (required: it pins the cookie to one host over HTTPS), then one or more"
        + " letters, digits and !#$%&'*+-.^_`|~ (HTTP token characters).")
    String name,

    @Default("Lax")
    @JsonPropertyDescription("SameSite attribute of the cookie.")
    SameSite sameSite,

    @Size(max = 8)
    @JsonPropertyDescription("Keys that sign the cookie. The first signs; all verify, so a new key can be put first without logging anyone out."
        + " Left out with sessions.login, the operator generates one key (id generated) in the Secret <name>-cookie-key, which it owns"
        + " and never rewrites.")
    List<SigningKeySpec> signingKeys) {

  /** Browsers keep a cookie so named to the host that set it, over HTTPS, for path /. */
  public static final String NAME_PREFIX = "__Host-";
  /** One character of a cookie name: an RFC 9110 token character, as the runtime checks. */
  public static final String NAME_CHARACTER = "[!#$%&'*+.^_`|~0-9A-Za-z-]";
  /** The schema pattern of name; the operator's validator checks its two parts apart, to name the one that fails. */
  static final String NAME_PATTERN = "^" + NAME_PREFIX + NAME_CHARACTER + "+$";

  public CookieSpec {
    name = name == null ? "__Host-authtier" : name;
    sameSite = sameSite == null ? SameSite.Lax : sameSite;
    signingKeys = signingKeys == null ? List.of() : List.copyOf(signingKeys);
  }

  /** SameSite values. */
  public enum SameSite { Strict, Lax, None }
}
