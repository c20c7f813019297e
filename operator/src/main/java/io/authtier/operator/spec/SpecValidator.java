package io.authtier.operator.spec;

import io.authtier.operator.api.v1alpha1.AuthTier;
import io.authtier.operator.api.v1alpha1.AuthTierSpec;
import io.authtier.operator.api.v1alpha1.AutoscalingSpec;
import io.authtier.operator.api.v1alpha1.CookieSpec;
import io.authtier.operator.api.v1alpha1.IssuerSpec;
import io.authtier.operator.api.v1alpha1.MonitoringSpec;
import io.authtier.operator.api.v1alpha1.PersistenceSpec;
import io.authtier.operator.api.v1alpha1.RedisMode;
import io.authtier.operator.api.v1alpha1.RedisSpec;
import io.authtier.operator.api.v1alpha1.RedisTopology;
import io.authtier.operator.api.v1alpha1.ResilienceSpec;
import io.authtier.operator.api.v1alpha1.RuntimeSpec;
import io.authtier.operator.api.v1alpha1.SecretKeyRef;
import io.authtier.operator.api.v1alpha1.SessionStore;
import io.authtier.operator.api.v1alpha1.TokenCacheSpec;
import io.authtier.operator.reconcile.Names;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * The rules of the CRD schema and its CEL, checked again by the operator: the API server is not
 * always there to apply them ({@code render} works offline, and some clusters run without
 * validation), and a few rules cannot be written in CEL (durations with days).
 * {@code CelRulesTest} holds the CEL text and these checks to the same verdicts.
 */
public final class SpecValidator {
  private static final Pattern DNS_LABEL = Pattern.compile("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$");
  private static final Pattern COOKIE_NAME_CHARACTER = Pattern.compile(CookieSpec.NAME_CHARACTER);
  /** The schema pattern of issuers[].introspection.tokenPrefix, which the runtime applies too. */
  private static final Pattern TOKEN_PREFIX = Pattern.compile("^[!-~]{1,64}$");
  /** The schema pattern of sessions.login.redirectUrl; CelRulesTest holds the two to the same verdicts. */
  private static final Pattern CALLBACK_URL = Pattern.compile(
      "^(https://(([A-Za-z0-9]([-A-Za-z0-9]*[A-Za-z0-9])?\\.)*[A-Za-z]([-A-Za-z0-9]*[A-Za-z0-9])?|127\\.0\\.0\\.1)"
      + "|http://(localhost|127\\.0\\.0\\.1))(:[0-9]{1,5})?(/[-A-Za-z0-9._~]+)*/oauth2/callback$");

  /** The runtime refuses a longer sessions.localCacheTtl: a logout elsewhere must be seen within seconds. */
  private static final Duration MAX_LOCAL_CACHE_TTL = Duration.ofSeconds(5);
  /** The runtime refuses a longer issuers[].clockSkew: beyond it an expired token would pass for minutes. */
  private static final Duration MAX_CLOCK_SKEW = Duration.ofMinutes(5);
  /** The runtime refuses a longer sessions.absoluteTimeout: browsers keep a cookie 400 days at most. */
  private static final Duration MAX_SESSION_LIFETIME = Duration.ofDays(400);

  private SpecValidator() {}

  public static List<SpecProblem> validate(AuthTier tier) {
    var problems = new ArrayList<SpecProblem>();
    Consumer<SpecProblem> report = problems::add;
    var spec = tier.getSpec();
    checkName(tier.getMetadata() == null ? null : tier.getMetadata().getName(), spec == null ? null : spec.redis(), report);
    if (spec == null) {
      report.accept(new SpecProblem("spec", "is required; an AuthTier needs at least spec.issuers"));
      return problems;
    }
    checkIssuers(spec, report);
    checkTokenCache(spec, report);
    checkResilience(spec, report);
    checkSessions(spec, report);
    checkRedis(spec.redis(), report);
    checkScaling(spec, report);
    checkRoutes(spec, report);
    checkMonitoring(spec, report);
    return problems;
  }

