package io.authtier.operator.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSetBuilder;
import io.fabric8.kubernetes.api.model.apps.StatefulSetStatusBuilder;
import java.util.Optional;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class RedisRolloutTest {

  @Test
  @DisplayName("A StatefulSet whose controller reports every pod updated, ready and of one revision is rolled out")
  void rolledOut() {
    // Given generation 3, observed, 6 of 6 pods updated and ready, one revision
    var set = statefulSet(6, 3L, status(3L, 6, 6).withCurrentRevision("r-b").withUpdateRevision("r-b"));

    // Then nothing is left to roll out; without revisions (an older API server, the test's fake controller) too
    assertThat(RedisRollout.pending("shop-redis", Optional.of(set))).isEmpty();
    assertThat(RedisRollout.pending("shop-redis", Optional.of(statefulSet(6, 3L, status(3L, 6, 6)))))
        .isEmpty();
  }

  @Test
  @DisplayName("A new generation that the controller has not seen yet is not rolled out, whatever the old counts say")
  void generationNotObserved() {
    // Given a changed pod template (generation 3) whose controller still reports generation 2, all pods ready
    var set = statefulSet(1, 3L, status(2L, 1, 1));

    // Then the rollout is pending, naming both generations
    assertThat(RedisRollout.pending("shop-redis", Optional.of(set))).hasValueSatisfying(m ->
        assertThat(m).contains("shop-redis", "generation 3", "observedGeneration 2"));
  }

  @Test
  @DisplayName("Pods not yet updated, or updated but not ready, keep the rollout pending")
  void podsBehind() {
    // Given the new generation observed, with two pods not yet updated, or one updated pod not ready
    // Then the rollout is pending, with the counts
    assertThat(RedisRollout.pending("shop-redis", Optional.of(statefulSet(6, 3L, status(3L, 4, 6)))))
        .hasValue("StatefulSet shop-redis: 4/6 pods updated, 6/6 ready");
    assertThat(RedisRollout.pending("shop-redis", Optional.of(statefulSet(6, 3L, status(3L, 6, 5)))))
        .hasValue("StatefulSet shop-redis: 6/6 pods updated, 5/6 ready");
  }

  @Test
  @DisplayName("Pods of two revisions keep the rollout pending even when the counts are complete")
  void revisionsDiffer() {
    // Given every pod counted as updated and ready, but the controller not yet done with the old revision
    var set = statefulSet(6, 3L, status(3L, 6, 6).withCurrentRevision("r-a").withUpdateRevision("r-b"));

    // Then the rollout is pending, naming both revisions
    assertThat(RedisRollout.pending("shop-redis", Optional.of(set)))
        .hasValue("StatefulSet shop-redis: pods still of revision r-a, rolling to r-b");
  }

  @Test
  @DisplayName("A StatefulSet that does not exist, or has no status yet, is not rolled out")
  void absentOrUnreported() {
    // Given no StatefulSet, or one that its controller has not reported on
    // Then the rollout is pending
    assertThat(RedisRollout.pending("shop-redis", Optional.empty())).isPresent();
    assertThat(RedisRollout.pending("shop-redis", Optional.of(new StatefulSetBuilder(statefulSet(1, 1L, status(1L, 1, 1)))
        .withStatus(null).build()))).isPresent();
  }

  private static StatefulSetStatusBuilder status(Long observedGeneration, int updated, int ready) {
    return new StatefulSetStatusBuilder().withObservedGeneration(observedGeneration).withUpdatedReplicas(updated)
        .withReadyReplicas(ready);
  }

  private static StatefulSet statefulSet(int replicas, long generation, StatefulSetStatusBuilder status) {
    return new StatefulSetBuilder()
        .withNewMetadata().withName("shop-redis").withGeneration(generation).endMetadata()
        .withNewSpec().withReplicas(replicas).endSpec()
        .withStatus(status.withReplicas(replicas).build())
        .build();
  }
}
