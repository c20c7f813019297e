package io.authtier.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import java.util.List;

/** Browser login through one of the issuers. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record LoginSpec(
    @Required
    @Size(max = 40)
    @JsonPropertyDescription("Name of the issuer (spec.issuers[].name) that browsers log in with.")
    String issuer,

    @Required
    @JsonPropertyDescription("OAuth client id of the runtime at that issuer.")
    String clientId,

    @JsonPropertyDescription("Secret key holding the client secret; leave out for a public client.")
    SecretKeyRef clientSecretRef,

    @Default("[\"openid\",\"profile\",\"email\"]")
    @Size(min = 1, max = 32)
    @JsonPropertyDescription("Scopes requested at login; must include openid.")
    List<String> scopes,

    @Required
    @Size(min = 1, max = 64)
    @JsonPropertyDescription("Hosts that a browser may be sent back to after login, such as shop.example.com or *.example.com. Other targets are refused (no open redirect).")
    List<String> allowedRedirectDomains,

    @Pattern(Patterns.CALLBACK_URL)
    @JsonPropertyDescription("The /oauth2/callback URL as browsers reach it, registered at the IdP, such as https://shop.example.com/oauth2/callback: https (http only for localhost or 127.0.0.1), no query, fragment or user info. Leave it out to derive it from each request's host (X-Forwarded-Proto and -Host from runtime.trustedProxies, else Host), which serves several app hosts.")
    String redirectUrl,

    @Default("false")
    @JsonPropertyDescription("Whether /auth answers a browser without a session (a request that accepts text/html) with a redirect to /oauth2/start instead of 401. For proxies that pass the auth answer to the browser (Traefik forwardAuth); leave it off for nginx auth_request, which accepts only 2xx, 401 and 403.")
    Boolean redirectToLogin) {

  public static final List<String> DEFAULT_SCOPES = List.of("openid", "profile", "email");

  public LoginSpec {
    scopes = scopes == null ? DEFAULT_SCOPES : List.copyOf(scopes);
    allowedRedirectDomains = allowedRedirectDomains == null ? List.of() : List.copyOf(allowedRedirectDomains);
    redirectToLogin = redirectToLogin == null ? Boolean.FALSE : redirectToLogin;
  }
}
