package io.authtier.runtime.contract;

import static org.assertj.core.api.Assertions.assertThat;

import io.authtier.operator.api.v1alpha1.AuthTier;
import io.authtier.operator.api.v1alpha1.AuthTierSpec;
import io.authtier.operator.api.v1alpha1.LoginSpec;
import io.authtier.operator.api.v1alpha1.SessionsSpec;
import io.authtier.operator.cli.AuthTierFiles;
import io.authtier.operator.dependents.runtime.RuntimeConfigRenderer;
import io.authtier.operator.spec.SpecValidator;
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
 * the runtime configuration file, loads in the runtime without a problem. Secret files live in the
 * cluster, not here, so the loader is told that each named file exists.
 */
class RenderedSamplesLoadTest {
  private static final RuntimeConfigLoader LOADER =
      new RuntimeConfigLoader(file -> new SecretFileInspector.Readable(64));

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