  private static void checkName(String name, RedisSpec redis, Consumer<SpecProblem> report) {
    int limit = Names.maxTierName(redis);
    boolean managedRedis = redis != null && redis.mode() != RedisMode.External;
    if (name == null || name.isBlank()) {
      report.accept(new SpecProblem("metadata.name", "is required"));
    } else if (!DNS_LABEL.matcher(name).matches()) {
      report.accept(new SpecProblem("metadata.name", "must be a DNS label (lower case letters, digits, '-'): objects are named after it"));
    } else if (name.length() > limit) {
      report.accept(new SpecProblem("metadata.name", "is " + name.length() + " characters; at most " + limit + " fit "
          + (managedRedis
              ? "with redis.mode " + redis.mode() + ": the Redis StatefulSet " + name + "-redis labels its pods with its name and a"
                  + " 10-character revision hash, and its Services and pods need DNS labels, all within 63 characters"
              : "the runtime's Services, " + name + " and " + name + "-metrics, within 63 characters")
          + "; create the AuthTier under a shorter name"));
    }
  }

  private static void checkIssuers(AuthTierSpec spec, Consumer<SpecProblem> report) {
    if (spec.issuers().isEmpty()) {
      report.accept(new SpecProblem("spec.issuers", "needs at least one issuer (name, issuerUrl, audiences)"));
    }
    // The CRD's maxItems, which render and a mock API server do not apply.
    if (spec.issuers().size() > AuthTierSpec.MAX_ISSUERS) {
      report.accept(new SpecProblem("spec.issuers", "has " + spec.issuers().size() + " issuers, at most " + AuthTierSpec.MAX_ISSUERS
          + " are allowed; split the apps among several AuthTiers"));
    }
    if (spec.routes().size() > AuthTierSpec.MAX_ROUTES) {
      report.accept(new SpecProblem("spec.routes", "has " + spec.routes().size() + " routes, at most " + AuthTierSpec.MAX_ROUTES
          + " are allowed; guard a common prefix with one route"));
    }
    var names = new HashSet<String>();
    var urls = new java.util.HashMap<String, Integer>();
    var prefixes = new HashMap<String, Integer>();
    for (int i = 0; i < spec.issuers().size(); i++) {
      IssuerSpec issuer = spec.issuers().get(i);
      var at = "spec.issuers[" + i + "]";
      if (issuer.name() == null || !DNS_LABEL.matcher(issuer.name()).matches() || issuer.name().length() > 40) {
        report.accept(new SpecProblem(at + ".name", "must be a DNS label of at most 40 characters, such as main"));
      } else if (!names.add(issuer.name())) {
        report.accept(new SpecProblem(at + ".name", "'" + issuer.name() + "' is used twice; issuer names must be unique"));
      }
      var urlProblem = IssuerUrls.problem(issuer.issuerUrl());
      urlProblem.ifPresent(p -> report.accept(new SpecProblem(at + ".issuerUrl", p)));
      // A token's iss picks its issuer by exact text: a second issuer with the same URL could never be chosen.
      var first = urlProblem.isPresent() ? null : urls.putIfAbsent(issuer.issuerUrl(), i);
      if (first != null) {
        report.accept(new SpecProblem(at + ".issuerUrl", "'" + issuer.issuerUrl() + "' is already the issuerUrl of spec.issuers["
            + first + "]; list each issuer once, with all its audiences in one audiences list"));
      }
      if (issuer.audiences().isEmpty() || issuer.audiences().stream().anyMatch(a -> a == null || a.isBlank())) {
        report.accept(new SpecProblem(at + ".audiences", "needs at least one non-empty audience, such as shop-api"));
      }
      if (issuer.allowedAlgorithms().isEmpty()) {
        report.accept(new SpecProblem(at + ".allowedAlgorithms", "needs at least one algorithm; leave it out for RS256, PS256, ES256"));
      }
      var skew = duration(at + ".clockSkew", issuer.clockSkew(), report);
      if (skew != null && skew.compareTo(MAX_CLOCK_SKEW) > 0) {
        report.accept(new SpecProblem(at + ".clockSkew", "'" + issuer.clockSkew()
            + "' is longer than the runtime allows; write at most 5m (30s by default)"));
      }
      if (issuer.introspection() != null) {
        if (blank(issuer.introspection().clientId())) {
          report.accept(new SpecProblem(at + ".introspection.clientId", "is required with introspection"));
        }
        secretRef(at + ".introspection.clientSecretRef", issuer.introspection().clientSecretRef(), true, report);
        var prefix = issuer.introspection().tokenPrefix();
        if (prefix != null && !TOKEN_PREFIX.matcher(prefix).matches()) {
          report.accept(new SpecProblem(at + ".introspection.tokenPrefix", "must be 1 to 64 visible ASCII characters, such as ory_at_"));
        } else if (prefix != null && prefixes.putIfAbsent(prefix, i) != null) {
          // As the runtime refuses it: two issuers with one prefix would see each other's tokens.
          report.accept(new SpecProblem(at + ".introspection.tokenPrefix", "'" + prefix + "' is already the tokenPrefix of spec.issuers["
              + prefixes.get(prefix) + "]; give each issuer the prefix of its own tokens"));
        }
      }
    }
  }

