package io.authtier.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;

/** Client credentials for the issuer's token introspection endpoint. */
public record IntrospectionSpec(
    @Required
    @JsonPropertyDescription("OAuth client id used to call the introspection endpoint.")
    String clientId,

    @Required
    @JsonPropertyDescription("Secret key holding the client secret.")
    SecretKeyRef clientSecretRef,

    @Pattern("^[!-~]{1,64}$")
    @JsonPropertyDescription("Prefix of this issuer's opaque tokens, such as ory_at_ (1 to 64 visible ASCII characters)."
        + " Tokens that start with it are introspected at this issuer only (of overlapping prefixes, the longest), and other tokens never here, so no IdP"
        + " sees another's tokens. Without it, an opaque token is asked of every issuer without a prefix, in order.")
    String tokenPrefix) {

  /** Without a token prefix. */
  public IntrospectionSpec(String clientId, SecretKeyRef clientSecretRef) {
    this(clientId, clientSecretRef, null);
  }
}
