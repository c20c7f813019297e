package io.authtier.operator.spec;

import static org.assertj.core.api.Assertions.assertThat;

import io.authtier.operator.api.v1alpha1.AuthTier;
import io.authtier.operator.api.v1alpha1.AuthTierSpec;
import io.authtier.operator.api.v1alpha1.CookieSpec;
import io.authtier.operator.api.v1alpha1.LoginSpec;
import io.authtier.operator.api.v1alpha1.MonitoringSpec;
import io.authtier.operator.api.v1alpha1.RedisMode;
import io.authtier.operator.api.v1alpha1.RedisSpec;
import io.authtier.operator.api.v1alpha1.SessionsSpec;
import io.authtier.operator.support.Tiers;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

/** Rules that CEL cannot hold, or that the CRD schema holds but the operator must check itself. */
class SpecValidatorTest {

  @Test
  @DisplayName("The samples are valid")
  void samplesAreValid() {
    assertThat(SpecValidator.validate(Tiers.sample("minimal.yaml", "dev"))).isEmpty();
    assertThat(SpecValidator.validate(Tiers.sample("production.yaml", "prod"))).isEmpty();
    assertThat(SpecValidator.validate(Tiers.sample("cluster.yaml", "api"))).isEmpty();
  }

  @Test
  @DisplayName("Durations are checked, with days allowed, and the absolute timeout may not be shorter than the idle one")
  void durations() {
    var tier = Tiers.sample("minimal.yaml", "dev");
    var sessions = tier.getSpec().sessions();
    tier.setSpec(withSessions(tier.getSpec(), new SessionsSpec(sessions.store(), sessions.cookie(), "25h", "1d", null, null, null)));

    assertThat(SpecValidator.validate(tier)).extracting(SpecProblem::toString)
        .containsExactly("spec.sessions.absoluteTimeout: must be at least sessions.idleTimeout (25h)");

    tier.setSpec(withSessions(tier.getSpec(), new SessionsSpec(sessions.store(), sessions.cookie(), "a day", "0s", null, null, null)));
    assertThat(SpecValidator.validate(tier)).extracting(SpecProblem::toString).containsExactly(
        "spec.sessions.idleTimeout: 'a day' is not a duration; write it like 500ms, 30s, 5m, 24h or 7d",
        "spec.sessions.absoluteTimeout: must be longer than zero");
  }

  @Test
  @DisplayName("monitoring.alerts.responseTimeWarning must be below 5s, the runtime's largest response-time bucket: above it the alert could never fire")
  void responseTimeWarningBelowLargestBucket() {
    var tier = Tiers.sample("production.yaml", "prod");
    var alerts = tier.getSpec().monitoring().alerts();
    for (var accepted : List.of("1ms", "500ms", "4s999ms")) {
      tier.setSpec(Tiers.withMonitoring(tier.getSpec(), new MonitoringSpec(true,
          new MonitoringSpec.Alerts(accepted, alerts.errorRateCritical(), alerts.cacheHitRateWarning(), alerts.memoryCritical()))));
      assertThat(SpecValidator.validate(tier)).as(accepted).isEmpty();
    }
    for (var refused : List.of("5s", "10s", "1m")) {
      tier.setSpec(Tiers.withMonitoring(tier.getSpec(), new MonitoringSpec(true,
          new MonitoringSpec.Alerts(refused, alerts.errorRateCritical(), alerts.cacheHitRateWarning(), alerts.memoryCritical()))));
      assertThat(SpecValidator.validate(tier)).extracting(SpecProblem::toString).as(refused).containsExactly(
          "spec.monitoring.alerts.responseTimeWarning: '" + refused + "' is not below 5s, the runtime's largest response-time"
              + " bucket: a p99 above it reads as 5s, so the alert could never fire; write less than 5s");
    }
  }