  private static void checkTokenCache(AuthTierSpec spec, Consumer<SpecProblem> report) {
    var cache = spec.tokenCache();
    range("spec.tokenCache.l1.maxEntries", cache.l1().maxEntries(), 1, TokenCacheSpec.MAX_L1_ENTRIES, report);
    var l1Ttl = positive("spec.tokenCache.l1.ttl", cache.l1().ttl(), report);
    positive("spec.tokenCache.l2.ttl", cache.l2().ttl(), report);
    var negativeTtl = positive("spec.tokenCache.negativeTtl", cache.negativeTtl(), report);
    if (l1Ttl != null && negativeTtl != null && negativeTtl.compareTo(l1Ttl) > 0) {
      report.accept(new SpecProblem("spec.tokenCache.negativeTtl", "'" + cache.negativeTtl()
          + "' must be at most tokenCache.l1.ttl (" + cache.l1().ttl()
          + "): a rejection must not be remembered longer than an acceptance; lower it, or raise l1.ttl"));
    }
  }

  private static void checkResilience(AuthTierSpec spec, Consumer<SpecProblem> report) {
    var resilience = spec.resilience();
    positive("spec.resilience.timeout", resilience.timeout(), report);
    positive("spec.resilience.retry.initialBackoff", resilience.retry().initialBackoff(), report);
    positive("spec.resilience.circuitBreaker.waitInOpenState", resilience.circuitBreaker().waitInOpenState(), report);
    range("spec.resilience.retry.maxAttempts", resilience.retry().maxAttempts(), 1, 10, report);
    range("spec.resilience.circuitBreaker.failureRateThreshold", resilience.circuitBreaker().failureRateThreshold(), 1, 100, report);
    range("spec.resilience.maxConnections", resilience.maxConnections(), 1, ResilienceSpec.MAX_CONNECTIONS, report);
  }

  /** The alert thresholds: a value outside them renders an alert that can never fire. */
  private static void checkMonitoring(AuthTierSpec spec, Consumer<SpecProblem> report) {
    var alerts = spec.monitoring().alerts();
    var responseTime = positive("spec.monitoring.alerts.responseTimeWarning", alerts.responseTimeWarning(), report);
    if (responseTime != null && responseTime.compareTo(MonitoringSpec.Alerts.LARGEST_RESPONSE_TIME_BUCKET) >= 0) {
      report.accept(new SpecProblem("spec.monitoring.alerts.responseTimeWarning", "'" + alerts.responseTimeWarning()
          + "' is not below 5s, the runtime's largest response-time bucket: a p99 above it reads as 5s, so the alert"
          + " could never fire; write less than 5s"));
    }
    range("spec.monitoring.alerts.errorRateCritical", alerts.errorRateCritical(), 1, 100, report);
    range("spec.monitoring.alerts.cacheHitRateWarning", alerts.cacheHitRateWarning(), 1, 100, report);
    range("spec.monitoring.alerts.memoryCritical", alerts.memoryCritical(), 1, 100, report);
    spec.monitoring().labels().forEach((key, value) -> {
      var at = "spec.monitoring.labels";
      LabelSyntax.key(key).or(() -> LabelSyntax.value(key, value)).ifPresentOrElse(
          problem -> report.accept(new SpecProblem(at, problem)),
          () -> {
            if (key.startsWith("app.kubernetes.io/")) {
              report.accept(new SpecProblem(at, "'" + key + "' is one of the operator's own labels (app.kubernetes.io/),"
                  + " which select and describe its objects; use another key"));
            }
          });
    });
  }

