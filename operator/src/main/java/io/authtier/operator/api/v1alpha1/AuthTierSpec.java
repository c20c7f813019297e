package io.authtier.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.List;

/** What the auth tier should be. The operator never writes it. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(value = "self.issuers.all(i, self.issuers.exists_one(j, j.name == i.name))",
    message = "issuers[].name must be unique")
@ValidationRule(value = "self.issuers.all(i, self.issuers.exists_one(j, j.issuerUrl == i.issuerUrl))",
    message = "issuers[].issuerUrl must be unique: a token's iss picks its issuer by exact text; list each issuer once, with all its audiences")
@ValidationRule(value = "!has(self.routes) || self.routes.all(r, self.routes.exists_one(q, q.pathPrefix == r.pathPrefix))",
    message = "routes[].pathPrefix must be unique; merge the rules of a prefix into one route")
@ValidationRule(value = "!has(self.sessions.login) || self.sessions.store != 'Redis' || has(self.redis)",
    message = "sessions.store Redis (the default) keeps login sessions in spec.redis: add redis: {mode: Standalone} for a Redis the operator runs (or mode External), or, for development, set sessions.store: Memory with runtime.replicas: 1 and autoscaling.enabled: false")
@ValidationRule(value = "!has(self.sessions.login) || self.sessions.store != 'Memory' || (self.runtime.replicas == 1 && !self.autoscaling.enabled)",
    message = "sessions.store Memory keeps login sessions in one pod: set runtime.replicas to 1 and autoscaling.enabled to false, or use sessions.store Redis")
@ValidationRule(value = "!has(self.sessions.login) || self.issuers.exists(i, i.name == self.sessions.login.issuer)",
    message = "sessions.login.issuer must name one of spec.issuers[].name")
@ValidationRule(value = "!has(self.sessions.login) || 'openid' in self.sessions.login.scopes",
    message = "sessions.login.scopes must include openid")
@ValidationRule(value = "!has(oldSelf.redis) || (has(self.redis) && self.redis.mode == oldSelf.redis.mode)",
    message = "redis.mode cannot change after creation, and redis cannot be removed; create a new AuthTier to move to another mode")
public record AuthTierSpec(
    @Required
    @Size(min = 1, max = AuthTierSpec.MAX_ISSUERS)
    @JsonPropertyDescription("OIDC issuers whose tokens are accepted.")
    List<IssuerSpec> issuers,

    @Default("{}")
    @JsonPropertyDescription("Caches of token validation results.")
    TokenCacheSpec tokenCache,

    @Default("{}")
    @JsonPropertyDescription("Timeouts, retries, circuit breaker and connection pool for calls to the IdP.")
    ResilienceSpec resilience,

    @Default("{}")
    @JsonPropertyDescription("Browser sessions and login.")
    SessionsSpec sessions,

    @JsonPropertyDescription("The Redis for sessions and the shared token cache. Needed by sessions.store Redis.")
    RedisSpec redis,

    @Default("{}")
    @JsonPropertyDescription("The auth-runtime pods.")
    RuntimeSpec runtime,

    @Default("{}")
    @JsonPropertyDescription("Horizontal autoscaling of the runtime.")
    AutoscalingSpec autoscaling,

    @Default("{}")
    @JsonPropertyDescription("Disruption budget of the runtime.")
    DisruptionSpec disruption,

    @Default("{}")
    @JsonPropertyDescription("Prometheus monitoring and alerts.")
    MonitoringSpec monitoring,

    @Size(max = AuthTierSpec.MAX_ROUTES)
    @JsonPropertyDescription("Access rules by path prefix for the apps behind the ingress, applied on top of any rule in the auth URL. Routes need the ingress to send the original path (X-Original-URI, X-Forwarded-Uri) from a proxy in runtime.trustedProxies; without it every request under routes is refused.")
    List<RouteSpec> routes) {

  /** Most issuers one tier takes (the CRD's maxItems). */
  public static final int MAX_ISSUERS = 16;
  /** Most routes one tier takes (the CRD's maxItems). */
  public static final int MAX_ROUTES = 64;

  public AuthTierSpec {
    issuers = issuers == null ? List.of() : List.copyOf(issuers);
    tokenCache = tokenCache == null ? new TokenCacheSpec(null, null, null) : tokenCache;
    resilience = resilience == null ? new ResilienceSpec(null, null, null, null) : resilience;
    sessions = sessions == null ? new SessionsSpec(null, null, null, null, null, null, null) : sessions;
    runtime = runtime == null ? new RuntimeSpec(null, null, null, null, null, null) : runtime;
    autoscaling = autoscaling == null ? new AutoscalingSpec(null, null, null, null, null, null) : autoscaling;
    disruption = disruption == null ? new DisruptionSpec(null) : disruption;
    monitoring = monitoring == null ? new MonitoringSpec(null, null) : monitoring;
    routes = routes == null ? List.of() : List.copyOf(routes);
  }
}
