package io.authtier.runtime.contract;

import static org.assertj.core.api.Assertions.assertThat;

import io.authtier.operator.api.v1alpha1.AuthTier;
import io.authtier.operator.api.v1alpha1.AuthTierSpec;
import io.authtier.operator.api.v1alpha1.LoginSpec;
import io.authtier.operator.api.v1alpha1.SessionsSpec;
import io.authtier.operator.api.v1alpha1.SigningAlgorithm;
import io.authtier.operator.cli.AuthTierFiles;
import io.authtier.operator.dependents.runtime.RuntimeConfigRenderer;
import io.authtier.operator.secrets.ReferencedSecrets;
import io.authtier.operator.spec.SpecProblem;
import io.authtier.operator.spec.SpecValidator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.params.provider.Arguments;
import io.authtier.runtime.config.AccessTokenPassing;
import io.authtier.runtime.config.LoadResult;
import io.authtier.runtime.config.RedisTopology;
import io.authtier.runtime.config.RuntimeConfigLoader;
import io.authtier.runtime.config.SecretFileInspector;
import io.authtier.runtime.config.SessionStoreType;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Contract 2 across the two modules: every sample AuthTier, rendered by the operator's own code into
 * the runtime configuration file, loads in the runtime without a problem; and every spec whose
 * rendering the runtime would refuse is refused by the operator first, at the field, so a tier stalls
 * instead of crash-looping its pods. Secret files live in the cluster, not here, so the loader is told
 * that each named file exists.
 */
class RenderedSamplesLoadTest {
  private static final RuntimeConfigLoader LOADER =
      new RuntimeConfigLoader(file -> new SecretFileInspector.Readable(64));
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static final String ISSUER = "issuers: [{name: main, issuerUrl: 'https://idp.example/realms/a', audiences: [api]}]\n";
  private static final String REDIS = "redis: {mode: External, external: {endpoints: ['r:6379']}}\n";
  private static final String LOGIN = "sessions: {cookie: {signingKeys: [{id: k1, secretRef: {name: cookie, key: k1}}]}, "
      + "login: {issuer: main, clientId: web, allowedRedirectDomains: [%s]}}\n";