  private static void checkSessions(AuthTierSpec spec, Consumer<SpecProblem> report) {
    var sessions = spec.sessions();
    var idle = positive("spec.sessions.idleTimeout", sessions.idleTimeout(), report);
    var absolute = positive("spec.sessions.absoluteTimeout", sessions.absoluteTimeout(), report);
    if (absolute != null && absolute.compareTo(MAX_SESSION_LIFETIME) > 0) {
      report.accept(new SpecProblem("spec.sessions.absoluteTimeout", "'" + sessions.absoluteTimeout()
          + "' is longer than the runtime allows; write at most 400d (browsers cap a cookie's lifetime at 400 days)"));
    } else if (idle != null && absolute != null && absolute.compareTo(idle) < 0) {
      report.accept(new SpecProblem("spec.sessions.absoluteTimeout", "must be at least sessions.idleTimeout ("
          + sessions.idleTimeout() + ")"));
    }
    var localCacheTtl = duration("spec.sessions.localCacheTtl", sessions.localCacheTtl(), report);
    if (localCacheTtl != null && localCacheTtl.compareTo(MAX_LOCAL_CACHE_TTL) > 0) {
      report.accept(new SpecProblem("spec.sessions.localCacheTtl", "'" + sessions.localCacheTtl()
          + "' is longer than the runtime allows; write at most 5s (500ms by default, 0s turns it off)"));
    }
    cookieName(sessions.cookie().name()).ifPresent(p -> report.accept(new SpecProblem("spec.sessions.cookie.name", p)));
    var keyIds = new HashSet<String>();
    for (int i = 0; i < sessions.cookie().signingKeys().size(); i++) {
      var key = sessions.cookie().signingKeys().get(i);
      var at = "spec.sessions.cookie.signingKeys[" + i + "]";
      if (key.id() == null || !key.id().matches("^[A-Za-z0-9._-]{1,64}$")) {
        report.accept(new SpecProblem(at + ".id", "must be 1 to 64 letters, digits, '.', '_' or '-'"));
      } else if (!keyIds.add(key.id())) {
        report.accept(new SpecProblem(at + ".id", "'" + key.id() + "' is used twice; key ids must be unique"));
      }
      secretRef(at + ".secretRef", key.secretRef(), true, report);
    }
    var login = sessions.login();
    if (login == null) {
      return; // no login, no sessions: bearer tokens alone need neither Redis nor a single pod
    }
    if (sessions.store() == SessionStore.Redis && spec.redis() == null) {
      report.accept(new SpecProblem("spec.sessions.store", "Redis (the default) keeps login sessions in spec.redis: add redis: {mode: Standalone} for a Redis the operator runs (or mode External), or, for development, set sessions.store: Memory with runtime.replicas: 1 and autoscaling.enabled: false"));
    }
    if (sessions.store() == SessionStore.Memory && (spec.runtime().replicas() != 1 || spec.autoscaling().enabled())) {
      report.accept(new SpecProblem("spec.sessions.store", "Memory keeps login sessions in one pod: set runtime.replicas to 1 and autoscaling.enabled to false, or use sessions.store Redis"));
    }
    if (spec.issuers().stream().noneMatch(i -> login.issuer() != null && login.issuer().equals(i.name()))) {
      report.accept(new SpecProblem("spec.sessions.login.issuer", "must name one of spec.issuers[].name"));
    }
    if (blank(login.clientId())) {
      report.accept(new SpecProblem("spec.sessions.login.clientId", "is required with login"));
    }
    secretRef("spec.sessions.login.clientSecretRef", login.clientSecretRef(), false, report);
    if (!login.scopes().contains("openid")) {
      report.accept(new SpecProblem("spec.sessions.login.scopes", "must include openid"));
    }
    for (int i = 0; i < login.scopes().size(); i++) {
      var scope = login.scopes().get(i);
      if (scope == null || !scope.matches("\\S+")) {
        report.accept(new SpecProblem("spec.sessions.login.scopes[" + i + "]", "'" + scope
            + "' is not one scope; list one scope per item, such as [openid, profile]"));
      }
    }
    each("spec.sessions.login.allowedRedirectDomains", login.allowedRedirectDomains(), NetworkRules::redirectDomain, report);
    if (login.redirectUrl() != null && !CALLBACK_URL.matcher(login.redirectUrl()).matches()) {
      report.accept(new SpecProblem("spec.sessions.login.redirectUrl", "'" + login.redirectUrl()
          + "' must be the https URL of /oauth2/callback as browsers reach it, such as https://shop.example.com/oauth2/callback"
          + " (http only for localhost or 127.0.0.1; no query, fragment or user info); or leave it out to derive it from each request"));
    }
    if (login.allowedRedirectDomains().isEmpty()) {
      report.accept(new SpecProblem("spec.sessions.login.allowedRedirectDomains", "needs at least one host, such as shop.example.com"));
    }
  }

