package io.authtier.runtime.contract;

import static org.assertj.core.api.Assertions.assertThat;

import io.authtier.operator.cli.AuthTierFiles;
import io.authtier.operator.dependents.runtime.RuntimeConfigRenderer;
import io.authtier.runtime.config.LoadResult;
import io.authtier.runtime.config.RedisTopology;
import io.authtier.runtime.config.RuntimeConfigLoader;
import io.authtier.runtime.config.SecretFileInspector;
import io.authtier.runtime.config.SessionStoreType;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

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
    });
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
}