  @Test
  @DisplayName("monitoring.labels follow Kubernetes label syntax and leave the operator's own app.kubernetes.io/ labels alone")
  void monitoringLabels() {
    var tier = Tiers.sample("production.yaml", "prod");
    var alerts = tier.getSpec().monitoring().alerts();
    var good = new java.util.HashMap<String, String>(Map.of("release", "kube-prometheus-stack",
        "example.com/team", "identity", "empty", "", "a", "b-c_d.e"));
    tier.setSpec(Tiers.withMonitoring(tier.getSpec(), new MonitoringSpec(true, alerts, good)));
    assertThat(SpecValidator.validate(tier)).isEmpty();

    var bad = new java.util.HashMap<String, String>();
    bad.put("app.kubernetes.io/instance", "other");
    bad.put("Example.com/team", "x");
    bad.put("-release", "x");
    bad.put("team", "identity team");
    bad.put("owner", null);
    bad.put("x".repeat(64), "x");
    tier.setSpec(Tiers.withMonitoring(tier.getSpec(), new MonitoringSpec(true, alerts, bad)));
    assertThat(SpecValidator.validate(tier)).extracting(SpecProblem::toString).containsExactlyInAnyOrder(
        "spec.monitoring.labels: 'app.kubernetes.io/instance' is one of the operator's own labels (app.kubernetes.io/),"
            + " which select and describe its objects; use another key",
        "spec.monitoring.labels: key 'Example.com/team': the prefix before '/' must be a DNS subdomain such as"
            + " example.com (lower case, at most 253 characters)",
        "spec.monitoring.labels: key '-release': the name must be 1 to 63 letters, digits, '-', '_' or '.', starting and"
            + " ending with a letter or digit",
        "spec.monitoring.labels: label 'team': the value must be at most 63 letters, digits, '-', '_' or '.', starting"
            + " and ending with a letter or digit",
        "spec.monitoring.labels: label 'owner' has no value; write '' for an empty one",
        "spec.monitoring.labels: key '" + "x".repeat(64) + "': the name must be 1 to 63 letters, digits, '-', '_' or '.',"
            + " starting and ending with a letter or digit");
  }

  @Test
  @DisplayName("sessions.localCacheTtl may be 0s to 5s; a longer one is refused, naming the field and the limit")
  void localCacheTtlBounds() {
    var tier = Tiers.sample("minimal.yaml", "dev");
    var sessions = tier.getSpec().sessions();
    for (var accepted : List.of("0s", "500ms", "5s", "4s999ms", "5000ms")) {
      tier.setSpec(withSessions(tier.getSpec(), new SessionsSpec(sessions.store(), sessions.cookie(), null, null, accepted, null, null)));
      assertThat(SpecValidator.validate(tier)).as(accepted).isEmpty();
    }

    tier.setSpec(withSessions(tier.getSpec(), new SessionsSpec(sessions.store(), sessions.cookie(), null, null, "5001ms", null, null)));
    assertThat(SpecValidator.validate(tier)).extracting(SpecProblem::toString).containsExactly(
        "spec.sessions.localCacheTtl: '5001ms' is longer than the runtime allows; write at most 5s (500ms by default, 0s turns it off)");

    tier.setSpec(withSessions(tier.getSpec(), new SessionsSpec(sessions.store(), sessions.cookie(), null, null, "half a second", null, null)));
    assertThat(SpecValidator.validate(tier)).extracting(SpecProblem::toString).containsExactly(
        "spec.sessions.localCacheTtl: 'half a second' is not a duration; write it like 500ms, 30s, 5m, 24h or 7d");
  }

  @Test
  @DisplayName("A login redirectUrl that is not an https /oauth2/callback URL is refused, naming the field and the fix")
  void badRedirectUrl() {
    // Given the production sample, whose login names its callback
    var tier = Tiers.sample("production.yaml", "prod");
    var spec = tier.getSpec();
    var login = spec.sessions().login();
    // When the callback is plain http to a public host, with a query
    var bad = new LoginSpec(login.issuer(), login.clientId(), login.clientSecretRef(), login.scopes(),
        login.allowedRedirectDomains(), "http://shop.example.com/oauth2/callback?x=1", login.redirectToLogin());
    var sessions = spec.sessions();
    tier.setSpec(withSessions(spec, new SessionsSpec(sessions.store(), sessions.cookie(), sessions.idleTimeout(),
        sessions.absoluteTimeout(), sessions.localCacheTtl(), sessions.passAccessToken(), bad)));
    // Then that field is named, with what to write instead
    assertThat(SpecValidator.validate(tier)).singleElement().satisfies(problem -> {
      assertThat(problem.field()).isEqualTo("spec.sessions.login.redirectUrl");
      assertThat(problem.message()).contains("'http://shop.example.com/oauth2/callback?x=1'",
          "https://shop.example.com/oauth2/callback", "leave it out");
    });
  }

