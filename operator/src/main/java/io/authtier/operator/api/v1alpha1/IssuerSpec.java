package io.authtier.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import java.util.List;

/** An OIDC issuer whose tokens the runtime accepts, for example one Keycloak realm. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record IssuerSpec(
    @Required
    @Pattern(Patterns.DNS_LABEL)
    @Size(max = 40)
    @JsonPropertyDescription("Short name of the issuer, unique in this AuthTier; used in metrics and by sessions.login.issuer.")
    String name,

    @Required
    @Pattern(Patterns.ISSUER_URL)
    @Size(max = 2048)
    @JsonPropertyDescription("Issuer URL, matched exactly against the token's iss claim; unique among the issuers; no user info, query or fragment. Keys and endpoints come from its /.well-known/openid-configuration.")
    String issuerUrl,

    @Required
    @Size(min = 1, max = 16)
    @JsonPropertyDescription("Audiences the runtime accepts: a token's aud claim must contain at least one of them.")
    List<String> audiences,

    @Default("[\"RS256\",\"PS256\",\"ES256\"]")
    @Size(min = 1)
    @JsonPropertyDescription("Signature algorithms accepted from this issuer. Asymmetric only: keys come from the issuer's JWKS. EdDSA and Ed25519 take Ed25519 keys (kty OKP); Ed448 keys are not supported.")
    List<SigningAlgorithm> allowedAlgorithms,

    @Default("30s")
    @Pattern(Patterns.DURATION)
    @JsonPropertyDescription("Tolerance for clock differences when checking exp, nbf and iat.")
    String clockSkew,

    @JsonPropertyDescription("Token introspection (RFC 7662) for opaque tokens. Without it, only JWTs are accepted from this issuer.")
    IntrospectionSpec introspection) {

  public static final List<SigningAlgorithm> DEFAULT_ALGORITHMS =
      List.of(SigningAlgorithm.RS256, SigningAlgorithm.PS256, SigningAlgorithm.ES256);

  public IssuerSpec {
    audiences = audiences == null ? List.of() : List.copyOf(audiences);
    allowedAlgorithms = allowedAlgorithms == null ? DEFAULT_ALGORITHMS : List.copyOf(allowedAlgorithms);
    clockSkew = clockSkew == null ? "30s" : clockSkew;
  }
}
