package io.authtier.operator.dependents.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.authtier.operator.api.v1alpha1.AccessTokenPassing;
import io.authtier.operator.api.v1alpha1.AuthTier;
import io.authtier.operator.api.v1alpha1.AuthTierSpec;
import io.authtier.operator.api.v1alpha1.LoginSpec;
import io.authtier.operator.api.v1alpha1.RuntimeSpec;
import io.authtier.operator.api.v1alpha1.SessionsSpec;
import io.authtier.operator.support.Tiers;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RuntimeConfigRendererTest {

  @Test
  @DisplayName("Secret references become the paths where the Deployment mounts them")
  void secretRefsBecomeFiles() {
    var config = RuntimeConfigRenderer.render(Tiers.sample("production.yaml", "prod"));

    assertThat(config)
        .contains("clientSecretFile: /etc/authtier/secrets/shop-oidc/introspection-secret")
        .contains("clientSecretFile: /etc/authtier/secrets/shop-oidc/login-secret")
        .contains("file: /etc/authtier/secrets/shop-cookie-keys/k2")
        .contains("passwordFile: /etc/authtier/secrets/shop-redis/password")
        .doesNotContain("SecretRef").doesNotContain("secretRef");
  }

  @Test
  @DisplayName("Only runtime settings reach the file: no autoscaling, runtime or monitoring sections")
  void onlyRuntimeSections() {
    var config = RuntimeConfigRenderer.render(Tiers.sample("production.yaml", "prod"));

    assertThat(config).contains("server:", "issuers:", "tokenCache:", "resilience:", "sessions:", "redis:")
        .doesNotContain("autoscaling:").doesNotContain("monitoring:").doesNotContain("image:");
    assertThat(config).contains("trustedProxies:\n  - 10.0.0.0/8");
  }

  @Test
  @DisplayName("passAccessToken, redirectUrl and redirectToLogin arrive in the runtime's sessions section")
  void loginSettingsArrive() {
    // Given the production sample passing the access token as Authorization and redirecting to login
    var tier = Tiers.sample("production.yaml", "prod");
    var spec = tier.getSpec();
    var sessions = spec.sessions();
    var login = sessions.login();
    tier.setSpec(new AuthTierSpec(spec.issuers(), spec.tokenCache(), spec.resilience(),
        new SessionsSpec(sessions.store(), sessions.cookie(), sessions.idleTimeout(), sessions.absoluteTimeout(),
            sessions.localCacheTtl(), AccessTokenPassing.Authorization,
            new LoginSpec(login.issuer(), login.clientId(), login.clientSecretRef(), login.scopes(),
                login.allowedRedirectDomains(), "https://auth.shop.example.com/oauth2/callback", true)),
        spec.redis(), spec.runtime(), spec.autoscaling(), spec.disruption(), spec.monitoring(), spec.routes()));

    // When it is rendered
    var config = RuntimeConfigRenderer.render(tier);

    // Then the runtime's keys carry the values, in the sections where the runtime reads them
    assertThat(config)
        .contains("\n  passAccessToken: Authorization\n")
        .contains("\n    redirectUrl: https://auth.shop.example.com/oauth2/callback\n")
        .contains("\n    redirectToLogin: true\n");
  }

  @Test
  @DisplayName("Left at their defaults, passAccessToken and redirectToLogin are not written: the runtime's defaults are the same")
  void loginSettingsAtDefaultsAreLeftOut() {
    var production = RuntimeConfigRenderer.render(Tiers.sample("production.yaml", "prod"));
    var minimal = RuntimeConfigRenderer.render(Tiers.sample("minimal.yaml", "dev"));

    assertThat(production).contains("passAccessToken: Header").doesNotContain("redirectToLogin");
    assertThat(minimal).doesNotContain("passAccessToken").doesNotContain("redirectToLogin").doesNotContain("redirectUrl");
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"0s", "2s", "5s"})
  @DisplayName("A localCacheTtl other than 500ms arrives in the runtime's sessions section")
  void localCacheTtlArrives(String ttl) {
    var config = RuntimeConfigRenderer.render(withLocalCacheTtl(Tiers.sample("production.yaml", "prod"), ttl));

    assertThat(config).contains("\n  absoluteTimeout: 7d\n  localCacheTtl: " + ttl + "\n");
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"500ms", "0s500ms"})
  @DisplayName("A localCacheTtl of 500ms, however written, is not written: the runtime's default is the same")
  void defaultLocalCacheTtlIsLeftOut(String ttl) {
    var sample = Tiers.sample("production.yaml", "prod");
    var unchanged = RuntimeConfigRenderer.render(sample);

    var config = RuntimeConfigRenderer.render(withLocalCacheTtl(sample, ttl));

    assertThat(config).doesNotContain("localCacheTtl").isEqualTo(unchanged);
    assertThat(RuntimeConfigRenderer.render(Tiers.sample("minimal.yaml", "dev"))).doesNotContain("localCacheTtl");
  }

  @Test
  @DisplayName("Without Redis the shared token cache is off, whatever the spec's default says")
  void noRedisNoL2() {
    var config = RuntimeConfigRenderer.render(Tiers.sample("minimal.yaml", "dev"));

    assertThat(config).contains("l2:\n    enabled: false").doesNotContain("redis:");
  }

  @Test
  @DisplayName("runtime.maxTokenBytes arrives as server.maxTokenBytes; at 8192, the runtime's default, it is not written")
  void maxTokenBytesArrives() {
    // Given the production sample, its tokens allowed 16 KiB, and the same at 8192
    var sample = Tiers.sample("production.yaml", "prod");
    var unchanged = RuntimeConfigRenderer.render(sample);

    // When each is rendered
    var larger = RuntimeConfigRenderer.render(withMaxTokenBytes(sample, 16384));
    var atDefault = RuntimeConfigRenderer.render(withMaxTokenBytes(sample, 8192));

    // Then the larger one is in the server section, and the default leaves the file (and its hash) as it was
    assertThat(larger).contains("\n  trustedProxies:\n  - 10.0.0.0/8\n  maxTokenBytes: 16384\n");
    assertThat(atDefault).doesNotContain("maxTokenBytes").isEqualTo(unchanged);
  }

  private static AuthTier withMaxTokenBytes(AuthTier tier, int maxTokenBytes) {
    var r = tier.getSpec().runtime();
    tier.setSpec(Tiers.withRuntime(tier.getSpec(),
        new RuntimeSpec(r.image(), r.imagePullPolicy(), r.replicas(), r.resources(), r.trustedProxies(), maxTokenBytes)));
    return tier;
  }

  private static AuthTier withLocalCacheTtl(AuthTier tier, String ttl) {
    var spec = tier.getSpec();
    var sessions = spec.sessions();
    tier.setSpec(new AuthTierSpec(spec.issuers(), spec.tokenCache(), spec.resilience(),
        new SessionsSpec(sessions.store(), sessions.cookie(), sessions.idleTimeout(), sessions.absoluteTimeout(), ttl,
            sessions.passAccessToken(), sessions.login()),
        spec.redis(), spec.runtime(), spec.autoscaling(), spec.disruption(), spec.monitoring(), spec.routes()));
    return tier;
  }
}
