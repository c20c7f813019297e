package io.authtier.operator.dependents.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.authtier.operator.api.v1alpha1.AuthTier;
import io.authtier.operator.api.v1alpha1.PersistenceSpec;
import io.authtier.operator.api.v1alpha1.RedisMode;
import io.authtier.operator.api.v1alpha1.RedisSpec;
import io.authtier.operator.support.Tiers;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The Redis volumes are made once: a changed spec.redis.persistence keeps the live ones and says so. */
class RedisStatefulSetVolumesTest {

  @Test
  @DisplayName("Persistence turned off keeps the live claim template and adds no emptyDir beside it")
  void turnedOff() {
    var live = RedisStatefulSetDependent.build(tier(new PersistenceSpec(true, "1Gi", null)), "h");
    var off = tier(new PersistenceSpec(false, null, null));

    var kept = RedisStatefulSetDependent.keepVolumes(RedisStatefulSetDependent.build(off, "h"), live);

    assertThat(kept.getSpec().getVolumeClaimTemplates()).isEqualTo(live.getSpec().getVolumeClaimTemplates());
    assertThat(kept.getSpec().getTemplate().getSpec().getVolumes()).noneMatch(v -> v.getName().equals("data"));
    assertThat(RedisStatefulSetDependent.persistenceDrift(off, live)).hasValueSatisfying(m ->
        assertThat(m).startsWith("spec.redis.persistence cannot change after creation")
            .contains("(1Gi each, StorageClass (the cluster's default))", "asks for no persistent volume"));
  }

  @Test
  @DisplayName("Persistence turned on keeps the emptyDir and makes no claim template")
  void turnedOn() {
    var live = RedisStatefulSetDependent.build(tier(new PersistenceSpec(false, null, null)), "h");
    var on = tier(new PersistenceSpec(true, "1Gi", null));

    var kept = RedisStatefulSetDependent.keepVolumes(RedisStatefulSetDependent.build(on, "h"), live);

    assertThat(kept.getSpec().getVolumeClaimTemplates()).isEmpty();
    assertThat(kept.getSpec().getTemplate().getSpec().getVolumes())
        .filteredOn(v -> v.getName().equals("data")).singleElement().satisfies(v -> assertThat(v.getEmptyDir()).isNotNull());
    assertThat(RedisStatefulSetDependent.persistenceDrift(on, live)).isPresent();
  }

  @Test
  @DisplayName("The same size written another way, or an unchanged spec, is no difference")
  void sameMeaning() {
    var live = RedisStatefulSetDependent.build(tier(new PersistenceSpec(true, "1Gi", "fast")), "h");

    assertThat(RedisStatefulSetDependent.persistenceDrift(tier(new PersistenceSpec(true, "1024Mi", "fast")), live)).isEmpty();
    assertThat(RedisStatefulSetDependent.persistenceDrift(tier(new PersistenceSpec(true, "1Gi", "fast")), live)).isEmpty();
    assertThat(RedisStatefulSetDependent.persistenceDrift(tier(new PersistenceSpec(true, "1Gi", null)), live)).isPresent();
    var unchanged = RedisStatefulSetDependent.build(tier(new PersistenceSpec(true, "1Gi", "fast")), "h");
    assertThat(RedisStatefulSetDependent.keepVolumes(unchanged, live)).isEqualTo(unchanged);
  }

  private static AuthTier tier(PersistenceSpec persistence) {
    var tier = Tiers.sample("minimal.yaml", "dev");
    tier.setSpec(Tiers.withRedis(tier.getSpec(), new RedisSpec(RedisMode.Standalone, null, persistence, null, null, null)));
    return tier;
  }
}
