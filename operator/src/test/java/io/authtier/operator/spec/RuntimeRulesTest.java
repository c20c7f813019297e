package io.authtier.operator.spec;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.authtier.operator.api.v1alpha1.AuthTier;
import io.authtier.operator.api.v1alpha1.AuthTierSpec;
import io.authtier.operator.reconcile.Names;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The runtime's rules on single fields, which the operator must apply before it renders a config; the
 * audited cases, held against the runtime itself, are in auth-runtime's RenderedSamplesLoadTest.
 */
class RuntimeRulesTest {
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static final String ISSUER = "issuers: [{name: main, issuerUrl: 'https://idp.example/realms/a', audiences: [api]}]\n";
  private static final String REDIS = "redis: {mode: External, external: {endpoints: ['r:6379']}}\n";
  private static final String LOGIN = "sessions: {cookie: {signingKeys: [{id: k, secretRef: {name: s, key: k}}]}, "
      + "login: {issuer: main, clientId: web, allowedRedirectDomains: [%s]}}\n";

  static Stream<Arguments> refused() {
    return Stream.of(
        Arguments.of(ISSUER + REDIS + "runtime: {trustedProxies: [10.0.0.0]}\n", "spec.runtime.trustedProxies[0]", "10.0.0.0/32"),
        Arguments.of(ISSUER + REDIS + "runtime: {maxTokenBytes: 255}\n", "spec.runtime.maxTokenBytes", "between 256 and 65536 (bytes), got 255: leave it out for 8192"),
        Arguments.of(ISSUER + REDIS + "runtime: {maxTokenBytes: 65537}\n", "spec.runtime.maxTokenBytes", "IdP's longest access token"),
        Arguments.of(ISSUER.replace("https://idp.example/realms/a", "https://idp_example/realms/a") + REDIS, "spec.issuers[0].issuerUrl", "with a host name"),
        Arguments.of(ISSUER + REDIS + "routes: [{pathPrefix: '/a%2Fb', allowedGroups: [a]}]\n", "spec.routes[0].pathPrefix", "write '/a/b'"),
        Arguments.of(ISSUER + REDIS + "routes: [{pathPrefix: '/a;x=1/b', allowedGroups: [a]}]\n", "spec.routes[0].pathPrefix", "write '/a/b'"),
        Arguments.of(ISSUER + REDIS + "routes: [{pathPrefix: //admin/./x/, allowedGroups: [a]}]\n", "spec.routes[0].pathPrefix", "write '/admin/x/'"),
        Arguments.of(ISSUER + REDIS + "routes: [{pathPrefix: /vault, allowedGroups: [a]}, {pathPrefix: /vault/, allowedGroups: [b]}]\n",
            "spec.routes[1].pathPrefix", "'/vault/' guards the same paths as '/vault'"),
        Arguments.of(ISSUER + REDIS + "routes: [{pathPrefix: /vault, allowedGroups: [a]}, {pathPrefix: /Vault., allowedGroups: [b]}]\n",
            "spec.routes[1].pathPrefix", "'/Vault.' guards the same paths as '/vault'"),
        Arguments.of(ISSUER + REDIS + LOGIN.formatted("'shop.example.com:443'"), "spec.sessions.login.allowedRedirectDomains[0]", "without a port"),
        Arguments.of(ISSUER + "redis: {mode: External, external: {endpoints: ['10.1:6379']}}\n", "spec.redis.external.endpoints[0]", "no valid host name"),
        Arguments.of(ISSUER + "redis: {mode: External, external: {endpoints: ['[::1::2]:6379']}}\n", "spec.redis.external.endpoints[0]", "no valid host name"),
        Arguments.of(ISSUER + "redis: {mode: External, external: {endpoints: ['redis://r:6379']}}\n", "spec.redis.external.endpoints[0]", "is a URL"));
  }

