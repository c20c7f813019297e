package io.authtier.operator;

import io.authtier.operator.reconcile.AuthTierReconciler;
import io.authtier.operator.reconcile.KubernetesEventRecorder;
import io.authtier.operator.reconcile.RedisAdminFactory;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.Operator;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfiguration;
import io.javaoperatorsdk.operator.processing.retry.GenericRetry;
import io.javaoperatorsdk.operator.api.monitoring.Metrics;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;

/**
 * Builds the operator: the same settings for `run`, `demo` and the tests. Server-side apply is off
 * for both the primary's status and the dependents: desired objects are written fully normalised,
 * so the plain matcher sees no false differences (and the mock API server, which lacks SSA, runs
 * the very code that production runs).
 */
public final class AuthTierOperator {

  /** What differs between a production run and a test or demo run. */
  /**
   * @param operatorNamespace where the operator's own pods run (POD_NAMESPACE), which the Redis NetworkPolicy
   *                          admits; empty when unknown (run from outside the cluster): operator pods of any namespace
   */
  public record Settings(Clock clock, String instance, Optional<LeaderElectionConfiguration> leaderElection,
      Set<String> namespaces, Metrics metrics, RedisAdminFactory redisAdmins, Optional<String> operatorNamespace) {

    public Settings(Clock clock, String instance, Optional<LeaderElectionConfiguration> leaderElection,
        Set<String> namespaces, Metrics metrics) {
      this(clock, instance, leaderElection, namespaces, metrics, RedisAdminFactory.lettuce(clock), Optional.empty());
    }

    public Settings(Clock clock, String instance, Optional<LeaderElectionConfiguration> leaderElection,
        Set<String> namespaces) {
      this(clock, instance, leaderElection, namespaces, Metrics.NOOP);
    }

    /** The same settings, talking to Redis through {@code redisAdmins} (tests, demo). */
    public Settings withRedisAdmins(RedisAdminFactory redisAdmins) {
      return new Settings(clock, instance, leaderElection, namespaces, metrics, redisAdmins, operatorNamespace);
    }

    /** The same settings, for an operator whose pods run in {@code namespace}. */
    public Settings withOperatorNamespace(String namespace) {
      return new Settings(clock, instance, leaderElection, namespaces, metrics, redisAdmins, Optional.of(namespace));
    }
  }

  /** How long a stop waits for reconciliations in flight, within the pod's 30 s grace period. */
  static final Duration STOP_GRACE = Duration.ofSeconds(20);

  private AuthTierOperator() {}

  public static Operator create(KubernetesClient client, Settings settings) {
    var operator = new Operator(o -> {
      o.withKubernetesClient(client)
          .withUseSSAToPatchPrimaryResource(false)
          .withSSABasedCreateUpdateMatchForDependentResources(false)
          .withCloseClientOnStop(false)
          .withReconciliationTerminationTimeout(STOP_GRACE)
          .withMetrics(settings.metrics());
      settings.leaderElection().ifPresent(o::withLeaderElectionConfiguration);
    });
    var reconciler = new AuthTierReconciler(settings.clock(),
        new KubernetesEventRecorder(client, settings.clock(), settings.instance()), settings.redisAdmins(),
        settings.operatorNamespace());
    operator.register(reconciler, c -> {
      // Transient errors (API server away, conflicts) are retried for as long as they last.
      c.withRetry(new GenericRetry().setInitialInterval(1_000).setIntervalMultiplier(2)
          .setMaxInterval(300_000).withoutMaxAttempts());
      if (settings.namespaces().isEmpty()) {
        c.watchingAllNamespaces();
      } else {
        c.settingNamespaces(settings.namespaces());
      }
    });
    return operator;
  }
}
