package io.authtier.operator.api.v1alpha1;

/**
 * Whether and how {@code /auth} hands a browser session's access token to the upstream
 * ({@code sessions.passAccessToken} of the runtime). The ingress copies the header to the request it
 * forwards, like the identity headers. Bearer-token requests are not affected: they carry their token.
 */
public enum AccessTokenPassing {
  /** Not at all: the upstream gets the identity headers only. */
  None,
  /** As {@code X-Auth-Request-Access-Token: <token>}. */
  Header,
  /** As {@code Authorization: Bearer <token>}, which the ingress copies over the request's own header. */
  Authorization
}
