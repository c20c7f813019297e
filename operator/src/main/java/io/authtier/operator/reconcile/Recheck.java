package io.authtier.operator.reconcile;

import io.authtier.operator.api.v1alpha1.AuthTier;
import java.time.Duration;
import java.util.Optional;

/**
 * When a settled tier is looked at again though no watched object changed: what lives outside Kubernetes (Redis)
 * or in objects the operator cannot watch (the Prometheus Operator's, whose CRDs may come and go) raises no event
 * here, so a dead Redis node, a deleted ServiceMonitor or newly installed CRDs are only seen by asking again.
 */
final class Recheck {
  /** While Redis is not ready, it is asked again this often: a dead master shows within one interval. */
  static final Duration REDIS_POLL = Duration.ofSeconds(15);
  /** A ready Redis is asked again this often too: nothing else raises an event when a node dies. */
  static final Duration REDIS_READY_POLL = Duration.ofSeconds(30);
  /**
   * Monitoring objects are not watched: one deleted or edited by hand is put back, and CRDs installed later are
   * used, within this time. Each look is one GET per object, and writes nothing when they match.
   */
  static final Duration MONITORING = PrometheusOperatorCheck.TTL.multipliedBy(5);

  private Recheck() {}

  /** The delay before the next look at an unblocked tier, if any is needed. */
  static Optional<Duration> after(AuthTier tier, Optional<RedisObservation> redis, MonitoringObservation monitoring) {
    if (redis.isPresent()) {
      return Optional.of(redis.get().isReady() ? REDIS_READY_POLL : REDIS_POLL);
    }
    if (monitoring instanceof MonitoringObservation.Failed || tier.getSpec().monitoring().serviceMonitor()) {
      return Optional.of(MONITORING);
    }
    return Optional.empty();
  }
}