  /**
   * Specs the operator must refuse: the field it names, the field the runtime names when it loads the
   * rendering (null for rules that land in the runtime separately, so that this branch's runtime may still
   * accept them; the operator refuses them all the same), and the fix the operator's message gives.
   */
  static Stream<Arguments> refusedSpecs() {
    return Stream.of(
        Arguments.of(ISSUER.replace("}]", ", clockSkew: 10m}]") + REDIS, "spec.issuers[0].clockSkew", "issuers[0].clockSkew", "at most 5m"),
        Arguments.of(ISSUER + REDIS + "tokenCache: {l1: {ttl: 1m}, negativeTtl: 5m}\n", "spec.tokenCache.negativeTtl", "tokenCache.negativeTtl", "at most tokenCache.l1.ttl (1m)"),
        Arguments.of(ISSUER + REDIS + "runtime: {trustedProxies: [10.0.0.1/8]}\n", "spec.runtime.trustedProxies[0]", "server.trustedProxies[0]", "did you mean 10.0.0.0/8?"),
        Arguments.of(ISSUER + REDIS + "routes: [{pathPrefix: /admin, allowedGroups: [' admins']}]\n", "spec.routes[0].allowedGroups[0]", "routes[0].allowedGroups[0]", "write 'admins'"),
        Arguments.of(ISSUER + REDIS + "runtime: {trustedProxies: [not-a-cidr]}\n", "spec.runtime.trustedProxies[0]", "server.trustedProxies[0]", "not an IP address"),
        Arguments.of(ISSUER + REDIS + "runtime: {maxTokenBytes: 255}\n", "spec.runtime.maxTokenBytes", "server.maxTokenBytes", "leave it out for 8192"),
        Arguments.of(ISSUER + REDIS + "runtime: {maxTokenBytes: 65537}\n", "spec.runtime.maxTokenBytes", "server.maxTokenBytes", "between 256 and 65536"),
        Arguments.of(ISSUER.replace("https://idp.example/realms/a", "https://user:pw@idp.example/realms/a?x=1#f") + REDIS,
            "spec.issuers[0].issuerUrl", "issuers[0].issuerUrl", "user:password@"),
        Arguments.of(ISSUER.replace("https://idp.example/realms/a", "https://idp.example/realms/a#f") + REDIS,
            "spec.issuers[0].issuerUrl", "issuers[0].issuerUrl", "no query or fragment"),
        Arguments.of(ISSUER + REDIS + "routes: [{pathPrefix: /admin, allowedGroups: ['']}]\n", "spec.routes[0].allowedGroups[0]", "routes[0].allowedGroups[0]", "must not be empty"),
        Arguments.of(ISSUER + REDIS + "routes: [{pathPrefix: /admin, allowedRoles: [' ']}]\n", "spec.routes[0].allowedRoles[0]", "routes[0].allowedRoles[0]", "must not be empty"),
        Arguments.of(ISSUER + REDIS + LOGIN.formatted("'*.com'"), "spec.sessions.login.allowedRedirectDomains[0]", "sessions.login.allowedRedirectDomains[0]", "every domain under a top-level domain"),
        Arguments.of(ISSUER + REDIS + LOGIN.formatted("'https://shop.example.com/x'"), "spec.sessions.login.allowedRedirectDomains[0]", "sessions.login.allowedRedirectDomains[0]", "not a host name"),
        Arguments.of(ISSUER + REDIS + LOGIN.formatted("a.example").replace("issuer: main,", "issuer: main, scopes: [openid, 'a b'],"),
            "spec.sessions.login.scopes[1]", "sessions.login.scopes[1]", "one scope per item"),
        Arguments.of(ISSUER + "redis: {mode: External, external: {endpoints: ['redis:0']}}\n", "spec.redis.external.endpoints[0]", "redis.endpoints[0]", "bad port"),
        Arguments.of(ISSUER + "redis: {mode: External, external: {endpoints: ['a..b:6379']}}\n", "spec.redis.external.endpoints[0]", "redis.endpoints[0]", "no valid host name"),
        Arguments.of(ISSUER + REDIS + "sessions: {cookie: {name: '__Host-a;b'}}\n", "spec.sessions.cookie.name", "sessions.cookie.name", "(HTTP token characters): remove ';'"),
        Arguments.of(ISSUER + REDIS + "sessions: {cookie: {name: session}}\n", "spec.sessions.cookie.name", "sessions.cookie.name", "must start with __Host- (it pins the cookie to one host over HTTPS), such as __Host-session"),
        Arguments.of(ISSUER + REDIS + "sessions: {absoluteTimeout: 401d}\n", "spec.sessions.absoluteTimeout", "sessions.absoluteTimeout", "write at most 400d"),
        Arguments.of(ISSUER + REDIS + "routes: [{pathPrefix: /x/../internal, allowedGroups: [a]}]\n", "spec.routes[0].pathPrefix", "routes[0].pathPrefix", "write '/internal'"),
        Arguments.of(ISSUER + REDIS + "routes: [{pathPrefix: '/a/%2e%2e/b', allowedGroups: [a]}]\n", "spec.routes[0].pathPrefix", "routes[0].pathPrefix", "write '/b'"),
        Arguments.of(ISSUER + REDIS + "routes: [{pathPrefix: '//admin', allowedGroups: [a]}]\n", "spec.routes[0].pathPrefix", "routes[0].pathPrefix", "write '/admin'"),
        Arguments.of("issuers: [{name: a, issuerUrl: 'https://idp.example/r', audiences: [x]}, {name: b, issuerUrl: 'https://idp.example/r', audiences: [y]}]\n"
            + REDIS, "spec.issuers[1].issuerUrl", "issuers[1].issuerUrl", "already the issuerUrl of spec.issuers[0]"),
        Arguments.of("issuers: [{name: a, issuerUrl: 'https://a.example/r', audiences: [x], introspection: {clientId: c, clientSecretRef: {name: s, key: k}, "
            + "tokenPrefix: at_}}, {name: b, issuerUrl: 'https://b.example/r', audiences: [y], introspection: {clientId: c, "
            + "clientSecretRef: {name: s, key: k}, tokenPrefix: at_}}]\n" + REDIS,
            "spec.issuers[1].introspection.tokenPrefix", "issuers[1].introspection.tokenPrefix", "give each issuer the prefix of its own tokens"));
  }

