package io.authtier.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Pattern;

/** Browser sessions kept by the runtime. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record SessionsSpec(
    @Default("Redis")
    @JsonPropertyDescription("Where login sessions live. With sessions.login, Redis needs spec.redis and Memory (for development) allows one"
        + " replica only; without login there are no sessions, and a tier of bearer tokens alone needs neither.")
    SessionStore store,

    @Default("{}")
    @JsonPropertyDescription("The session cookie.")
    CookieSpec cookie,

    @Default("24h")
    @Pattern(Patterns.DURATION)
    @JsonPropertyDescription("A session unused for this long ends (sliding).")
    String idleTimeout,

    @Default("7d")
    @Pattern(Patterns.DURATION)
    @JsonPropertyDescription("A session ends this long after login, used or not. At least idleTimeout, at most 400d (browsers keep a cookie 400 days at most).")
    String absoluteTimeout,

    @Default("500ms")
    @Pattern(Patterns.DURATION)
    @JsonPropertyDescription("How long a replica remembers a session it has read: 0s (off) to 5s. Repeated requests with one cookie within this time cost no Redis read, but a logout made through another replica may take this long to be seen here.")
    String localCacheTtl,

    @Default("None")
    @JsonPropertyDescription("What /auth adds for a browser session so that the app can call APIs as the user: None, Header (X-Auth-Request-Access-Token: <token>) or Authorization (Authorization: Bearer <token>). Copy that header to the upstream request in the ingress.")
    AccessTokenPassing passAccessToken,

    @JsonPropertyDescription("Browser login (OIDC authorization code flow with PKCE). Without it, only bearer tokens are accepted.")
    LoginSpec login) {

  public SessionsSpec {
    store = store == null ? SessionStore.Redis : store;
    cookie = cookie == null ? new CookieSpec(null, null, null) : cookie;
    idleTimeout = idleTimeout == null ? "24h" : idleTimeout;
    absoluteTimeout = absoluteTimeout == null ? "7d" : absoluteTimeout;
    localCacheTtl = localCacheTtl == null ? "500ms" : localCacheTtl;
    passAccessToken = passAccessToken == null ? AccessTokenPassing.None : passAccessToken;
  }
}
