package io.authtier.operator.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.authtier.operator.AuthTierOperator;
import io.authtier.operator.demo.EmbeddedApiServer;
import io.authtier.operator.demo.FakeWorkloadController;
import io.authtier.operator.support.Repo;
import io.authtier.operator.support.Tiers;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The operator's commands as the README runs them. */
class CommandsTest {

  @Test
  @DisplayName("demo applies every sample to an embedded API server and reports each Ready, exit 0")
  void demo() throws Exception {
    var out = new ByteArrayOutputStream();
    var err = new ByteArrayOutputStream();

    var code = DemoCommand.run(Repo.root().resolve("samples"), new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));

    var printed = out.toString(StandardCharsets.UTF_8);
    assertThat(code).as(printed + err.toString(StandardCharsets.UTF_8)).isZero();
    assertThat(printed)
        .contains("AuthTier authtier-demo/dev-auth", "AuthTier authtier-demo/shop-auth")
        .contains("Deployment               shop-auth", "HorizontalPodAutoscaler  shop-auth")
        .contains("AuthTier authtier-demo/api-auth", "StatefulSet              api-auth-redis",
            "redis: Cluster, cluster_state ok, 16384 slots, 3 masters, 3 replicas")
        .contains("All AuthTiers are Ready.");
  }

  @Test
  @DisplayName("With leader election the operator takes the authtier-operator Lease and then reconciles")
  void leaderElection() throws Exception {
    try (var api = EmbeddedApiServer.start(); var workloads = new FakeWorkloadController(api.client())) {
      var client = api.client();
      for (var namespace : new String[] {"authtier-system", "dev"}) {
        client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(namespace).endMetadata().build()).create();
      }
      // `stopping` is true: the test's own stop must not end the JVM
      var election = RunCommand.leaderElection("authtier-system", "operator-0", () -> true);
      var operator = AuthTierOperator.create(client,
          new AuthTierOperator.Settings(Clock.systemUTC(), "operator-0", Optional.of(election), Set.of()));
      operator.start();
      try {
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
          var lease = client.resources(Lease.class).inNamespace("authtier-system").withName("authtier-operator").get();
          assertThat(lease).isNotNull();
          assertThat(lease.getSpec().getHolderIdentity()).isEqualTo("operator-0");
        });
        client.resource(Tiers.sample("minimal.yaml", "dev")).create();
        await().atMost(Duration.ofSeconds(30)).until(() -> client.apps().deployments().inNamespace("dev")
            .withName("dev-auth").get() != null);
      } finally {
        operator.stop();
      }
    }
  }
}
