package io.authtier.operator.reconcile;

import io.authtier.operator.api.v1alpha1.RedisStatus;

/**
 * What one reconcile learnt from the Redis itself: status.redis and the RedisReady verdict.
 *
 * @param needsPerson the operator refuses to go on without someone (a node holds data that is not the
 *     cluster's): reported as Stalled too
 */
public record RedisObservation(RedisStatus status, String conditionStatus, String reason, String message,
    boolean needsPerson) {

  static RedisObservation ready(RedisStatus status, String reason, String message) {
    return new RedisObservation(status, "True", reason, message, false);
  }

  static RedisObservation notReady(RedisStatus status, String reason, String message) {
    return new RedisObservation(status, "False", reason, message, false);
  }

  public boolean isReady() {
    return "True".equals(conditionStatus);
  }
}
