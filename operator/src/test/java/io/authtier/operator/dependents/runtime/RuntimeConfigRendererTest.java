package io.authtier.operator.dependents.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.authtier.operator.support.Tiers;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

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
  @DisplayName("Without Redis the shared token cache is off, whatever the spec's default says")
  void noRedisNoL2() {
    var config = RuntimeConfigRenderer.render(Tiers.sample("minimal.yaml", "dev"));

    assertThat(config).contains("l2:\n    enabled: false").doesNotContain("redis:");
  }
}
