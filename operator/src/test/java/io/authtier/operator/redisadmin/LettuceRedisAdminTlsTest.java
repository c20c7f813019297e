package io.authtier.operator.redisadmin;

import static org.assertj.core.api.Assertions.assertThat;

import io.authtier.operator.redisadmin.NodeObservation.Failure;
import io.authtier.operator.redisadmin.NodeObservation.Reachable;
import io.authtier.operator.redisadmin.NodeObservation.Unreachable;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The lettuce admin against real {@code redis-server} processes that speak TLS only, with a test CA. */
@DisplayName("LettuceRedisAdmin over TLS")
class LettuceRedisAdminTlsTest {
  private static final String PASSWORD = "tls-test-password";

  @TempDir Path dir;

  private LocalRedisNodes redis;

  @AfterEach
  void stop() {
    redis.close();
  }

  @Test
  @DisplayName("observes a TLS-only Redis whose certificate a CA it trusts signed, and which names 127.0.0.1")
  void trustedCertificate() {
    // Given a TLS-only Redis with a certificate for 127.0.0.1 from a test CA
    // When an admin that trusts that CA observes it
    var observed = observedTrustingItsCa("IP:127.0.0.1,DNS:localhost");

    // Then it answers
    assertThat(observed).isInstanceOfSatisfying(Reachable.class, r -> assertThat(r.clusterEnabled()).isFalse());
  }

  @Test
  @DisplayName("verifies the peer by default: the JVM's trust store does not know the test CA, so the handshake fails")
  void untrustedCertificate() {
    // Given a TLS-only Redis whose CA is in no default trust store
    var node = startTls(TestCertificates.create(dir.resolve("pki"), "IP:127.0.0.1"), Optional.empty());

    // When the production TLS setting (JVM trust store) observes it
    var observed = observe(LettuceRedisAdmin.Tls.jvmTrustStore(), RedisPassword.none(), node);

    // Then the node is not asked, for a TLS reason
    assertThat(observed).isInstanceOfSatisfying(Unreachable.class,
        u -> assertThat(u.failure()).isEqualTo(Failure.TLS));
  }

  @Test
  @DisplayName("verifies the host name: a trusted certificate for another name fails the handshake")
  void certificateForAnotherHost() {
    // Given a certificate from a trusted CA, but for redis.example only
    // When observed at 127.0.0.1
    var observed = observedTrustingItsCa("DNS:redis.example");

    // Then the handshake fails
    assertThat(observed).isInstanceOfSatisfying(Unreachable.class,
        u -> assertThat(u.failure()).isEqualTo(Failure.TLS));
  }

  @Test
  @DisplayName("tells a wrong password apart from no answer, and never prints the password")
  void wrongPasswordAndNoAnswer() {
    // Given a TLS-only Redis that requires a password, and an address where nothing listens
    var certificates = TestCertificates.create(dir.resolve("pki"), "IP:127.0.0.1");
    var node = startTls(certificates, Optional.of(PASSWORD));
    var silent = redis.silentAddress();
    var tls = LettuceRedisAdmin.Tls.trusting(certificates.trustingCa());

    // When observed with the right password, a wrong one, and at the silent address
    var right = observe(tls, RedisPassword.of(PASSWORD.toCharArray()), node);
    var wrong = observe(tls, RedisPassword.of("not-the-password".toCharArray()), node);
    var none = observe(tls, RedisPassword.of(PASSWORD.toCharArray()), silent);

    // Then each says what happened
    assertThat(right).isInstanceOf(Reachable.class);
    assertThat(wrong).isInstanceOfSatisfying(Unreachable.class, u -> {
      assertThat(u.failure()).isEqualTo(Failure.AUTHENTICATION);
      assertThat(u.reason()).contains("WRONGPASS").doesNotContain("not-the-password");
    });
    assertThat(none).isInstanceOfSatisfying(Unreachable.class,
        u -> assertThat(u.failure()).isEqualTo(Failure.NO_ANSWER));
  }

  /** Starts a TLS-only Redis with a certificate for {@code subjectAltName}; observes it trusting its CA. */
  private NodeObservation observedTrustingItsCa(String subjectAltName) {
    var certificates = TestCertificates.create(dir.resolve("pki"), subjectAltName);
    var node = startTls(certificates, Optional.empty());
    return observe(LettuceRedisAdmin.Tls.trusting(certificates.trustingCa()), RedisPassword.none(), node);
  }

  private RedisNodeAddress startTls(TestCertificates certificates, Optional<String> password) {
    redis = new LocalRedisNodes(dir.resolve("redis"), password);
    return redis.startStandaloneTls(certificates);
  }

  private static NodeObservation observe(LettuceRedisAdmin.Tls tls, RedisPassword password, RedisNodeAddress node) {
    try (var admin = new LettuceRedisAdmin(new LettuceRedisAdmin.Settings(Duration.ofSeconds(2), 100,
        Duration.ofSeconds(5)), tls, password, new ClusterPlanner(ReplicaPlacement.anyOtherNode()), Clock.systemUTC())) {
      return admin.observe(List.of(node)).nodes().getFirst();
    }
  }
}
