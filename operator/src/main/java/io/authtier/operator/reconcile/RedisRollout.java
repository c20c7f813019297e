package io.authtier.operator.reconcile;

import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import java.util.Objects;
import java.util.Optional;

/**
 * Whether the Redis StatefulSet runs its current pod template on every pod, read as {@code kubectl rollout
 * status} reads it. Redis answering says nothing about that: during a rollout the old pods answer, and a
 * Cluster stays healthy while its pods restart one at a time. Pure: the same StatefulSet gives the same answer.
 */
final class RedisRollout {
  private RedisRollout() {}

  /** What is left of the rollout, said for a person; empty once every pod runs the current template and is ready. */
  static Optional<String> pending(String name, Optional<StatefulSet> statefulSet) {
    if (statefulSet.isEmpty()) {
      return Optional.of("StatefulSet " + name + " does not exist yet");
    }
    var set = statefulSet.get();
    var status = set.getStatus();
    if (status == null) {
      return Optional.of("StatefulSet " + name + " has no status from its controller yet");
    }
    var generation = set.getMetadata().getGeneration();
    var observed = status.getObservedGeneration();
    // Until the controller has seen the new template, its counts describe the old one.
    if (observed == null || generation != null && observed < generation) {
      return Optional.of("the StatefulSet controller has not yet seen generation " + generation + " of " + name
          + " (observedGeneration " + (observed == null ? "none" : observed) + ")");
    }
    int wanted = set.getSpec() == null || set.getSpec().getReplicas() == null ? 1 : set.getSpec().getReplicas();
    int updated = orZero(status.getUpdatedReplicas());
    int ready = orZero(status.getReadyReplicas());
    if (updated < wanted || ready < wanted) {
      return Optional.of("StatefulSet " + name + ": " + updated + "/" + wanted + " pods updated, " + ready + "/" + wanted
          + " ready");
    }
    // The controller moves currentRevision to updateRevision only once every pod runs it and is ready.
    var current = status.getCurrentRevision();
    var update = status.getUpdateRevision();
    if (current != null && update != null && !Objects.equals(current, update)) {
      return Optional.of("StatefulSet " + name + ": pods still of revision " + current + ", rolling to " + update);
    }
    return Optional.empty();
  }

  private static int orZero(Integer value) {
    return value == null ? 0 : value;
  }
}
