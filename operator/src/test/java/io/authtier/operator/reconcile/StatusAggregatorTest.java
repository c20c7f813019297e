package io.authtier.operator.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import io.authtier.operator.api.v1alpha1.Condition;
import io.authtier.operator.api.v1alpha1.IssuerSpec;
import io.authtier.operator.api.v1alpha1.SessionStore;
import io.authtier.operator.api.v1alpha1.SessionsSpec;
import io.authtier.operator.demo.FakeWorkloadController;
import io.authtier.operator.support.Tiers;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscalerBuilder;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class StatusAggregatorTest {
  private static final Instant T0 = Instant.parse("2026-11-28T10:00:00Z");

  @Test
  @DisplayName("A tier whose pods are all ready and current is Ready, not Reconciling, not Stalled")
  void readyTier() {
    var tier = Tiers.sample("minimal.yaml", "dev");
    var status = aggregator(T0).aggregate(tier, running(readyDeployment(1, 1L), null));

    assertThat(condition(status.conditions(), "Ready")).satisfies(c -> {
      assertThat(c.status()).isEqualTo("True");
      assertThat(c.reason()).isEqualTo("Ready");
      assertThat(c.message()).contains("http://dev-auth.dev.svc:8080").contains("1/1 pods ready");
      assertThat(c.observedGeneration()).isEqualTo(1L);
      assertThat(c.lastTransitionTime()).isEqualTo("2026-11-28T10:00:00Z");
    });
    assertThat(condition(status.conditions(), "Reconciling").status()).isEqualTo("False");
    assertThat(condition(status.conditions(), "Stalled").status()).isEqualTo("False");
    assertThat(condition(status.conditions(), "AutoscalingReady").reason()).isEqualTo("AutoscalingDisabled");
    assertThat(status.runtime().replicaSummary()).isEqualTo("1/1");
    assertThat(status.observedGeneration()).isEqualTo(1L);
  }

  @Test
  @DisplayName("lastTransitionTime stays put while a condition's status does not change, and moves when it does")
  void transitionTimes() {
    // Given a Ready status computed at T0
    var tier = Tiers.sample("minimal.yaml", "dev");
    var first = aggregator(T0).aggregate(tier, running(readyDeployment(1, 1L), null));
    tier.setStatus(first);

    // When the same world is observed an hour later
    var later = aggregator(T0.plus(Duration.ofHours(1))).aggregate(tier, running(readyDeployment(1, 1L), null));

    // Then nothing changed, not even the times: the reconciler writes nothing
    assertThat(later).isEqualTo(first);

    // When the Deployment loses its pods two hours in
    var lost = new DeploymentBuilder(readyDeployment(1, 1L)).editStatus().withReadyReplicas(0).withAvailableReplicas(0)
        .withConditions(new io.fabric8.kubernetes.api.model.apps.DeploymentConditionBuilder()
            .withType("Available").withStatus("False").build()).endStatus().build();
    var degraded = aggregator(T0.plus(Duration.ofHours(2))).aggregate(tier, running(lost, null));

    // Then Ready turns False at that time, and Stalled (unchanged) keeps its time
    assertThat(condition(degraded.conditions(), "Ready")).satisfies(c -> {
      assertThat(c.status()).isEqualTo("False");
      assertThat(c.reason()).isEqualTo("MinimumReplicasUnavailable");
      assertThat(c.lastTransitionTime()).isEqualTo("2026-11-28T12:00:00Z");
    });
    assertThat(condition(degraded.conditions(), "Stalled").lastTransitionTime()).isEqualTo("2026-11-28T10:00:00Z");
  }

  @Test
  @DisplayName("A Deployment still rolling out keeps the tier Reconciling and not Ready")
  void rollingOut() {
    var tier = Tiers.sample("minimal.yaml", "dev");
    var stale = new DeploymentBuilder(readyDeployment(1, 1L)).editMetadata().withGeneration(2L).endMetadata().build();

    var status = aggregator(T0).aggregate(tier, running(stale, null));

    assertThat(condition(status.conditions(), "Reconciling")).satisfies(c -> {
      assertThat(c.status()).isEqualTo("True");
      assertThat(c.reason()).isEqualTo("RollingOut");
    });
    assertThat(condition(status.conditions(), "Ready").status()).isEqualTo("False");
  }

  @Test
  @DisplayName("Once Ready, the HPA adding pods or one pod restarting keeps the tier Ready and not Reconciling; a new template still rolls out")
  void podsComingAndGoingAreNotARollout() {
    var tier = Tiers.sample("minimal.yaml", "dev");
    // A new tier whose pods are not all ready yet is rolling out
    var starting = withPods(readyDeployment(3, 1L), 3, 3, 1);
    var first = aggregator(T0).aggregate(tier, running(starting, null));
    assertThat(condition(first.conditions(), "Reconciling").reason()).isEqualTo("RollingOut");
    assertThat(condition(first.conditions(), "Ready").status()).isEqualTo("False");
    tier.setStatus(aggregator(T0).aggregate(tier, running(readyDeployment(3, 1L), null)));
    assertThat(condition(tier.getStatus().conditions(), "Ready").status()).isEqualTo("True");

    // When the HPA asks for 5 pods (2 still starting; the Deployment's own Available is False with maxUnavailable 0),
    // or one of 3 pods restarts
    var scaledUp = withPods(readyDeployment(5, 1L), 5, 5, 3);
    var restarting = withPods(readyDeployment(3, 1L), 3, 3, 2);
    for (var deployment : java.util.List.of(scaledUp, restarting)) {
      var status = aggregator(T0.plusSeconds(60)).aggregate(tier, running(deployment, null));

      // Then the tier stays Ready, and nothing is said to roll out
      assertThat(condition(status.conditions(), "Ready").status()).isEqualTo("True");
      assertThat(condition(status.conditions(), "Reconciling").status()).isEqualTo("False");
      assertThat(condition(status.conditions(), "RuntimeReady").message()).isEqualTo(
          deployment.getStatus().getReadyReplicas() + "/" + deployment.getSpec().getReplicas() + " pods ready");
    }

    // But a new pod template (a spec or Secret change) with an old pod still there is a rollout
    var newTemplate = new DeploymentBuilder(withPods(readyDeployment(3, 1L), 4, 1, 3)).editMetadata().withGeneration(2L).endMetadata()
        .editStatus().withObservedGeneration(2L).endStatus().build();
    var rolling = aggregator(T0.plusSeconds(120)).aggregate(tier, running(newTemplate, null));
    assertThat(condition(rolling.conditions(), "Reconciling").reason()).isEqualTo("RollingOut");
    // And no ready pod at all is not Ready
    var none = aggregator(T0.plusSeconds(180)).aggregate(tier, running(withPods(readyDeployment(3, 1L), 3, 3, 0), null));
    assertThat(condition(none.conditions(), "Ready").reason()).isEqualTo("MinimumReplicasUnavailable");
  }

  @Test
  @DisplayName("An HPA scale-up, step by step as the Deployment controller reports it (generation bumped, then observed, then pods made), keeps the tier Ready")
  void hpaScaleIsNotARollout() {
    var tier = Tiers.sample("production.yaml", "prod");
    var hpa = hpa("ScalingActive", "True", "ValidMetricFound");
    var template = new io.fabric8.kubernetes.api.model.PodTemplateSpecBuilder().withNewMetadata()
        .addToAnnotations("authtier.io/config-hash", "c1").endMetadata().build();
    var steady = withTemplate(readyDeployment(3, 1L), template);
    tier.setStatus(aggregator(T0).aggregate(tier, running(steady, hpa)));
    assertThat(condition(tier.getStatus().conditions(), "Ready").status()).isEqualTo("True");
    assertThat(tier.getStatus().runtime().rolledOutTemplate()).isNotBlank();

    // The HPA writes replicas 5 through the scale subresource: generation 2, which the controller has not observed yet
    var written = new DeploymentBuilder(steady).editMetadata().withGeneration(2L).endMetadata().editSpec().withReplicas(5).endSpec().build();
    // The controller observes it; the new ReplicaSet counts its pods only once it has made them
    var observed = new DeploymentBuilder(written).editStatus().withObservedGeneration(2L).endStatus().build();
    // 5 pods, 2 of them JVMs still starting
    var starting = withPods(observed, 5, 5, 3);
    var done = withPods(observed, 5, 5, 5);
    var at = T0;
    for (var deployment : List.of(written, observed, starting, done)) {
      at = at.plusSeconds(5);
      tier.setStatus(aggregator(at).aggregate(tier, running(deployment, hpa)));

      assertThat(condition(tier.getStatus().conditions(), "Ready").status()).isEqualTo("True");
      assertThat(condition(tier.getStatus().conditions(), "Reconciling").reason()).isEqualTo("Reconciled");
    }
    assertThat(condition(tier.getStatus().conditions(), "Ready").lastTransitionTime()).isEqualTo("2026-11-28T10:00:00Z");

    // A new template (a Secret changed) in the same unobserved window is a rollout
    var changed = new DeploymentBuilder(done).editMetadata().withGeneration(3L).endMetadata().editSpec().editTemplate().editMetadata()
        .addToAnnotations("authtier.io/config-hash", "c2").endMetadata().endTemplate().endSpec().build();
    var rolling = aggregator(at.plusSeconds(5)).aggregate(tier, running(changed, hpa));
    assertThat(condition(rolling.conditions(), "Reconciling").reason()).isEqualTo("RollingOut");
    assertThat(condition(rolling.conditions(), "Ready").status()).isEqualTo("False");
    assertThat(rolling.runtime().rolledOutTemplate()).isEqualTo(tier.getStatus().runtime().rolledOutTemplate());
  }

  private static Deployment withTemplate(Deployment deployment, io.fabric8.kubernetes.api.model.PodTemplateSpec template) {
    return new DeploymentBuilder(deployment).editSpec().withTemplate(template).endSpec().build();
  }

  @Test
  @DisplayName("Ready holds while the pods the PDB keeps are ready (minReplicas 3 less maxUnavailable 1), however far the HPA scales up")
  void readyAgainstTheConfiguredFloor() {
    var tier = Tiers.sample("production.yaml", "prod");
    var hpa = hpa("ScalingActive", "True", "ValidMetricFound");
    tier.setStatus(aggregator(T0).aggregate(tier, running(readyDeployment(3, 1L), hpa)));
    assertThat(condition(tier.getStatus().conditions(), "Ready").status()).isEqualTo("True");

    // The HPA takes 3 pods to 10 (the default policy adds up to 4 every 15 s, and doubles): 3 serve, 7 start
    var burst = aggregator(T0.plusSeconds(60)).aggregate(tier, running(withPods(readyDeployment(10, 1L), 10, 10, 3), hpa));
    // A node fails at 10: 2 are left, the PDB's floor; then 1, below it
    var floor = aggregator(T0.plusSeconds(120)).aggregate(tier, running(withPods(readyDeployment(10, 1L), 10, 10, 2), hpa));
    var below = aggregator(T0.plusSeconds(180)).aggregate(tier, running(withPods(readyDeployment(10, 1L), 10, 10, 1), hpa));

    assertThat(condition(burst.conditions(), "Ready").status()).isEqualTo("True");
    assertThat(condition(floor.conditions(), "Ready").status()).isEqualTo("True");
    assertThat(condition(below.conditions(), "Ready")).satisfies(c -> {
      assertThat(c.status()).isEqualTo("False");
      assertThat(c.reason()).isEqualTo("MinimumReplicasUnavailable");
      assertThat(c.message()).isEqualTo("1/10 pods ready");
    });
  }

  /** {@code deployment} with {@code total} pods, {@code updated} of the current template, {@code ready} ready (and available). */
  private static Deployment withPods(Deployment deployment, int total, int updated, int ready) {
    return new DeploymentBuilder(deployment).editStatus().withReplicas(total).withUpdatedReplicas(updated)
        .withReadyReplicas(ready).withAvailableReplicas(ready)
        .withConditions(new io.fabric8.kubernetes.api.model.apps.DeploymentConditionBuilder()
            .withType("Available").withStatus(ready >= deployment.getSpec().getReplicas() ? "True" : "False").build())
        .endStatus().build();
  }

  @Test
  @DisplayName("A blocker makes the tier Stalled and not Ready with the blocker's reason, and not Reconciling")
  void stalled() {
    var tier = Tiers.sample("minimal.yaml", "dev");
    var blocker = new Observation.Problem("SecretNotFound", "Secret oidc not found (spec.issuers[0]...)");

    var status = aggregator(T0).aggregate(tier,
        new Observation(Optional.of(blocker), Optional.empty(), Optional.empty(), Optional.empty(), IN_PLACE));

    assertThat(condition(status.conditions(), "Stalled")).satisfies(c -> {
      assertThat(c.status()).isEqualTo("True");
      assertThat(c.reason()).isEqualTo("SecretNotFound");
      assertThat(c.message()).contains("oidc");
    });
    assertThat(condition(status.conditions(), "Ready").reason()).isEqualTo("SecretNotFound");
    assertThat(condition(status.conditions(), "Reconciling").status()).isEqualTo("False");

    // A stalled tier that wants an HPA it does not have yet is not told that one is on its way
    var withAutoscaling = Tiers.sample("production.yaml", "prod");
    var stalledScaling = aggregator(T0).aggregate(withAutoscaling,
        new Observation(Optional.of(blocker), Optional.empty(), Optional.empty(), Optional.empty(), IN_PLACE));
    assertThat(condition(stalledScaling.conditions(), "AutoscalingReady")).satisfies(c -> {
      assertThat(c.status()).isEqualTo("Unknown");
      assertThat(c.reason()).isEqualTo("NotReconciled");
    });
  }

  @Test
  @DisplayName("A failed reconcile is Reconciling (retrying) and not Ready, but not Stalled")
  void failure() {
    var tier = Tiers.sample("minimal.yaml", "dev");
    var failure = new Observation.Problem("ReconcileFailed", "connection refused");

    var status = aggregator(T0).aggregate(tier,
        new Observation(Optional.empty(), Optional.of(failure), Optional.of(readyDeployment(1, 1L)), Optional.empty(), IN_PLACE));

    assertThat(condition(status.conditions(), "Reconciling").reason()).isEqualTo("RetryingAfterError");
    assertThat(condition(status.conditions(), "Ready").reason()).isEqualTo("ReconcileFailed");
    assertThat(condition(status.conditions(), "Stalled").status()).isEqualTo("False");
  }

  @Test
  @DisplayName("A failed API call on a tier that already serves this generation keeps Ready, and says Reconciling (retrying)")
  void transientFailureKeepsReady() {
    // Given a tier that is Ready at generation 1
    var tier = Tiers.sample("minimal.yaml", "dev");
    tier.setStatus(aggregator(T0).aggregate(tier, running(readyDeployment(1, 1L), null)));
    var failure = new Observation.Problem("ReconcileFailed", "Operation cannot be fulfilled: the object has been modified");

    // When a reconcile of the same generation fails
    var status = aggregator(T0.plusSeconds(30)).aggregate(tier,
        new Observation(Optional.empty(), Optional.of(failure), Optional.of(readyDeployment(1, 1L)), Optional.empty(), IN_PLACE));

    // Then Ready stays (with its first transition time), and the retry shows in Reconciling
    assertThat(condition(status.conditions(), "Ready")).satisfies(c -> {
      assertThat(c.status()).isEqualTo("True");
      assertThat(c.lastTransitionTime()).isEqualTo("2026-11-28T10:00:00Z");
    });
    assertThat(condition(status.conditions(), "Reconciling").reason()).isEqualTo("RetryingAfterError");

    // When the spec changes (generation 2) and its reconcile fails, Ready cannot claim generation 2
    tier.getMetadata().setGeneration(2L);
    var next = aggregator(T0.plusSeconds(60)).aggregate(tier,
        new Observation(Optional.empty(), Optional.of(failure), Optional.of(readyDeployment(1, 1L)), Optional.empty(), IN_PLACE));
    assertThat(condition(next.conditions(), "Ready").reason()).isEqualTo("ReconcileFailed");
  }

  @Test
  @DisplayName("A rollout past its progress deadline stalls the tier, naming what to look at; the old pods keep serving")
  void rolloutStuck() {
    var tier = Tiers.sample("minimal.yaml", "dev");
    var stuck = new DeploymentBuilder(readyDeployment(1, 1L)).editStatus().withUpdatedReplicas(1).withReplicas(2)
        .addNewCondition().withType("Progressing").withStatus("False").withReason("ProgressDeadlineExceeded")
        .withMessage("ReplicaSet \"dev-auth-5d8f\" has timed out progressing.").endCondition()
        .endStatus().build();

    var status = aggregator(T0).aggregate(tier, running(stuck, null));

    assertThat(condition(status.conditions(), "Stalled")).satisfies(c -> {
      assertThat(c.status()).isEqualTo("True");
      assertThat(c.reason()).isEqualTo("RolloutStuck");
      assertThat(c.message()).contains("has timed out progressing", "kubectl describe pods -l app.kubernetes.io/instance=dev-auth");
    });
    assertThat(condition(status.conditions(), "Ready").reason()).isEqualTo("RolloutStuck");
    assertThat(condition(status.conditions(), "Reconciling").status()).isEqualTo("False");
    assertThat(condition(status.conditions(), "RuntimeReady").status()).isEqualTo("True");
  }

  @Test
  @DisplayName("A stuck rollout of a Ready tier whose writes fail is Stalled and neither Ready nor Reconciling; the retry shows in the message")
  void stuckRolloutWhileRetrying() {
    // Given a tier that is Ready at generation 1
    var tier = Tiers.sample("production.yaml", "prod");
    tier.setStatus(aggregator(T0).aggregate(tier, running(readyDeployment(3, 1L), null)));
    var failure = new Observation.Problem("ReconcileFailed", "admission webhook denied the request");

    // When its rollout passes the progress deadline while every write of the Deployment fails
    var status = aggregator(T0.plusSeconds(600)).aggregate(tier,
        new Observation(Optional.empty(), Optional.of(failure), Optional.of(stuck(readyDeployment(3, 1L))), Optional.empty(), IN_PLACE)
            .withRedis(Optional.of(REDIS_UP)));

    // Then only Stalled is True, and Reconciling still tells of the retry
    assertThat(status.conditions()).extracting(c -> c.type() + "=" + c.status() + "/" + c.reason())
        .contains("Ready=False/RolloutStuck", "Reconciling=False/Stalled", "Stalled=True/RolloutStuck");
    assertThat(condition(status.conditions(), "Reconciling").message())
        .isEqualTo("Waiting for the problem in the Stalled condition to be fixed; meanwhile retrying after an error: "
            + failure.message());
  }

  @Test
  @DisplayName("Stalled=True never stands beside Ready=True or Reconciling=True, whatever a reconcile observes (kstatus)")
  void stalledExcludesReadyAndReconciling() {
    // Given every combination of a previous status, a blocker, a failed API call, the Deployment's state,
    // what Redis said, and a part of the spec that cannot be applied
    var blockers = List.of(Optional.<Observation.Problem>empty(),
        Optional.of(new Observation.Problem("SecretNotFound", "Secret oidc not found")),
        Optional.of(new Observation.Problem("NameConflict", "services \"prod-auth\" already exists")));
    var failures = List.of(Optional.<Observation.Problem>empty(),
        Optional.of(new Observation.Problem("ReconcileFailed", "connection refused")));
    var rolling = new DeploymentBuilder(readyDeployment(3, 1L)).editMetadata().withGeneration(2L).endMetadata().build();
    var deployments = List.of(Optional.<Deployment>empty(), Optional.of(readyDeployment(3, 1L)), Optional.of(rolling),
        Optional.of(withPods(readyDeployment(3, 1L), 3, 3, 0)), Optional.of(stuck(readyDeployment(3, 1L))),
        Optional.of(stuck(withPods(readyDeployment(3, 1L), 3, 3, 0))));
    var redisStatus = new io.authtier.operator.api.v1alpha1.RedisStatus("Cluster", "n:6379", "fail", 10000, 2, 1, "5/6");
    var redises = List.of(Optional.<RedisObservation>empty(), Optional.of(REDIS_UP),
        Optional.of(RedisObservation.notReady(redisStatus, "ClusterConverging", "adding slots")),
        Optional.of(new RedisObservation(redisStatus, "False", "ClusterRefused", "n:6379 holds 3 keys", true)),
        Optional.of(REDIS_UP.withRollout(Optional.of("2 of 3 pods updated"))));
    var unapplied = List.of(Optional.<Observation.Problem>empty(),
        Optional.of(new Observation.Problem("PersistenceImmutable", "spec.redis.persistence changed")));
    var fresh = Tiers.sample("production.yaml", "prod");
    var wasReady = Tiers.sample("production.yaml", "prod");
    wasReady.setStatus(aggregator(T0).aggregate(wasReady, running(readyDeployment(3, 1L), null)));
    assertThat(condition(wasReady.getStatus().conditions(), "Ready").status()).isEqualTo("True");

    // When each is aggregated
    var violations = new java.util.ArrayList<String>();
    int combinations = 0;
    for (var tier : List.of(fresh, wasReady)) {
      for (var blocker : blockers) {
        for (var failure : failures) {
          for (var deployment : deployments) {
            for (var redis : redises) {
              for (var part : unapplied) {
                var observation = new Observation(blocker, failure, deployment, Optional.empty(), IN_PLACE)
                    .withRedis(redis).withUnapplied(part);
                var conditions = aggregator(T0.plusSeconds(60)).aggregate(tier, observation).conditions();
                combinations++;
                var stalled = condition(conditions, "Stalled").status().equals("True");
                var ready = condition(conditions, "Ready").status().equals("True");
                var reconciling = condition(conditions, "Reconciling").status().equals("True");
                if (stalled && (ready || reconciling)) {
                  violations.add(conditions.stream().limit(3).map(c -> c.type() + "=" + c.status() + "/" + c.reason()).toList()
                      + " with previous Ready " + (tier == wasReady) + ", blocker " + blocker.map(Observation.Problem::reason)
                      + ", failure " + failure.isPresent() + ", deployment #" + deployments.indexOf(deployment)
                      + ", redis " + redis.map(RedisObservation::reason) + ", unapplied " + part.isPresent());
                }
              }
            }
          }
        }
      }
    }

    // Then no status is both failed and current, or failed and in progress
    assertThat(combinations).isEqualTo(2 * 3 * 2 * 6 * 5 * 2);
    assertThat(violations).isEmpty();
  }

  /** {@code deployment} whose rollout passed its progress deadline. */
  private static Deployment stuck(Deployment deployment) {
    return new DeploymentBuilder(deployment).editStatus()
        .addNewCondition().withType("Progressing").withStatus("False").withReason("ProgressDeadlineExceeded")
        .withMessage("ReplicaSet \"prod-auth-5d8f\" has timed out progressing.").endCondition()
        .endStatus().build();
  }

  @Test
  @DisplayName("The HPA's own conditions decide AutoscalingReady; a fresh HPA is Unknown")
  void autoscaling() {
    var tier = Tiers.sample("production.yaml", "prod");
    var deployment = readyDeployment(3, 1L);

    var missing = aggregator(T0).aggregate(tier, running(deployment, null));
    var fresh = aggregator(T0).aggregate(tier, running(deployment, new HorizontalPodAutoscalerBuilder().build()));
    var inactive = aggregator(T0).aggregate(tier, running(deployment, hpa("ScalingActive", "False", "FailedGetPodsMetric")));
    var active = aggregator(T0).aggregate(tier, running(deployment, hpa("ScalingActive", "True", "ValidMetricFound")));

    assertThat(condition(missing.conditions(), "AutoscalingReady").reason()).isEqualTo("AutoscalerNotFound");
    assertThat(condition(fresh.conditions(), "AutoscalingReady").status()).isEqualTo("Unknown");
    assertThat(condition(inactive.conditions(), "AutoscalingReady")).satisfies(c -> {
      assertThat(c.status()).isEqualTo("False");
      assertThat(c.reason()).isEqualTo("FailedGetPodsMetric");
      assertThat(c.message()).contains("scales up but never down").contains("spec.autoscaling.requestQueueLength to 0");
    });
    assertThat(condition(active.conditions(), "AutoscalingReady").status()).isEqualTo("True");
    // Autoscaling is reported, but a tier that serves is Ready without a metrics adapter
    assertThat(condition(inactive.conditions(), "Ready").status()).isEqualTo("True");
  }

  @Test
  @DisplayName("MonitoringAvailable says whether the Prometheus Operator is there; Ready does not depend on it")
  void monitoring() {
    var tier = Tiers.sample("production.yaml", "prod");
    var deployment = readyDeployment(3, 1L);

    var without = aggregator(T0).aggregate(tier,
        new Observation(Optional.empty(), Optional.empty(), Optional.of(deployment), Optional.empty(), new MonitoringObservation.NotInstalled())
            .withRedis(Optional.of(REDIS_UP)));
    var with = aggregator(T0).aggregate(tier, running(deployment, null));

    assertThat(condition(without.conditions(), "MonitoringAvailable")).satisfies(c -> {
      assertThat(c.status()).isEqualTo("False");
      assertThat(c.reason()).isEqualTo("PrometheusOperatorNotInstalled");
    });
    assertThat(condition(without.conditions(), "Ready").status()).isEqualTo("True");
    assertThat(condition(with.conditions(), "MonitoringAvailable").reason()).isEqualTo("MonitoringActive");
  }

  @Test
  @DisplayName("A monitoring object that the API server refused makes MonitoringAvailable False with its message, not Ready")
  void monitoringRefused() {
    var tier = Tiers.sample("production.yaml", "prod");
    var refused = new MonitoringObservation.Failed("PrometheusRule shop-auth: admission webhook denied the request");

    var status = aggregator(T0).aggregate(tier,
        new Observation(Optional.empty(), Optional.empty(), Optional.of(readyDeployment(3, 1L)), Optional.empty(), refused)
            .withRedis(Optional.of(REDIS_UP)));

    assertThat(condition(status.conditions(), "MonitoringAvailable")).satisfies(c -> {
      assertThat(c.status()).isEqualTo("False");
      assertThat(c.reason()).isEqualTo("MonitoringFailed");
      assertThat(c.message()).isEqualTo(refused.message());
    });
    assertThat(condition(status.conditions(), "Ready").status()).isEqualTo("True");
  }

  private static final MonitoringObservation IN_PLACE = new MonitoringObservation.InPlace();

  private static StatusAggregator aggregator(Instant now) {
    return new StatusAggregator(Clock.fixed(now, ZoneOffset.UTC));
  }

  private static final RedisObservation REDIS_UP = RedisObservation.ready(
      new io.authtier.operator.api.v1alpha1.RedisStatus("External", "r:6379", null, null, null, null, "1/1"),
      "Reachable", "Redis answers at r:6379");

  private static Observation running(Deployment deployment, HorizontalPodAutoscaler hpa) {
    return new Observation(Optional.empty(), Optional.empty(), Optional.ofNullable(deployment), Optional.ofNullable(hpa), IN_PLACE)
        .withRedis(Optional.of(REDIS_UP));
  }

  @Test
  @DisplayName("Ready needs RedisReady when the tier has Redis; a refusal that needs a person also stalls the tier")
  void redis() {
    // Given a serving runtime of a tier with Redis
    var tier = Tiers.sample("production.yaml", "prod");
    var deployment = readyDeployment(3, 1L);
    var status = new io.authtier.operator.api.v1alpha1.RedisStatus("Cluster", "n:6379", "fail", 10000, 2, 1, "5/6");

    // When Redis is up, down, refusing, or not asked
    var up = aggregator(T0).aggregate(tier, running(deployment, null));
    var down = aggregator(T0).aggregate(tier, running(deployment, null).withRedis(Optional.of(
        RedisObservation.notReady(status, "ClusterNotReady", "cluster_state fail"))));
    var refused = aggregator(T0).aggregate(tier, running(deployment, null).withRedis(Optional.of(
        new RedisObservation(status, "False", "ClusterRefused", "n:6379 holds 3 keys", true))));
    var notAsked = aggregator(T0).aggregate(tier, running(deployment, null).withRedis(Optional.empty()));

    // Then Ready follows RedisReady, status.redis is what Redis said, and only the refusal stalls
    assertThat(condition(up.conditions(), "RedisReady").reason()).isEqualTo("Reachable");
    assertThat(condition(up.conditions(), "Ready").status()).isEqualTo("True");
    assertThat(condition(down.conditions(), "Ready")).satisfies(c -> {
      assertThat(c.status()).isEqualTo("False");
      assertThat(c.reason()).isEqualTo("ClusterNotReady");
    });
    assertThat(down.redis()).isEqualTo(status);
    assertThat(condition(down.conditions(), "Stalled").status()).isEqualTo("False");
    assertThat(condition(refused.conditions(), "Stalled")).satisfies(c -> {
      assertThat(c.status()).isEqualTo("True");
      assertThat(c.reason()).isEqualTo("ClusterRefused");
      assertThat(c.message()).contains("holds 3 keys");
    });
    assertThat(condition(notAsked.conditions(), "RedisReady").status()).isEqualTo("Unknown");
    assertThat(condition(notAsked.conditions(), "Ready").status()).isEqualTo("False");
  }

  @Test
  @DisplayName("A Redis StatefulSet still rolling out keeps the tier Reconciling and not Ready, while RedisReady says the old pods serve")
  void redisRollingOut() {
    // Given a serving runtime and a Redis that answers, whose StatefulSet has not rolled out its new template
    var tier = Tiers.sample("production.yaml", "prod");
    var rolling = REDIS_UP.withRollout(Optional.of("StatefulSet shop-redis: 0/1 pods updated, 1/1 ready"));

    // When the status is computed
    var status = aggregator(T0).aggregate(tier, running(readyDeployment(3, 1L), null).withRedis(Optional.of(rolling)));

    // Then Reconciling names the Redis rollout, Ready waits for it, and RedisReady stays True
    assertThat(condition(status.conditions(), "Reconciling")).satisfies(c -> {
      assertThat(c.status()).isEqualTo("True");
      assertThat(c.reason()).isEqualTo("RedisRollingOut");
      assertThat(c.message()).isEqualTo("Rolling out Redis: StatefulSet shop-redis: 0/1 pods updated, 1/1 ready");
    });
    assertThat(condition(status.conditions(), "Ready")).satisfies(c -> {
      assertThat(c.status()).isEqualTo("False");
      assertThat(c.reason()).isEqualTo("RedisRollingOut");
    });
    assertThat(condition(status.conditions(), "RedisReady").status()).isEqualTo("True");

    // And once it has rolled out, the tier is Ready
    var done = aggregator(T0).aggregate(tier, running(readyDeployment(3, 1L), null)
        .withRedis(Optional.of(rolling.withRollout(Optional.empty()))));
    assertThat(condition(done.conditions(), "Ready").status()).isEqualTo("True");
    assertThat(condition(done.conditions(), "Reconciling").reason()).isEqualTo("Reconciled");
  }

  @Test
  @DisplayName("Redis that nothing uses (no introspection, no login) is still RedisReady, and its message says it is unused")
  void unusedRedis() {
    var used = Tiers.sample("production.yaml", "prod");
    var spec = used.getSpec();
    var sessions = spec.sessions();
    var unused = Tiers.sample("production.yaml", "prod");
    unused.setSpec(Tiers.withSessions(Tiers.withIssuers(spec, spec.issuers().stream()
            .map(i -> new IssuerSpec(i.name(), i.issuerUrl(), i.audiences(), i.allowedAlgorithms(), i.clockSkew(), null)).toList()),
        new SessionsSpec(sessions.store(), sessions.cookie(), sessions.idleTimeout(), sessions.absoluteTimeout(),
            sessions.localCacheTtl(), sessions.passAccessToken(), null)));

    var usedStatus = aggregator(T0).aggregate(used, running(readyDeployment(3, 1L), null));
    var unusedStatus = aggregator(T0).aggregate(unused, running(readyDeployment(3, 1L), null));

    assertThat(condition(usedStatus.conditions(), "RedisReady").message()).isEqualTo("Redis answers at r:6379");
    assertThat(condition(unusedStatus.conditions(), "RedisReady")).satisfies(c -> {
      assertThat(c.status()).isEqualTo("True");
      assertThat(c.message()).startsWith("Redis answers at r:6379; nothing uses it: the runtime keeps only introspection answers")
          .contains("cannot be removed, so to run without Redis create a new AuthTier without it").doesNotContain("remove spec.redis");
    });
    // Login with sessions in memory, and introspection with the L2 cache off, use no Redis either
    var memorySessions = Tiers.sample("production.yaml", "prod");
    memorySessions.setSpec(Tiers.withSessions(unused.getSpec(), new SessionsSpec(SessionStore.Memory, sessions.cookie(),
        sessions.idleTimeout(), sessions.absoluteTimeout(), sessions.localCacheTtl(), sessions.passAccessToken(), sessions.login())));
    assertThat(condition(aggregator(T0).aggregate(memorySessions, running(readyDeployment(3, 1L), null)).conditions(), "RedisReady")
        .message()).contains("nothing uses it");
  }

  @Test
  @DisplayName("A tier without Redis is RedisReady and has no status.redis")
  void noRedis() {
    var status = aggregator(T0).aggregate(Tiers.sample("minimal.yaml", "dev"), running(readyDeployment(1, 1L), null)
        .withRedis(Optional.empty()));
    assertThat(condition(status.conditions(), "RedisReady").reason()).isEqualTo("RedisNotUsed");
    assertThat(status.redis()).isNull();
    assertThat(condition(status.conditions(), "Ready").status()).isEqualTo("True");
  }

  private static Deployment readyDeployment(int replicas, long generation) {
    var deployment = new DeploymentBuilder()
        .withNewMetadata().withName("t").withGeneration(generation).endMetadata()
        .withNewSpec().withReplicas(replicas).endSpec()
        .build();
    var ready = new DeploymentBuilder(deployment).withStatus(FakeWorkloadController.readyStatus(deployment)).build();
    ready.getStatus().setObservedGeneration(1L);
    return ready;
  }

  private static HorizontalPodAutoscaler hpa(String type, String status, String reason) {
    return new HorizontalPodAutoscalerBuilder().withNewStatus()
        .addNewCondition().withType("AbleToScale").withStatus("True").withReason("ReadyForNewScale").endCondition()
        .addNewCondition().withType(type).withStatus(status).withReason(reason).withMessage("the HPA says so").endCondition()
        .endStatus().build();
  }

  private static Condition condition(java.util.List<Condition> conditions, String type) {
    return StatusAggregator.find(conditions, type).orElseThrow();
  }
}