  @ParameterizedTest(name = "{1}: {3}")
  @MethodSource("refusedSpecs")
  @DisplayName("A spec whose rendering the runtime refuses is refused by the operator, at the same field, with the fix")
  void operatorRefusesWhatTheRuntimeRefuses(String specYaml, String operatorField, String runtimeField, String fix)
      throws Exception {
    // Given a spec that breaks one of the runtime's rules
    var tier = tier("shop-auth", specYaml);
    // When the operator validates it, and the runtime loads what the operator would render
    var problems = SpecValidator.validate(tier);
    var loaded = LOADER.parse(RuntimeConfigRenderer.render(tier));
    // Then the operator names the field (so the tier stalls), and the runtime refuses it there
    assertThat(problems).as(problems.toString()).singleElement().satisfies(problem -> {
      assertThat(problem.field()).isEqualTo(operatorField);
      assertThat(problem.message()).contains(fix);
    });
    assertThat(loaded).isInstanceOfSatisfying(LoadResult.Invalid.class, invalid ->
        assertThat(invalid.problems()).extracting(p -> p.path()).contains(runtimeField));
  }

  /** Specs at the edge of the rules that both sides accept: the operator must not refuse what the runtime takes. */
  static Stream<Arguments> edgeSpecs() {
    return Stream.of(
        Arguments.of("a".repeat(46), ISSUER.replace("}]", ", clockSkew: 5m}]") + "redis: {mode: Cluster}\n"),
        Arguments.of("a".repeat(55), ISSUER + REDIS + "tokenCache: {l1: {ttl: 1m}, negativeTtl: 1m}\n"),
        Arguments.of("quoting", "issuers: [{name: main, issuerUrl: 'http://localhost:8080/realms/a/', audiences: ['123', 'true', 'null', 'yes', '~']}]\n"
            + REDIS + "routes: [{pathPrefix: /, allowedGroups: ['Domain Admins', '*', '0x10', '1_000', '1:20', '0o17', '1e3', '.inf', '+1', '0b101', 'No', 'off', '2024-01-01', '#x', '- a', '&a', '!x', '%x', '@x', '`x']}, {pathPrefix: /a.b/..c/, requiredScopes: ['on']}]\n"),
        Arguments.of("networks", ISSUER + "redis: {mode: External, external: {topology: Cluster, endpoints: ['[::1]:6379', '10.0.0.5:65535', 'r-0.r.svc.cluster.local:1']}}\n"
            + "runtime: {trustedProxies: [10.0.0.0/8, 192.168.1.7/32, 'fd00::/8', '::1/128', 0.0.0.0/0]}\n"),
        Arguments.of("wildcards", ISSUER + REDIS + LOGIN.formatted("'*.example.com', shop.example.com, localhost")),
        Arguments.of("every-algorithm", ISSUER.replace("}]", ", allowedAlgorithms: " + java.util.Arrays.toString(SigningAlgorithm.values()) + "}]") + REDIS),
        Arguments.of("no-login-no-redis", "issuers: [{name: a, issuerUrl: 'https://a.example/r', audiences: [x], introspection: {clientId: c, "
            + "clientSecretRef: {name: s, key: k}}}]\nruntime: {replicas: 3}\n"),
        Arguments.of("token-bytes-least", ISSUER + REDIS + "runtime: {maxTokenBytes: 256}\n"),
        Arguments.of("token-bytes-most", ISSUER + REDIS + "runtime: {maxTokenBytes: 65536}\n"),
        Arguments.of("token-prefixes", "issuers: [{name: a, issuerUrl: 'https://a.example/r', audiences: [x], introspection: {clientId: c, "
            + "clientSecretRef: {name: s, key: k}, tokenPrefix: 'ory_at_'}}, {name: b, issuerUrl: 'https://b.example/r', audiences: [y], "
            + "introspection: {clientId: c, clientSecretRef: {name: s, key: k}, tokenPrefix: '#!~'}}]\n" + REDIS));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("edgeSpecs")
  @DisplayName("An edge-but-valid spec is accepted by the operator and its rendering loads in the runtime")
  void edgeSpecsLoad(String name, String specYaml) throws Exception {
    var tier = tier(name, specYaml);

    var problems = SpecValidator.validate(tier);
    var rendered = RuntimeConfigRenderer.render(tier);

    assertThat(problems).isEmpty();
    assertThat(LOADER.parse(rendered)).as(rendered).isInstanceOf(LoadResult.Loaded.class);
  }

  @Test
  @DisplayName("A 5-byte cookie signing key stalls the tier, naming the Secret and key; the runtime would refuse its file")
  void shortSigningKeyIsRefusedByBoth() throws Exception {
    // Given a tier with login whose cookie signing key Secret holds 5 bytes
    var tier = tier("shop-auth", ISSUER + REDIS + LOGIN.formatted("shop.example.com"));
    var secret = new SecretBuilder().withNewMetadata().withName("cookie").endMetadata()
        .withStringData(Map.of("k1", "abcde")).build();
    // When the operator checks the referenced Secrets, and the runtime loads the rendering with those files
    var check = ReferencedSecrets.check(tier.getSpec(), tier.getMetadata().getName(),
        name -> Optional.of(secret).filter(s -> s.getMetadata().getName().equals(name)));
    var loaded = new RuntimeConfigLoader(file -> new SecretFileInspector.Readable(
        file.endsWith(Path.of("cookie", "k1")) ? 5 : 64)).parse(RuntimeConfigRenderer.render(tier));
    // Then both refuse it, the operator without the value
    assertThat(check.complete()).isFalse();
    assertThat(check.describe("shop")).contains("Secret cookie key k1 is shorter than 32 bytes").doesNotContain("abcde");
    assertThat(loaded).isInstanceOfSatisfying(LoadResult.Invalid.class, invalid ->
        assertThat(invalid.problems()).extracting(p -> p.path()).contains("sessions.cookie.signingKeys[0].file"));
  }

  @Test
  @DisplayName("Login without signing keys: the runtime loads the operator's generated key, id generated, from its mounted file")
  void generatedSigningKeyLoads() throws Exception {
    var tier = tier("shop-auth", ISSUER + REDIS + "sessions: {login: {issuer: main, clientId: web, allowedRedirectDomains: [shop.example.com]}}\n");

    var result = LOADER.parse(RuntimeConfigRenderer.render(tier));

    assertThat(result).isInstanceOfSatisfying(LoadResult.Loaded.class, loaded ->
        assertThat(loaded.config().sessions().cookie().signingKeys()).singleElement().satisfies(key -> {
          assertThat(key.id()).isEqualTo("generated");
          assertThat(key.file()).isEqualTo(Path.of("/etc/authtier/secrets/shop-auth-cookie-key/key"));
        }));
  }

  private static AuthTier tier(String name, String specYaml) throws Exception {
    var tier = new AuthTier();
    tier.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace("shop").build());
    tier.setSpec(YAML.treeToValue(YAML.readTree(specYaml), AuthTierSpec.class));
    return tier;
  }

