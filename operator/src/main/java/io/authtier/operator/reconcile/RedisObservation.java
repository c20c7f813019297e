package io.authtier.operator.reconcile;

import io.authtier.operator.api.v1alpha1.RedisStatus;
import java.util.Optional;

/**
 * What one reconcile learnt from the Redis itself (status.redis and the RedisReady verdict: does it serve now?)
 * and, for a Redis the operator runs, from its StatefulSet (is it rolled out?). The two differ: the old pods
 * serve while new ones roll out, so a rollout keeps the tier Reconciling and not Ready, not RedisReady False.
 *
 * @param needsPerson the operator refuses to go on without someone (a node holds data that is not the
 *     cluster's): reported as Stalled too
 * @param rollout what is left of the StatefulSet's rollout to its current template (see {@link RedisRollout});
 *     empty once done, and for External Redis
 */
public record RedisObservation(RedisStatus status, String conditionStatus, String reason, String message,
    boolean needsPerson, Optional<String> rollout) {

  public RedisObservation(RedisStatus status, String conditionStatus, String reason, String message,
      boolean needsPerson) {
    this(status, conditionStatus, reason, message, needsPerson, Optional.empty());
  }

  static RedisObservation ready(RedisStatus status, String reason, String message) {
    return new RedisObservation(status, "True", reason, message, false);
  }

  static RedisObservation notReady(RedisStatus status, String reason, String message) {
    return new RedisObservation(status, "False", reason, message, false);
  }

  RedisObservation withRollout(Optional<String> rollout) {
    return new RedisObservation(status, conditionStatus, reason, message, needsPerson, rollout);
  }

  public boolean isReady() {
    return "True".equals(conditionStatus);
  }
}
