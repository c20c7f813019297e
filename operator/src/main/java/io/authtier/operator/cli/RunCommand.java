package io.authtier.operator.cli;

import io.authtier.operator.AuthTierOperator;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfigurationBuilder;
import java.io.IOException;
import java.time.Clock;
import java.util.Arrays;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * `run`: the operator against the current kubeconfig or the in-cluster service account, with leader
 * election on a Lease, a health endpoint for probes, and a graceful stop on SIGTERM.
 */
public final class RunCommand {
  private static final Logger LOG = LoggerFactory.getLogger(RunCommand.class);
  static final String LEASE = "authtier-operator";

  /** Options of `run`, from flags and the environment. */
  public record Options(boolean leaderElection, int healthPort, Set<String> namespaces) {}

  private RunCommand() {}

  public static int run(Options options) throws IOException, InterruptedException {
    var client = new KubernetesClientBuilder().build();
    var instance = Optional.ofNullable(System.getenv("HOSTNAME")).orElse("authtier-operator-local");
    var leaseNamespace = Optional.ofNullable(System.getenv("POD_NAMESPACE")).orElse(client.getNamespace());
    var leaderElection = options.leaderElection()
        ? Optional.of(LeaderElectionConfigurationBuilder.aLeaderElectionConfiguration(LEASE)
            .withLeaseNamespace(leaseNamespace)
            .withIdentity(instance)
            .build())
        : Optional.<io.javaoperatorsdk.operator.api.config.LeaderElectionConfiguration>empty();
    var operator = AuthTierOperator.create(client,
        new AuthTierOperator.Settings(Clock.systemUTC(), instance, leaderElection, options.namespaces()));
    var stopped = new CountDownLatch(1);
    try (var health = new HealthServer(options.healthPort(), operator)) {
      Runtime.getRuntime().addShutdownHook(new Thread(() -> {
        LOG.info("Stopping: finishing reconciliations in progress");
        operator.stop();
        client.close();
        stopped.countDown();
      }, "shutdown"));
      operator.start();
      LOG.info("AuthTier operator started (leader election {}, namespaces {})",
          options.leaderElection() ? "on, Lease " + leaseNamespace + "/" + LEASE : "off",
          options.namespaces().isEmpty() ? "all" : options.namespaces());
      stopped.await();
    }
    return 0;
  }

  public static Set<String> namespacesFromEnvironment() {
    var value = System.getenv("WATCH_NAMESPACES");
    if (value == null || value.isBlank()) {
      return Set.of();
    }
    return Arrays.stream(value.split(",")).map(String::trim).filter(s -> !s.isEmpty()).collect(Collectors.toSet());
  }
}