  static List<Path> samples() throws IOException {
    try (var files = Files.list(Path.of("..", "samples"))) {
      return files.filter(p -> p.toString().endsWith(".yaml")).sorted().toList();
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("samples")
  @DisplayName("Each sample, rendered by the operator, is a valid runtime configuration")
  void renderedSampleLoads(Path sample) throws Exception {
    for (var tier : AuthTierFiles.read(sample).tiers()) {
      tier.getMetadata().setNamespace("shop");
      var rendered = RuntimeConfigRenderer.render(tier);

      var result = LOADER.parse(rendered);

      assertThat(result).as(() -> sample + " rendered as:\n" + rendered).isInstanceOf(LoadResult.Loaded.class);
      var config = ((LoadResult.Loaded) result).config();
      assertThat(config.issuers()).extracting(i -> i.name())
          .containsExactlyElementsOf(tier.getSpec().issuers().stream().map(i -> i.name()).toList());
    }
  }

  @Test
  @DisplayName("The production sample's values arrive in the runtime as the AuthTier states them")
  void productionValuesArrive() throws Exception {
    var tier = AuthTierFiles.read(Path.of("..", "samples", "production.yaml")).tiers().getFirst();
    tier.getMetadata().setNamespace("shop");

    var config = ((LoadResult.Loaded) LOADER.parse(RuntimeConfigRenderer.render(tier))).config();

    assertThat(config.sessions().store()).isEqualTo(SessionStoreType.Redis);
    assertThat(config.sessions().cookie().signingKeys()).extracting(k -> k.id()).containsExactly("k2", "k1");
    assertThat(config.sessions().login()).hasValueSatisfying(login -> {
      assertThat(login.issuer()).isEqualTo("shop");
      assertThat(login.clientSecretFile()).contains(Path.of("/etc/authtier/secrets/shop-oidc/login-secret"));
      assertThat(login.redirectUrl()).contains(URI.create("https://shop.example.com/oauth2/callback"));
      assertThat(login.redirectToLogin()).isFalse();
    });
    assertThat(config.sessions().passAccessToken()).isEqualTo(AccessTokenPassing.Header);
    assertThat(config.redis()).hasValueSatisfying(redis -> {
      assertThat(redis.topology()).isEqualTo(RedisTopology.Cluster);
      assertThat(redis.endpoints()).hasSize(3);
      assertThat(redis.tls()).isTrue();
      assertThat(redis.passwordFile()).contains(Path.of("/etc/authtier/secrets/shop-redis/password"));
    });
    assertThat(config.tokenCache().l2().enabled()).isTrue();
    assertThat(config.issuers().getFirst().introspection()).isPresent();
    assertThat(config.server().trustedProxies()).hasSize(1);
  }

  @Test
  @DisplayName("passAccessToken Authorization and redirectToLogin true, rendered by the operator, arrive in the runtime")
  void nonDefaultLoginSettingsArrive() throws Exception {
    var tier = productionWithLogin(io.authtier.operator.api.v1alpha1.AccessTokenPassing.Authorization, "http://localhost:8080/oauth2/callback", true);

    var config = ((LoadResult.Loaded) LOADER.parse(RuntimeConfigRenderer.render(tier))).config();

    assertThat(config.sessions().passAccessToken()).isEqualTo(AccessTokenPassing.Authorization);
    assertThat(config.sessions().login()).hasValueSatisfying(login -> {
      assertThat(login.redirectUrl()).contains(URI.create("http://localhost:8080/oauth2/callback"));
      assertThat(login.redirectToLogin()).isTrue();
    });
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {
      "https://shop.example.com/oauth2/callback", "https://shop.example.com:8443/auth/oauth2/callback",
      "http://localhost:8080/oauth2/callback", "http://127.0.0.1/oauth2/callback", "https://127.0.0.1/oauth2/callback",
      "http://shop.example.com/oauth2/callback", "https://shop.example.com/oauth2/callback?x=1",
      "https://shop.example.com/oauth2/callback#top", "https://user@shop.example.com/oauth2/callback",
      "https://shop.example.com/oauth2/start", "/oauth2/callback"})
  @DisplayName("A redirectUrl that the operator accepts loads in the runtime; one the runtime refuses, the operator refuses")
  void redirectUrlVerdictsAgree(String url) throws Exception {
    var tier = productionWithLogin(io.authtier.operator.api.v1alpha1.AccessTokenPassing.None, url, false);

    var operatorAccepts = SpecValidator.validate(tier).isEmpty();
    var runtimeLoads = LOADER.parse(RuntimeConfigRenderer.render(tier)) instanceof LoadResult.Loaded;

    assertThat(operatorAccepts).as("operator accepts %s", url).isEqualTo(runtimeLoads);
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"__Host-authtier", "__Host-", "__Host-!#$%&'*+-.^_`|~09AZaz", "__Host-a;b", "__Host-a b", "__Host-a=b", "__Host-\u00e9",
      "__host-a", "session", "a;__Host-b"})
  @DisplayName("A cookie name that the operator accepts loads in the runtime; one the runtime refuses, the operator refuses")
  void cookieNameVerdictsAgree(String name) throws Exception {
    var tier = tier("shop-auth", ISSUER + REDIS + "sessions: {cookie: {name: " + new ObjectMapper().writeValueAsString(name) + "}}\n");

    var operatorAccepts = SpecValidator.validate(tier).isEmpty();
    var runtimeLoads = LOADER.parse(RuntimeConfigRenderer.render(tier)) instanceof LoadResult.Loaded;

    assertThat(operatorAccepts).as("operator accepts %s", name).isEqualTo(runtimeLoads);
  }

  @Test
  @DisplayName("A localCacheTtl other than the default, rendered by the operator, arrives in the runtime")
  void nonDefaultLocalCacheTtlArrives() throws Exception {
    var twoSeconds = ((LoadResult.Loaded) LOADER.parse(RuntimeConfigRenderer.render(productionWithLocalCacheTtl("2s")))).config();
    var off = ((LoadResult.Loaded) LOADER.parse(RuntimeConfigRenderer.render(productionWithLocalCacheTtl("0s")))).config();
    var unset = ((LoadResult.Loaded) LOADER.parse(RuntimeConfigRenderer.render(productionWithLocalCacheTtl(null)))).config();

    assertThat(twoSeconds.sessions().localCacheTtl()).isEqualTo(Duration.ofSeconds(2));
    assertThat(off.sessions().localCacheTtl()).isZero();
    assertThat(unset.sessions().localCacheTtl()).isEqualTo(Duration.ofMillis(500));
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"runtime: {maxTokenBytes: 32768}\n", "runtime: {maxTokenBytes: 8192}\n", ""})
  @DisplayName("runtime.maxTokenBytes, rendered by the operator, arrives in the runtime as server.maxTokenBytes; left out, 8192")
  void maxTokenBytesArrives(String runtimeYaml) throws Exception {
    var tier = tier("shop-auth", ISSUER + REDIS + runtimeYaml);

    var config = ((LoadResult.Loaded) LOADER.parse(RuntimeConfigRenderer.render(tier))).config();

    assertThat(config.server().maxTokenBytes()).isEqualTo(runtimeYaml.contains("32768") ? 32768 : 8192);
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"0s", "1ms", "500ms", "1s500ms", "4s999ms", "5s", "5000ms", "5001ms", "5s1ms", "6s", "1m", "500", "0.5s",
      "1s1s", "500ms1s", "1ms1ms"})
  @DisplayName("A localCacheTtl that the operator accepts loads in the runtime; one the runtime refuses, the operator refuses")
  void localCacheTtlVerdictsAgree(String ttl) throws Exception {
    var tier = productionWithLocalCacheTtl(ttl);

    var operatorAccepts = SpecValidator.validate(tier).isEmpty();
    var runtimeLoads = LOADER.parse(RuntimeConfigRenderer.render(tier)) instanceof LoadResult.Loaded;

    assertThat(operatorAccepts).as("operator accepts %s", ttl).isEqualTo(runtimeLoads);
  }

  /** The production sample with its sessions.localCacheTtl replaced (null: left out). */
  private static AuthTier productionWithLocalCacheTtl(String ttl) throws Exception {
    var tier = AuthTierFiles.read(Path.of("..", "samples", "production.yaml")).tiers().getFirst();
    tier.getMetadata().setNamespace("shop");
    var spec = tier.getSpec();
    var sessions = spec.sessions();
    tier.setSpec(new AuthTierSpec(spec.issuers(), spec.tokenCache(), spec.resilience(),
        new SessionsSpec(sessions.store(), sessions.cookie(), sessions.idleTimeout(), sessions.absoluteTimeout(), ttl,
            sessions.passAccessToken(), sessions.login()),
        spec.redis(), spec.runtime(), spec.autoscaling(), spec.disruption(), spec.monitoring(), spec.routes()));
    return tier;
  }

  /** The production sample with its access token passing and login callback settings replaced. */
  private static AuthTier productionWithLogin(io.authtier.operator.api.v1alpha1.AccessTokenPassing passing, String redirectUrl, boolean redirectToLogin)
      throws Exception {
    var tier = AuthTierFiles.read(Path.of("..", "samples", "production.yaml")).tiers().getFirst();
    tier.getMetadata().setNamespace("shop");
    var spec = tier.getSpec();
    var sessions = spec.sessions();
    var login = sessions.login();
    tier.setSpec(new AuthTierSpec(spec.issuers(), spec.tokenCache(), spec.resilience(),
        new SessionsSpec(sessions.store(), sessions.cookie(), sessions.idleTimeout(), sessions.absoluteTimeout(), sessions.localCacheTtl(), passing,
            new LoginSpec(login.issuer(), login.clientId(), login.clientSecretRef(), login.scopes(),
                login.allowedRedirectDomains(), redirectUrl, redirectToLogin)),
        spec.redis(), spec.runtime(), spec.autoscaling(), spec.disruption(), spec.monitoring(), spec.routes()));
    return tier;
  }
}
