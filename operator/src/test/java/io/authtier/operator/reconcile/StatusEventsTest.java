package io.authtier.operator.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import io.authtier.operator.api.v1alpha1.AuthTierStatus;
import io.authtier.operator.api.v1alpha1.Condition;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class StatusEventsTest {

  @Test
  @DisplayName("An unchanged status emits no Event")
  void unchanged() {
    var status = status("True", "Ready", "False", "AsExpected");
    assertThat(StatusEvents.between(status, status)).isEmpty();
  }

  @Test
  @DisplayName("Becoming Stalled is a Warning with the problem; leaving it is a Normal Recovered")
  void stalledAndRecovered() {
    var ok = status("True", "Ready", "False", "AsExpected");
    var stalled = status("False", "SecretNotFound", "True", "SecretNotFound");

    assertThat(StatusEvents.between(ok, stalled)).extracting(StatusEvents.Note::type, StatusEvents.Note::reason)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("Warning", "SecretNotFound"));
    assertThat(StatusEvents.between(stalled, ok)).extracting(StatusEvents.Note::reason)
        .containsExactly("Recovered", "Ready");
  }

  @Test
  @DisplayName("A new tier's first status announces Ready, but no recovery from a problem it never had")
  void firstStatus() {
    assertThat(StatusEvents.between(null, status("True", "Ready", "False", "AsExpected")))
        .extracting(StatusEvents.Note::reason).containsExactly("Ready");
  }

  @Test
  @DisplayName("Losing Ready is a Warning with the reason")
  void lostReady() {
    var notes = StatusEvents.between(status("True", "Ready", "False", "AsExpected"),
        status("False", "MinimumReplicasUnavailable", "False", "AsExpected"));
    assertThat(notes).extracting(StatusEvents.Note::type, StatusEvents.Note::reason)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("Warning", "MinimumReplicasUnavailable"));
  }

  @Test
  @DisplayName("A Redis rollout that starts is a Normal RedisRollingOut Event, as a runtime rollout is a RollingOut one")
  void redisRollingOut() {
    // Given a tier that was reconciled
    var reconciled = new AuthTierStatus(1L, List.of(
        new Condition("Reconciling", "False", 1L, "2026-11-28T10:00:00Z", "Reconciled", "m")), null, null);

    // When its Redis StatefulSet starts rolling out
    var rolling = new AuthTierStatus(2L, List.of(
        new Condition("Reconciling", "True", 2L, "2026-11-28T10:05:00Z", "RedisRollingOut", "Rolling out Redis: …")),
        null, null);

    // Then one Normal Event says so
    assertThat(StatusEvents.between(reconciled, rolling)).extracting(StatusEvents.Note::type, StatusEvents.Note::reason)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("Normal", "RedisRollingOut"));
  }

  @Test
  @DisplayName("A Ready tier rolling out a spec change records one Normal RollingOut Event and no Warning")
  void rolloutIsRoutine() {
    // Given a Ready tier
    var ready = status("True", "Ready", "False", "Reconciled", "False", "AsExpected");

    // When a spec change rolls its pods: Ready goes False for the rollout
    var rolling = status("False", "RollingOut", "True", "RollingOut", "False", "AsExpected");

    // Then the rollout is announced once, as Normal, and its end says Ready again
    assertThat(StatusEvents.between(ready, rolling)).extracting(StatusEvents.Note::type, StatusEvents.Note::reason)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("Normal", "RollingOut"));
    assertThat(StatusEvents.between(rolling, ready)).extracting(StatusEvents.Note::type, StatusEvents.Note::reason)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("Normal", "Ready"));
    // And so does a rollout of the operator-run Redis
    var redisRolling = status("False", "RedisRollingOut", "True", "RedisRollingOut", "False", "AsExpected");
    assertThat(StatusEvents.between(ready, redisRolling)).extracting(StatusEvents.Note::type, StatusEvents.Note::reason)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("Normal", "RedisRollingOut"));
  }

  @Test
  @DisplayName("A new generation whose writes fail records one Warning ReconcileFailed, not two")
  void failedGenerationWarnsOnce() {
    var ready = status("True", "Ready", "False", "Reconciled", "False", "AsExpected");
    var failing = status("False", "ReconcileFailed", "True", "RetryingAfterError", "False", "AsExpected");

    assertThat(StatusEvents.between(ready, failing)).extracting(StatusEvents.Note::type, StatusEvents.Note::reason)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("Warning", "ReconcileFailed"));
  }

  private static AuthTierStatus status(String ready, String readyReason, String reconciling, String reconcilingReason,
      String stalled, String stalledReason) {
    return new AuthTierStatus(1L, List.of(
        new Condition("Ready", ready, 1L, "2026-11-28T10:00:00Z", readyReason, "m"),
        new Condition("Reconciling", reconciling, 1L, "2026-11-28T10:00:00Z", reconcilingReason, "m"),
        new Condition("Stalled", stalled, 1L, "2026-11-28T10:00:00Z", stalledReason, "m")), null, null);
  }

  private static AuthTierStatus status(String ready, String readyReason, String stalled, String stalledReason) {
    return new AuthTierStatus(1L, List.of(
        new Condition("Ready", ready, 1L, "2026-11-28T10:00:00Z", readyReason, "m"),
        new Condition("Stalled", stalled, 1L, "2026-11-28T10:00:00Z", stalledReason, "m")), null, null);
  }
}
