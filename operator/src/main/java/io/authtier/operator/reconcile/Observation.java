package io.authtier.operator.reconcile;

import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import java.util.Optional;

/**
 * What one reconcile saw: the live runtime objects, and what (if anything) stopped it.
 *
 * @param blocker a problem that needs a person (bad spec, missing Secret); the operator waits
 * @param failure an error that a retry may cure (API server unreachable, conflict)
 * @param monitoring what became of the ServiceMonitor and PrometheusRule
 * @param redis what the Redis said, when the tier has one and the reconcile got as far as asking
 * @param unapplied a part of the spec that cannot be applied (the rest is) until a person changes it back
 */
public record Observation(
    Optional<Problem> blocker,
    Optional<Problem> failure,
    Optional<Deployment> deployment,
    Optional<HorizontalPodAutoscaler> autoscaler,
    MonitoringObservation monitoring,
    Optional<RedisObservation> redis,
    Optional<Problem> unapplied) {

  public Observation(Optional<Problem> blocker, Optional<Problem> failure, Optional<Deployment> deployment,
      Optional<HorizontalPodAutoscaler> autoscaler, MonitoringObservation monitoring) {
    this(blocker, failure, deployment, autoscaler, monitoring, Optional.empty(), Optional.empty());
  }

  /** A reason in CamelCase and a message for people. */
  public record Problem(String reason, String message) {}

  public Observation withRedis(Optional<RedisObservation> redis) {
    return new Observation(blocker, failure, deployment, autoscaler, monitoring, redis, unapplied);
  }

  public Observation withUnapplied(Optional<Problem> unapplied) {
    return new Observation(blocker, failure, deployment, autoscaler, monitoring, redis, unapplied);
  }
}