  /**
   * The schema pattern of sessions.cookie.name (the __Host- prefix, then one or more token characters), checked
   * part by part so that the message names what is wrong: the prefix, the characters, or both.
   */
  private static Optional<String> cookieName(String name) {
    var refused = name.codePoints().filter(c -> !COOKIE_NAME_CHARACTER.matcher(Character.toString(c)).matches()).distinct()
        .mapToObj(SpecValidator::describeCharacter).toList();
    var wrong = new ArrayList<String>();
    if (!name.startsWith(CookieSpec.NAME_PREFIX)) {
      // The runtime compares the prefix case-sensitively: __host-x is suggested as __Host-x, not __Host-__host-x.
      var rest = name.regionMatches(true, 0, CookieSpec.NAME_PREFIX, 0, CookieSpec.NAME_PREFIX.length())
          ? name.substring(CookieSpec.NAME_PREFIX.length()) : name;
      wrong.add("must start with __Host- (it pins the cookie to one host over HTTPS)"
          + (refused.isEmpty() ? ", such as " + CookieSpec.NAME_PREFIX + (rest.isEmpty() ? "authtier" : rest) : ""));
    } else if (name.length() == CookieSpec.NAME_PREFIX.length()) {
      wrong.add("needs a name after the __Host- prefix, such as __Host-authtier");
    }
    if (!refused.isEmpty()) {
      var last = refused.getLast();
      var listed = refused.size() == 1 ? last : String.join(", ", refused.subList(0, refused.size() - 1)) + " and " + last;
      wrong.add("may contain only letters, digits and !#$%&'*+-.^_`|~ (HTTP token characters): remove " + listed);
    }
    return wrong.isEmpty() ? Optional.empty() : Optional.of("'" + name + "' " + String.join("; and it ", wrong));
  }

  /** A character as a message can show it: quoted if visible, else named or given by its code point. */
  private static String describeCharacter(int c) {
    if (c == ' ') {
      return "the space";
    }
    return Character.isISOControl(c) || Character.isWhitespace(c) ? "U+%04X".formatted(c) : "'" + Character.toString(c) + "'";
  }

  private static void checkRedis(RedisSpec redis, Consumer<SpecProblem> report) {
    if (redis == null) {
      return;
    }
    if (redis.mode() != RedisMode.External) {
      secretRef("spec.redis.passwordSecretRef", redis.passwordSecretRef(), false, report);
      if (redis.image() == null || redis.image().isBlank()) {
        report.accept(new SpecProblem("spec.redis.image", "must name a Redis image, such as " + RedisSpec.DEFAULT_IMAGE));
      } else {
        image("spec.redis.image", redis.image(), RedisSpec.DEFAULT_IMAGE, report);
      }
      if (redis.mode() == RedisMode.Cluster) {
        range("spec.redis.cluster.masters", redis.cluster().masters(), 3, 64, report);
        range("spec.redis.cluster.replicasPerMaster", redis.cluster().replicasPerMaster(), 0, 5, report);
      }
      if (redis.persistence().enabled()) {
        var size = redis.persistence().size();
        // The CRD's pattern (which a mock API server or render does not apply), and more than nothing.
        if (size == null || !size.matches(PersistenceSpec.SIZE_PATTERN) || size.matches("^[0.]+[A-Za-z]*$")) {
          report.accept(new SpecProblem("spec.redis.persistence.size", "'" + size + "' is not a volume size: write a positive"
              + " number with Ki, Mi, Gi, Ti, k, M, G or T, such as 1Gi"));
        }
      }
      if (redis.external() != null) {
        report.accept(new SpecProblem("spec.redis.external", "describes a Redis of your own, for mode External only; with mode "
            + redis.mode() + " the operator runs Redis itself: remove redis.external"));
      }
    } else if (redis.passwordSecretRef() != null) {
      report.accept(new SpecProblem("spec.redis.passwordSecretRef", "is the password of a Redis the operator runs; for mode External"
          + " move it to redis.external.passwordSecretRef, where the runtime reads it"));
    }
    if (redis.mode() == RedisMode.External) {
      var external = redis.external();
      if (external == null) {
        report.accept(new SpecProblem("spec.redis.external", "redis.mode External needs redis.external with the endpoints of your Redis"));
        return;
      }
      if (external.endpoints().isEmpty()) {
        report.accept(new SpecProblem("spec.redis.external.endpoints", "needs at least one host:port"));
      }
      each("spec.redis.external.endpoints", external.endpoints(), NetworkRules::endpoint, report);
      if (external.topology() == RedisTopology.Standalone && external.endpoints().size() > 1) {
        report.accept(new SpecProblem("spec.redis.external.topology", "Standalone takes exactly one endpoint; list cluster nodes with topology Cluster"));
      }
      secretRef("spec.redis.external.passwordSecretRef", external.passwordSecretRef(), false, report);
    }
  }

