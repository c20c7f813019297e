package io.authtier.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;
import java.util.List;

/** The session cookie: always Secure, HttpOnly and without Domain. */
public record CookieSpec(
    @Default("__Host-authtier")
    @Pattern("^__Host-[!#$%&'*+.^_`|~0-9A-Za-z-]+$")
    @JsonPropertyDescription("Cookie name. The __Host- prefix is required: it pins the cookie to one host over HTTPS.")
    String name,

    @Default("Lax")
    @JsonPropertyDescription("SameSite attribute of the cookie.")
    SameSite sameSite,

    @Size(max = 8)
    @JsonPropertyDescription("Keys that sign the cookie. The first signs; all verify, so a new key can be put first without logging anyone out. Required with sessions.login.")
    List<SigningKeySpec> signingKeys) {

  public CookieSpec {
    name = name == null ? "__Host-authtier" : name;
    sameSite = sameSite == null ? SameSite.Lax : sameSite;
    signingKeys = signingKeys == null ? List.of() : List.copyOf(signingKeys);
  }

  /** SameSite values. */
  public enum SameSite { Strict, Lax, None }
}
