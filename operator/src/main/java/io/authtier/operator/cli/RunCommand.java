package io.authtier.operator.cli;

import io.authtier.operator.AuthTierOperator;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfiguration;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfigurationBuilder;
import java.io.IOException;
import java.time.Clock;
import java.util.Arrays;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
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
  /** Exit code when the API server does not answer at start. */
  static final int UNREACHABLE = 1;

  /** Options of `run`, from flags and the environment. */
  public record Options(boolean leaderElection, int healthPort, Set<String> namespaces) {}

  private RunCommand() {}

  public static int run(Options options) throws IOException, InterruptedException {
    var client = new KubernetesClientBuilder().build();
    var unreachable = ApiServerCheck.problem(client.getConfiguration());
    if (unreachable.isPresent()) {
      LOG.error(unreachable.get());
      client.close();
      return UNREACHABLE;
    }
    var instance = Optional.ofNullable(System.getenv("HOSTNAME")).orElse("authtier-operator-local");
    // Set in the cluster by the downward API (manifests/deployment.yaml); absent when run from a workstation.
    var podNamespace = Optional.ofNullable(System.getenv("POD_NAMESPACE")).filter(ns -> !ns.isBlank());
    var leaseNamespace = podNamespace.orElse(client.getNamespace());
    var stopping = new AtomicBoolean();
    var leaderElection = options.leaderElection()
        ? Optional.of(leaderElection(leaseNamespace, instance, stopping::get))
        : Optional.<LeaderElectionConfiguration>empty();
    var settings = new AuthTierOperator.Settings(Clock.systemUTC(), instance, leaderElection, options.namespaces());
    var operator = AuthTierOperator.create(client, podNamespace.map(settings::withOperatorNamespace).orElse(settings));
    var stopped = new CountDownLatch(1);
    try (var health = new HealthServer(options.healthPort(), operator)) {
      Runtime.getRuntime().addShutdownHook(new Thread(() -> {
        stopping.set(true);
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

  /**
   * Leader election on the Lease {@value #LEASE}. JOSDK's own exit on losing the lease is off: it
   * also fires when a SIGTERM stops the operator, and System.exit inside a shutdown hook blocks
   * until the kubelet kills the pod. Losing the lease otherwise still ends the process, so that
   * Kubernetes restarts it as a candidate.
   */
  static LeaderElectionConfiguration leaderElection(String namespace, String identity, BooleanSupplier stopping) {
    return LeaderElectionConfigurationBuilder.aLeaderElectionConfiguration(LEASE)
        .withLeaseNamespace(namespace)
        .withIdentity(identity)
        .withExitOnStopLeading(false)
        .withLeaderCallbacks(new LeaderCallbacks(
            () -> LOG.info("Leading: the Lease {}/{} is ours", namespace, LEASE),
            () -> {
              if (!stopping.getAsBoolean()) {
                LOG.error("Lost the Lease {}/{}; exiting so that Kubernetes restarts this pod", namespace, LEASE);
                new Thread(() -> System.exit(1), "lost-lease-exit").start();
              }
            },
            leader -> LOG.info("Leader is {}", leader)))
        .build();
  }

  public static Set<String> namespacesFromEnvironment() {
    var value = System.getenv("WATCH_NAMESPACES");
    if (value == null || value.isBlank()) {
      return Set.of();
    }
    return Arrays.stream(value.split(",")).map(String::trim).filter(s -> !s.isEmpty()).collect(Collectors.toSet());
  }
}
