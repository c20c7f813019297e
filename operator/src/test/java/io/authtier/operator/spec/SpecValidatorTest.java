package io.authtier.operator.spec;

import static org.assertj.core.api.Assertions.assertThat;

import io.authtier.operator.api.v1alpha1.AuthTier;
import io.authtier.operator.api.v1alpha1.AuthTierSpec;
import io.authtier.operator.api.v1alpha1.CookieSpec;
import io.authtier.operator.api.v1alpha1.LoginSpec;
import io.authtier.operator.api.v1alpha1.RedisMode;
import io.authtier.operator.api.v1alpha1.RedisSpec;
import io.authtier.operator.api.v1alpha1.SessionsSpec;
import io.authtier.operator.support.Tiers;
import java.time.Duration;
import java.util.List;
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
