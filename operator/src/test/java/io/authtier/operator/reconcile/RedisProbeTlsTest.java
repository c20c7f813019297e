package io.authtier.operator.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import io.authtier.operator.api.v1alpha1.AuthTier;
import io.authtier.operator.api.v1alpha1.ExternalRedisSpec;
import io.authtier.operator.api.v1alpha1.RedisMode;
import io.authtier.operator.api.v1alpha1.RedisSpec;
import io.authtier.operator.api.v1alpha1.RedisTopology;
import io.authtier.operator.api.v1alpha1.SecretKeyRef;
import io.authtier.operator.redisadmin.ClusterPlanner;
import io.authtier.operator.redisadmin.LettuceRedisAdmin;
import io.authtier.operator.redisadmin.LocalRedisNodes;
import io.authtier.operator.redisadmin.RedisNodeAddress;
import io.authtier.operator.redisadmin.TestCertificates;
import io.authtier.operator.support.Tiers;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * RedisReady for an External Redis with {@code tls: true}, from a real TLS-only {@code redis-server}: the
 * reason names the cause, the message the endpoint, and never the password.
 */
@DisplayName("RedisReady of an External Redis over TLS")
class RedisProbeTlsTest {
  private static final String PASSWORD = "probe-tls-password";
  private static final SecretKeyRef PASSWORD_REF = new SecretKeyRef("ext-redis", "password");

  @TempDir Path dir;

  private LocalRedisNodes redis;
  private TestCertificates certificates;
  private RedisNodeAddress node;
  /** What the operator does, except that it trusts the test CA rather than the JVM's trust store. */
  private RedisProbe trustingTestCa;

  @BeforeEach
  void start() {
    certificates = TestCertificates.create(dir.resolve("pki"), "IP:127.0.0.1");
    redis = new LocalRedisNodes(dir.resolve("redis"), Optional.of(PASSWORD));
    node = redis.startStandaloneTls(certificates);
    var settings = new LettuceRedisAdmin.Settings(Duration.ofSeconds(2), 100, Duration.ofSeconds(5));
    trustingTestCa = new RedisProbe((password, tls, placement) -> new LettuceRedisAdmin(settings,
        tls ? LettuceRedisAdmin.Tls.trusting(certificates.trustingCa()) : LettuceRedisAdmin.Tls.off(), password,
        new ClusterPlanner(placement), Clock.systemUTC()));
  }

  @AfterEach
  void stop() {
    redis.close();
  }

  @Test
  @DisplayName("Reachable: True, naming the endpoint and TLS")
  void reachable() {
    var observed = trustingTestCa.observe(tier(node), secret(PASSWORD), Optional.empty(), Map::of).orElseThrow();

    assertThat(observed.conditionStatus()).isEqualTo("True");
    assertThat(observed.reason()).isEqualTo("Reachable");
    assertThat(observed.message()).isEqualTo("Redis answers at " + node + " over TLS, its certificate and host name verified");
    assertThat(observed.status().reachable()).isEqualTo("1/1");
  }

  @Test
  @DisplayName("Wrong password: False, AuthenticationFailed, the endpoint named and no password printed")
  void wrongPassword() {
    var observed = trustingTestCa.observe(tier(node), secret("a-wrong-one"), Optional.empty(), Map::of).orElseThrow();

    assertThat(observed.conditionStatus()).isEqualTo("False");
    assertThat(observed.reason()).isEqualTo("AuthenticationFailed");
    assertThat(observed.message()).contains(node.toString(), "WRONGPASS", "passwordSecretRef")
        .doesNotContain("a-wrong-one").doesNotContain(PASSWORD);
  }

  @Test
  @DisplayName("Nothing listening: False, Unreachable, the endpoint named")
  void unreachable() {
    var silent = redis.silentAddress();

    var observed = trustingTestCa.observe(tier(silent), secret(PASSWORD), Optional.empty(), Map::of).orElseThrow();

    assertThat(observed.conditionStatus()).isEqualTo("False");
    assertThat(observed.reason()).isEqualTo("Unreachable");
    assertThat(observed.message()).contains(silent.toString()).doesNotContain(PASSWORD);
  }

  @Test
  @DisplayName("The operator as shipped verifies against the JVM's trust store: a private CA fails with TlsHandshakeFailed")
  void untrustedByDefault() {
    var production = new RedisProbe(RedisAdminFactory.lettuce(Clock.systemUTC()));

    var observed = production.observe(tier(node), secret(PASSWORD), Optional.empty(), Map::of).orElseThrow();

    assertThat(observed.conditionStatus()).isEqualTo("False");
    assertThat(observed.reason()).isEqualTo("TlsHandshakeFailed");
    assertThat(observed.message()).contains(node.toString(), "trust store").doesNotContain(PASSWORD);
  }

  private static AuthTier tier(RedisNodeAddress endpoint) {
    var tier = Tiers.sample("minimal.yaml", "tls");
    tier.setSpec(Tiers.withRedis(tier.getSpec(), new RedisSpec(RedisMode.External, null, null,
        new ExternalRedisSpec(List.of(endpoint.toString()), RedisTopology.Standalone, PASSWORD_REF, true), null, null)));
    return tier;
  }

  private static java.util.function.Function<String, Optional<Secret>> secret(String password) {
    var secret = new SecretBuilder().withNewMetadata().withName(PASSWORD_REF.name()).endMetadata()
        .addToData(PASSWORD_REF.key(), Base64.getEncoder().encodeToString(password.getBytes(StandardCharsets.UTF_8)))
        .build();
    return name -> name.equals(PASSWORD_REF.name()) ? Optional.of(secret) : Optional.empty();
  }
}