  @ParameterizedTest(name = "{1}: {2}")
  @MethodSource("refused")
  @DisplayName("A spec that the runtime would refuse once rendered is refused, naming the field and the fix")
  void refusedAtTheField(String specYaml, String field, String fix) throws Exception {
    // Given a spec that breaks one of the runtime's rules
    var tier = tier("t", specYaml);
    // When the operator validates it
    var problems = SpecValidator.validate(tier);
    // Then exactly that field is named, with what to write instead
    assertThat(problems).as(problems.toString()).singleElement().satisfies(problem -> {
      assertThat(problem.field()).isEqualTo(field);
      assertThat(problem.message()).contains(fix);
    });
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({"'https://idp.example/realms/a', 5m, 5s, 5m", "'http://localhost:8080/realms/a', 0s, 1m, 1m"})
  @DisplayName("Values at the runtime's limits are accepted")
  void limitsAccepted(String url, String skew, String negativeTtl, String l1Ttl) throws Exception {
    var spec = "issuers: [{name: main, issuerUrl: '" + url + "', audiences: [api], clockSkew: " + skew + "}]\n" + REDIS
        + "tokenCache: {l1: {ttl: " + l1Ttl + "}, negativeTtl: " + negativeTtl + "}\n"
        + "runtime: {trustedProxies: [10.0.0.0/8, 192.168.1.7/32, 'fd00::/8', '::1/128', 0.0.0.0/0]}\n"
        + "routes: [{pathPrefix: /, allowedGroups: [a]}, {pathPrefix: /admin/, allowedRoles: [r]}, {pathPrefix: /a.b/..c, requiredScopes: [s]}]\n";
    assertThat(SpecValidator.validate(tier("t", spec))).isEmpty();
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({"256", "8192", "65536"})
  @DisplayName("runtime.maxTokenBytes within the runtime's bounds is accepted")
  void maxTokenBytesWithinBounds(int maxTokenBytes) throws Exception {
    assertThat(SpecValidator.validate(tier("t", ISSUER + REDIS + "runtime: {maxTokenBytes: " + maxTokenBytes + "}\n"))).isEmpty();
  }

  @Test
  @DisplayName("With an operator-run Redis a tier name may have 46 characters, not 47; without one, 55 (its Service <name>-metrics)")
  void nameLimitPerRedisMode() throws Exception {
    // Given the names the operator makes: <name>-redis-headless (a Service), and the StatefulSet <name>-redis
    // whose pods carry controller-revision-hash = <name>-redis-<10-character hash>
    assertThat(Names.maxTierName(tier("t", ISSUER + "redis: {mode: Standalone}\n").getSpec().redis())).isEqualTo(46);
    assertThat(Names.maxTierName(tier("t", ISSUER + "redis: {mode: Cluster}\n").getSpec().redis())).isEqualTo(46);
    assertThat(Names.maxTierName(tier("t", ISSUER + REDIS).getSpec().redis())).isEqualTo(55);
    assertThat(Names.maxTierName(null)).isEqualTo(55);

    // When a tier with a Cluster Redis has a 46- and a 47-character name
    var cluster = ISSUER + "redis: {mode: Cluster}\n";
    assertThat(SpecValidator.validate(tier("a".repeat(46), cluster))).isEmpty();
    // Then the longer one is refused, naming the limit and why
    assertThat(SpecValidator.validate(tier("a".repeat(47), cluster))).singleElement().satisfies(problem -> {
      assertThat(problem.field()).isEqualTo("metadata.name");
      assertThat(problem.message()).contains("at most 46", "redis.mode Cluster", "revision hash", "shorter name");
    });
    // And an External Redis allows the 55 that leave room for the runtime's Service <name>-metrics
    assertThat(SpecValidator.validate(tier("a".repeat(55), ISSUER + REDIS))).isEmpty();
    assertThat(SpecValidator.validate(tier("a".repeat(56), ISSUER + REDIS))).singleElement().satisfies(problem -> {
      assertThat(problem.field()).isEqualTo("metadata.name");
      assertThat(problem.message()).contains("at most 55", "-metrics", "shorter name");
    });
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"redis://:s3cr3t-pw@redis.shop.svc:6379", "rediss://default:s3cr3t-pw@redis.shop.svc:6380",
      "default:s3cr3t-pw@redis.shop.svc:6379", ":s3cr3t-pw@redis.shop.svc:6379"})
  @DisplayName("An endpoint with a password in it is refused without echoing the password (status and Events are widely read)")
  void endpointUserInfoNotEchoed(String endpoint) throws Exception {
    // Given an External Redis endpoint written as a URL or host with user info
    var tier = tier("t", ISSUER + "redis: {mode: External, external: {endpoints: ['" + endpoint + "']}}\n");

    // When the spec is validated
    var problems = SpecValidator.validate(tier);

    // Then it is refused, naming the field, the host and the fix, but not the password
    assertThat(problems).singleElement().satisfies(problem -> {
      assertThat(problem.field()).isEqualTo("spec.redis.external.endpoints[0]");
      assertThat(problem.message()).doesNotContain("s3cr3t-pw").contains("redis.shop.svc", "host:port", "passwordSecretRef");
    });
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource({"/x/../internal, /internal", "/a//b, /a/b", "/a/./b/, /a/b/", "/%61dmin, /admin", "/../.., /", "/a;jsessionid=1, /a"})
  @DisplayName("The suggested prefix is the normal form of the one written")
  void normalisedPrefix(String written, String normal) {
    assertThat(PathPrefixes.normalised(written)).contains(normal);
    assertThat(PathPrefixes.problem(normal)).isEmpty();
  }

  private static AuthTier tier(String name, String specYaml) throws Exception {
    var tier = new AuthTier();
    tier.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace("n").build());
    tier.setSpec(YAML.treeToValue(YAML.readTree(specYaml), AuthTierSpec.class));
    return tier;
  }
}
