package io.authtier.operator.reconcile;

import io.authtier.operator.api.v1alpha1.AuthTierStatus;
import io.authtier.operator.api.v1alpha1.Condition;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The Events that a change of status deserves: failures, recoveries and rollouts. Derived from the
 * old and new conditions alone, so an unchanged status emits nothing. Warnings are kept for trouble
 * (a stall, a failed call, a Ready tier losing pods or Redis); a rollout is Normal.
 */
public final class StatusEvents {
  private StatusEvents() {}

  /** Reasons for which a Ready tier stops being Ready in the ordinary course of things. */
  private static final Set<String> ROUTINE = Set.of("RollingOut", StatusAggregator.REDIS_ROLLING_OUT);

  /** An Event to emit: Normal or Warning, a CamelCase reason, and a message. */
  public record Note(String type, String reason, String message) {}

  public static List<Note> between(AuthTierStatus before, AuthTierStatus after) {
    var old = before == null ? List.<Condition>of() : before.conditions();
    var now = after.conditions();
    var notes = new ArrayList<Note>();
    var stalled = changed(old, now, ConditionType.Stalled);
    stalled.ifPresent(c -> {
      if ("True".equals(c.status())) {
        notes.add(new Note("Warning", c.reason(), c.message()));
      } else if (wasTrue(old, ConditionType.Stalled)) {
        notes.add(new Note("Normal", "Recovered", "No longer stalled; reconciling again"));
      }
    });
    var reconciling = changed(old, now, ConditionType.Reconciling);
    reconciling.ifPresent(c -> {
      if ("True".equals(c.status()) && "RetryingAfterError".equals(c.reason())) {
        notes.add(new Note("Warning", "ReconcileFailed", c.message()));
      } else if ("True".equals(c.status())
          && ("RollingOut".equals(c.reason()) || StatusAggregator.REDIS_ROLLING_OUT.equals(c.reason()))) {
        notes.add(new Note("Normal", c.reason(), c.message()));
      }
    });
    changed(old, now, ConditionType.RedisReady)
        .filter(c -> "False".equals(c.status()) && "ClusterRefused".equals(c.reason()) && stalled.isEmpty())
        .ifPresent(c -> notes.add(new Note("Warning", c.reason(), c.message())));
    var ready = changed(old, now, ConditionType.Ready);
    ready.ifPresent(c -> {
      if ("True".equals(c.status())) {
        notes.add(new Note("Normal", "Ready", c.message()));
      } else if (wasTrue(old, ConditionType.Ready) && stalled.isEmpty()
          && notes.stream().noneMatch(n -> n.reason().equals(c.reason()))) {
        // A spec or Secret change rolls the pods: routine, not trouble, and not worth a second Event
        // beside the RollingOut, RedisRollingOut (or ReconcileFailed) one that already says why Ready went.
        notes.add(new Note(ROUTINE.contains(c.reason()) ? "Normal" : "Warning", c.reason(), c.message()));
      }
    });
    return notes;
  }

  /** The new condition of this type if its status or reason moved. */
  private static Optional<Condition> changed(List<Condition> old, List<Condition> now, ConditionType type) {
    var before = StatusAggregator.find(old, type.name());
    return StatusAggregator.find(now, type.name()).filter(after -> before.isEmpty()
        || !before.get().status().equals(after.status())
        || !before.get().reason().equals(after.reason()));
  }

  private static boolean wasTrue(List<Condition> old, ConditionType type) {
    return StatusAggregator.find(old, type.name()).map(c -> "True".equals(c.status())).orElse(false);
  }
}