  @Test
  @DisplayName("An AuthTier name too long for the objects named after it is refused")
  void longName() {
    var tier = Tiers.sample("minimal.yaml", "dev");
    tier.getMetadata().setName("a".repeat(64));
    assertThat(SpecValidator.validate(tier)).extracting(SpecProblem::field).containsExactly("metadata.name");
  }

  @Test
  @DisplayName("Operator-run Redis is accepted, and a malformed passwordSecretRef of it is refused")
  void operatorRunRedis() {
    // Given a tier whose Redis the operator runs as a Cluster
    var tier = Tiers.sample("minimal.yaml", "dev");
    var spec = tier.getSpec();
    tier.setSpec(new AuthTierSpec(spec.issuers(), spec.tokenCache(), spec.resilience(), spec.sessions(),
        new RedisSpec(RedisMode.Cluster, null, null, null, null, null), spec.runtime(), spec.autoscaling(),
        spec.disruption(), spec.monitoring(), spec.routes()));
    // Then it is valid
    assertThat(SpecValidator.validate(tier)).isEmpty();

    // When its password reference names no valid key
    tier.setSpec(new AuthTierSpec(spec.issuers(), spec.tokenCache(), spec.resilience(), spec.sessions(),
        new RedisSpec(RedisMode.Standalone, null, null, null,
            new io.authtier.operator.api.v1alpha1.SecretKeyRef("redis", "bad key"), null),
        spec.runtime(), spec.autoscaling(), spec.disruption(), spec.monitoring(), spec.routes()));
    // Then that field is named
    assertThat(SpecValidator.validate(tier)).extracting(SpecProblem::field)
        .containsExactly("spec.redis.passwordSecretRef.key");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "{mode: Standalone, persistence: {size: 1Pi}} | spec.redis.persistence.size | not a volume size",
      "{mode: Standalone, persistence: {size: 1m}} | spec.redis.persistence.size | such as 1Gi",
      "{mode: Standalone, persistence: {size: '0'}} | spec.redis.persistence.size | positive",
      "{mode: Standalone, external: {endpoints: ['r:6379']}} | spec.redis.external | remove redis.external",
      "{mode: External, passwordSecretRef: {name: p, key: k}, external: {endpoints: ['r:6379']}} | spec.redis.passwordSecretRef | redis.external.passwordSecretRef"})
  @DisplayName("Redis settings that would be ignored or refused later are refused now, naming the field and the fix")
  void redisSettingsThatWouldNotApply(String redis, String field, String fix) throws Exception {
    var tier = Tiers.sample("minimal.yaml", "dev");
    var yaml = new com.fasterxml.jackson.databind.ObjectMapper(new com.fasterxml.jackson.dataformat.yaml.YAMLFactory());
    tier.setSpec(Tiers.withRedis(tier.getSpec(), yaml.readValue(redis, RedisSpec.class)));

    assertThat(SpecValidator.validate(tier)).singleElement().satisfies(problem -> {
      assertThat(problem.field()).isEqualTo(field);
      assertThat(problem.message()).contains(fix);
    });
  }

  @Test
  @DisplayName("A resource amount that is not a quantity is refused, naming the resource")
  void badQuantity() {
    var tier = Tiers.sample("production.yaml", "prod");
    tier.getSpec().runtime().resources().getRequests().put("cpu", new io.fabric8.kubernetes.api.model.Quantity("lots"));
    assertThat(SpecValidator.validate(tier)).extracting(SpecProblem::field).containsExactly("spec.runtime.resources.requests.cpu");
  }

  @Test
  @DisplayName("An empty or blank runtime.image is refused as redis.image is: the Deployment could never pull it")
  void emptyRuntimeImage() {
    var tier = Tiers.sample("minimal.yaml", "dev");
    var runtime = tier.getSpec().runtime();
    for (var image : List.of("", "  ")) {
      tier.setSpec(Tiers.withRuntime(tier.getSpec(), new io.authtier.operator.api.v1alpha1.RuntimeSpec(image,
          runtime.imagePullPolicy(), runtime.replicas(), runtime.resources(), runtime.trustedProxies(), runtime.maxTokenBytes())));
      assertThat(SpecValidator.validate(tier)).extracting(SpecProblem::toString).containsExactly(
          "spec.runtime.image: must name an auth-runtime image, such as ghcr.io/authtier/auth-runtime:0.1.0; or leave it out for that default");
    }
  }

  static Stream<Arguments> refusedResources() {
    return Stream.of(
        // requests, limits (YAML flow mappings), each problem as field: the start of its message
        Arguments.of("{cpu: '-1'}", "{}", List.of("spec.runtime.resources.requests.cpu: '-1' is negative, which Kubernetes refuses;"
            + " write 0 or more, such as 500m or 1")),
        Arguments.of("{cpu: -1}", "{}", List.of("spec.runtime.resources.requests.cpu: '-1' is negative")),
        Arguments.of("{}", "{memory: '-512Mi'}", List.of("spec.runtime.resources.limits.memory: '-512Mi' is negative, which"
            + " Kubernetes refuses; write 0 or more, such as 256Mi or 1Gi")),
        Arguments.of("{gpu: '1'}", "{}", List.of("spec.runtime.resources.requests.gpu: 'gpu' is not a resource Kubernetes gives a"
            + " container; use cpu, memory, ephemeral-storage, hugepages-<page size> (such as hugepages-2Mi), or an extended"
            + " resource named with its domain (such as nvidia.com/gpu)")),
        Arguments.of("{}", "{kubernetes.io/gpu: '1'}", List.of("spec.runtime.resources.limits[kubernetes.io/gpu]: 'kubernetes.io/gpu' is not a resource")),
        Arguments.of("{nvidia.com/gpu: '1'}", "{}", List.of("spec.runtime.resources.requests[nvidia.com/gpu]: (1) needs"
            + " spec.runtime.resources.limits[nvidia.com/gpu] of the same amount: Kubernetes does not overcommit extended"
            + " resources and hugepages, and refuses a request without its limit; add the limit")),
        Arguments.of("{nvidia.com/gpu: '1'}", "{nvidia.com/gpu: '2'}", List.of("spec.runtime.resources.requests[nvidia.com/gpu]:"
            + " (1) must equal spec.runtime.resources.limits[nvidia.com/gpu] (2)")),
        Arguments.of("{}", "{nvidia.com/gpu: '500m'}", List.of("spec.runtime.resources.limits[nvidia.com/gpu]: '500m' is not a"
            + " whole number; an extended resource is counted in units, such as 1")),
        Arguments.of("{hugepages-2Mi: 3Mi}", "{hugepages-2Mi: 3Mi}", List.of(
            "spec.runtime.resources.requests.hugepages-2Mi: '3Mi' is not a whole number of 2Mi pages",
            "spec.runtime.resources.limits.hugepages-2Mi: '3Mi' is not a whole number of 2Mi pages")),
        Arguments.of("{cpu: '2'}", "{cpu: '1'}", List.of("spec.runtime.resources.requests.cpu: (2) must not exceed"
            + " spec.runtime.resources.limits.cpu (1); Kubernetes refuses such a pod: lower the request or raise the limit")),
        Arguments.of("{memory: ' 1Gi'}", "{}", List.of("spec.runtime.resources.requests.memory: ' 1Gi' must be a quantity, such as 256Mi or 1Gi")));
  }

  @ParameterizedTest(name = "requests {0}, limits {1}")
  @MethodSource("refusedResources")
  @DisplayName("Resources that Kubernetes refuses in a container are InvalidSpec, each naming its field and the fix")
  void refusedResources(String requests, String limits, List<String> problems) throws Exception {
    // Given the production sample with these runtime resources
    var tier = withResources(requests, limits);

    // When it is validated
    var found = SpecValidator.validate(tier).stream().map(SpecProblem::toString).toList();

    // Then each problem is reported, and nothing else
    assertThat(found).hasSameSizeAs(problems);
    for (int i = 0; i < problems.size(); i++) {
      assertThat(found.get(i)).startsWith(problems.get(i));
    }
  }

  @Test
  @DisplayName("Resources that Kubernetes takes are accepted: hugepages in whole pages, extended resources as limits or equal pairs")
  void acceptedResources() throws Exception {
    for (var resources : List.of(
        new String[] {"{cpu: '0', memory: 1Gi, ephemeral-storage: 1Gi}", "{cpu: '1.', memory: 2Gi}"},
        new String[] {"{}", "{nvidia.com/gpu: 1}"},
        new String[] {"{nvidia.com/gpu: '2', example.com/foo_bar: '1'}", "{nvidia.com/gpu: 2, example.com/foo_bar: 1}"},
        new String[] {"{hugepages-2Mi: 4Mi, hugepages-1Gi: 2Gi}", "{hugepages-2Mi: 4Mi, hugepages-1Gi: 2Gi}"},
        new String[] {"{cpu: 250m}", "{cpu: '+1', memory: 1e9}"})) {
      assertThat(SpecValidator.validate(withResources(resources[0], resources[1]))).as(String.join(" / ", resources)).isEmpty();
    }
  }

  static Stream<Arguments> badImages() {
    return Stream.of(
        Arguments.of(" ghcr.io/authtier/auth-runtime:0.2.0", "redis:7.4-alpine",
            "spec.runtime.image: ' ghcr.io/authtier/auth-runtime:0.2.0' has spaces at its ends, which Kubernetes refuses in an"
                + " image; write 'ghcr.io/authtier/auth-runtime:0.2.0'"),
        Arguments.of("ghcr.io/authtier/auth-runtime:0.2.0\n", "redis:7.4-alpine",
            "spec.runtime.image: 'ghcr.io/authtier/auth-runtime:0.2.0\n' has spaces at its ends"),
        Arguments.of("ghcr.io/authtier/auth runtime:0.2.0", "redis:7.4-alpine",
            "spec.runtime.image: 'ghcr.io/authtier/auth runtime:0.2.0' is not an image reference: remove the space in it;"
                + " write it like ghcr.io/authtier/auth-runtime:0.1.0"),
        Arguments.of("ghcr.io/authtier/auth-runtime:0.2.0", "redis:7.4-alpine\t",
            "spec.redis.image: 'redis:7.4-alpine\t' has spaces at its ends, which Kubernetes refuses in an image; write 'redis:7.4-alpine'"));
  }

  @ParameterizedTest(name = "{2}")
  @MethodSource("badImages")
  @DisplayName("An image with spaces at its ends or inside is refused, runtime's and Redis' alike, with the image to write")
  void imagesWithSpaces(String runtimeImage, String redisImage, String problem) {
    // Given a tier whose Redis the operator runs, with these images
    var tier = Tiers.sample("minimal.yaml", "dev");
    var spec = tier.getSpec();
    var runtime = spec.runtime();
    tier.setSpec(new AuthTierSpec(spec.issuers(), spec.tokenCache(), spec.resilience(), spec.sessions(),
        new RedisSpec(RedisMode.Standalone, null, null, null, null, redisImage),
        new io.authtier.operator.api.v1alpha1.RuntimeSpec(runtimeImage, runtime.imagePullPolicy(), runtime.replicas(),
            runtime.resources(), runtime.trustedProxies(), runtime.maxTokenBytes()),
        spec.autoscaling(), spec.disruption(), spec.monitoring(), spec.routes()));

    // Then the image is refused, and only it
    assertThat(SpecValidator.validate(tier)).extracting(SpecProblem::toString).singleElement()
        .satisfies(found -> assertThat(found).startsWith(problem));
  }

  /** The production sample with runtime resources read from YAML flow mappings, as the API server would pass them. */
  private static AuthTier withResources(String requests, String limits) throws Exception {
    var tier = Tiers.sample("production.yaml", "prod");
    var yaml = new com.fasterxml.jackson.databind.ObjectMapper(new com.fasterxml.jackson.dataformat.yaml.YAMLFactory());
    var resources = yaml.readValue("{requests: " + requests + ", limits: " + limits + "}",
        io.fabric8.kubernetes.api.model.ResourceRequirements.class);
    var runtime = tier.getSpec().runtime();
    tier.setSpec(Tiers.withRuntime(tier.getSpec(), new io.authtier.operator.api.v1alpha1.RuntimeSpec(runtime.image(),
        runtime.imagePullPolicy(), runtime.replicas(), resources, runtime.trustedProxies(), runtime.maxTokenBytes())));
    return tier;
  }

  @Test
  @DisplayName("A spec-less AuthTier gets one clear problem")
  void noSpec() {
    var tier = new AuthTier();
    tier.setMetadata(new io.fabric8.kubernetes.api.model.ObjectMetaBuilder().withName("t").build());
    assertThat(SpecValidator.validate(tier)).extracting(SpecProblem::field).containsExactly("spec");
  }

  @Test
  @DisplayName("Durations parse as the CRD pattern allows them")
  void durationParser() {
    assertThat(Durations.parse("1h30m")).contains(Duration.ofMinutes(90));
    assertThat(Durations.parse("7d")).contains(Duration.ofDays(7));
    assertThat(Durations.parse("500ms")).contains(Duration.ofMillis(500));
    assertThat(Durations.parse("30")).isEmpty();
    assertThat(Durations.parse("-5s")).isEmpty();
    assertThat(Durations.parse("99999999999999999999d")).isEmpty();
  }

  static Stream<Arguments> badCookieNames() {
    return Stream.of(
        // name, what the message says, what it must not say
        Arguments.of("__Host-a;b", "may contain only letters, digits and !#$%&'*+-.^_`|~ (HTTP token characters): remove ';'", "must start"),
        Arguments.of("__Host-a b,c", "remove the space and ','", "must start"),
        Arguments.of("__Host-\u00e9", "remove '\u00e9'", "must start"),
        Arguments.of("session", "must start with __Host- (it pins the cookie to one host over HTTPS), such as __Host-session", "may contain"),
        Arguments.of("__host-x", "such as __Host-x", "may contain"),
        Arguments.of("__Host-", "needs a name after the __Host- prefix, such as __Host-authtier", "may contain"),
        Arguments.of("my;session", "must start with __Host- (it pins the cookie to one host over HTTPS); and it may contain only", "such as"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badCookieNames")
  @DisplayName("A bad cookie name is refused, naming what is wrong with it: the prefix, the characters, or both")
  void cookieName(String name, String says, String doesNotSay) {
    // Given the minimal sample with that cookie name
    var tier = Tiers.sample("minimal.yaml", "dev");
    var sessions = tier.getSpec().sessions();
    tier.setSpec(withSessions(tier.getSpec(), new SessionsSpec(sessions.store(),
        new CookieSpec(name, sessions.cookie().sameSite(), sessions.cookie().signingKeys()), sessions.idleTimeout(),
        sessions.absoluteTimeout(), sessions.localCacheTtl(), sessions.passAccessToken(), sessions.login())));

    // When it is validated
    var problems = SpecValidator.validate(tier);

    // Then the one problem quotes the name and says what is wrong, and nothing that is not
    assertThat(problems).singleElement().satisfies(problem -> {
      assertThat(problem.field()).isEqualTo("spec.sessions.cookie.name");
      assertThat(problem.message()).startsWith("'" + name + "' ").contains(says).doesNotContain(doesNotSay);
    });
  }

  private static AuthTierSpec withSessions(AuthTierSpec spec, SessionsSpec sessions) {
    return new AuthTierSpec(spec.issuers(), spec.tokenCache(), spec.resilience(), sessions, spec.redis(), spec.runtime(),
        spec.autoscaling(), spec.disruption(), spec.monitoring(), spec.routes());
  }
}