  private static void checkScaling(AuthTierSpec spec, Consumer<SpecProblem> report) {
    // The API server takes "" for a string; the Deployment it becomes could never pull an image.
    if (blank(spec.runtime().image())) {
      report.accept(new SpecProblem("spec.runtime.image", "must name an auth-runtime image, such as " + RuntimeSpec.DEFAULT_IMAGE
          + "; or leave it out for that default"));
    } else {
      image("spec.runtime.image", spec.runtime().image(), RuntimeSpec.DEFAULT_IMAGE, report);
    }
    range("spec.runtime.replicas", spec.runtime().replicas(), 1, RuntimeSpec.MAX_REPLICAS, report);
    each("spec.runtime.trustedProxies", spec.runtime().trustedProxies(), NetworkRules::cidr, report);
    var maxTokenBytes = spec.runtime().maxTokenBytes();
    if (maxTokenBytes < RuntimeSpec.MIN_TOKEN_BYTES || maxTokenBytes > RuntimeSpec.MAX_TOKEN_BYTES) {
      report.accept(new SpecProblem("spec.runtime.maxTokenBytes", "must be between " + RuntimeSpec.MIN_TOKEN_BYTES + " and "
          + RuntimeSpec.MAX_TOKEN_BYTES + " (bytes), got " + maxTokenBytes + ": leave it out for " + RuntimeSpec.DEFAULT_MAX_TOKEN_BYTES
          + ", or set it above the length of your IdP's longest access token"));
    }
    ResourceRules.check(spec.runtime().resources(), report);
    var autoscaling = spec.autoscaling();
    range("spec.autoscaling.minReplicas", autoscaling.minReplicas(), 1, RuntimeSpec.MAX_REPLICAS, report);
    range("spec.autoscaling.maxReplicas", autoscaling.maxReplicas(), 1, RuntimeSpec.MAX_REPLICAS, report);
    range("spec.autoscaling.cpuUtilization", autoscaling.cpuUtilization(), 1, 100, report);
    range("spec.autoscaling.memoryUtilization", autoscaling.memoryUtilization(), 1, 100, report);
    range("spec.autoscaling.requestQueueLength", autoscaling.requestQueueLength(), 0, AutoscalingSpec.MAX_REQUEST_QUEUE_LENGTH, report);
    if (autoscaling.minReplicas() > autoscaling.maxReplicas()) {
      report.accept(new SpecProblem("spec.autoscaling.minReplicas", "must not exceed autoscaling.maxReplicas ("
          + autoscaling.maxReplicas() + ")"));
    }
    range("spec.disruption.maxUnavailable", spec.disruption().maxUnavailable(), 0, RuntimeSpec.MAX_REPLICAS, report);
  }

