package io.authtier.runtime.config;

/** {@code sessions.passAccessToken}: whether and how {@code /auth} hands a session's access token upstream. */
public enum AccessTokenPassing {
    /** Not at all: the upstream gets the identity headers only. */
    None,
    /** As {@code X-Auth-Request-Access-Token} (copy it in the ingress like the identity headers). */
    Header,
    /** As {@code Authorization: Bearer <token>} (the ingress copies it over the request's own header). */
    Authorization
}