  private static void checkRoutes(AuthTierSpec spec, Consumer<SpecProblem> report) {
    var prefixes = new HashMap<String, String>();
    for (int i = 0; i < spec.routes().size(); i++) {
      var route = spec.routes().get(i);
      var at = "spec.routes[" + i + "]";
      var prefixProblem = PathPrefixes.problem(route.pathPrefix());
      if (prefixProblem.isPresent()) {
        report.accept(new SpecProblem(at + ".pathPrefix", prefixProblem.get()));
      } else {
        // As the runtime matches them: "/vault/" guards "/vault" too, so the two are one prefix.
        var first = prefixes.putIfAbsent(PathPrefixes.guarded(route.pathPrefix()), route.pathPrefix());
        if (first != null) {
          report.accept(new SpecProblem(at + ".pathPrefix", first.equals(route.pathPrefix())
              ? "'" + route.pathPrefix() + "' is used twice; merge the rules of a prefix into one route"
              : "'" + route.pathPrefix() + "' guards the same paths as '" + first + "' (letter case and a trailing slash change nothing); merge the two rules into one route"));
        }
      }
      each(at + ".allowedGroups", route.allowedGroups(), SpecValidator::ruleName, report);
      each(at + ".allowedRoles", route.allowedRoles(), SpecValidator::ruleName, report);
      each(at + ".requiredScopes", route.requiredScopes(), SpecValidator::ruleName, report);
      if (route.allowedGroups().isEmpty() && route.allowedRoles().isEmpty() && route.requiredScopes().isEmpty()) {
        report.accept(new SpecProblem(at, "needs allowedGroups, allowedRoles or requiredScopes; without them it would let every valid token in"));
      }
    }
  }

  /**
   * An image reference has no whitespace (the CRD's pattern): Kubernetes refuses a container whose image has
   * spaces at its ends, and one with a space inside never pulls (InvalidImageName), so its rollout never ends.
   */
  private static void image(String at, String image, String example, Consumer<SpecProblem> report) {
    if (!image.strip().equals(image)) {
      report.accept(new SpecProblem(at, "'" + image + "' has spaces at its ends, which Kubernetes refuses in an image;"
          + " write '" + image.strip() + "'"));
    } else if (image.codePoints().anyMatch(Character::isWhitespace)) {
      var found = image.codePoints().filter(Character::isWhitespace).distinct().mapToObj(SpecValidator::describeCharacter).toList();
      report.accept(new SpecProblem(at, "'" + image + "' is not an image reference: remove " + String.join(" and ", found)
          + " in it; write it like " + example));
    }
  }

  /** Checks every item of a list, naming the item's index. */
  private static void each(String at, List<String> values, Function<String, Optional<String>> check,
      Consumer<SpecProblem> report) {
    for (int i = 0; i < values.size(); i++) {
      var index = i;
      check.apply(values.get(i)).ifPresent(p -> report.accept(new SpecProblem(at + "[" + index + "]", p)));
    }
  }

  /** The runtime refuses an empty item: it would match nobody, or everybody, by accident. */
  private static Optional<String> ruleName(String value) {
    if (blank(value)) {
      return Optional.of("must not be empty; remove the item or write the name, such as admins");
    }
    // The runtime compares names exactly and refuses these: no token's group, role or scope has spaces at its ends.
    return value.strip().equals(value) ? Optional.empty()
        : Optional.of("'" + value + "' has spaces at its ends, which no group, role or scope carries; write '" + value.strip() + "'");
  }

  private static void secretRef(String at, SecretKeyRef ref, boolean required, Consumer<SpecProblem> report) {
    if (ref == null) {
      if (required) {
        report.accept(new SpecProblem(at, "is required: name the Secret and the key that holds the value"));
      }
      return;
    }
    if (blank(ref.name()) || !ref.name().matches("^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")) {
      report.accept(new SpecProblem(at + ".name", "must be the name of a Secret in this namespace"));
    }
    if (blank(ref.key()) || !ref.key().matches("^[-._a-zA-Z0-9]+$")) {
      report.accept(new SpecProblem(at + ".key", "must be a key of that Secret (letters, digits, '-', '_', '.')"));
    }
  }

  private static Duration duration(String at, String text, Consumer<SpecProblem> report) {
    var parsed = Durations.parse(text);
    if (parsed.isEmpty()) {
      report.accept(new SpecProblem(at, "'" + text + "' is not a duration; write it like 500ms, 30s, 5m, 24h or 7d"));
      return null;
    }
    return parsed.get();
  }

  private static Duration positive(String at, String text, Consumer<SpecProblem> report) {
    var parsed = duration(at, text, report);
    if (parsed != null && parsed.isZero()) {
      report.accept(new SpecProblem(at, "must be longer than zero"));
      return null;
    }
    return parsed;
  }

  private static void range(String at, Integer value, int min, int max, Consumer<SpecProblem> report) {
    if (value == null || value < min || value > max) {
      report.accept(new SpecProblem(at, "must be between " + min + " and " + max));
    }
  }

  private static boolean blank(String value) {
    return value == null || value.isBlank();
  }
}
