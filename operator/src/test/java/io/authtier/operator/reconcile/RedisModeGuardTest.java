package io.authtier.operator.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import io.authtier.operator.api.v1alpha1.AuthTierStatus;
import io.authtier.operator.api.v1alpha1.RedisStatus;
import io.authtier.operator.support.Tiers;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class RedisModeGuardTest {

  @Test
  @DisplayName("Refuses another mode than the one the tier runs, and removing redis; lets a new tier and an unchanged mode through")
  void modeFromStatus() {
    var tier = Tiers.sample("production.yaml", "prod");
    var mode = tier.getSpec().redis().mode().name();
    assertThat(RedisModeGuard.change(tier)).as("a new tier has no status").isEmpty();

    tier.setStatus(new AuthTierStatus(1L, List.of(), null, new RedisStatus(mode, null, null, null, null, null, null)));
    assertThat(RedisModeGuard.change(tier)).isEmpty();

    var other = mode.equals("Standalone") ? "Cluster" : "Standalone";
    tier.setStatus(new AuthTierStatus(1L, List.of(), null, new RedisStatus(other, null, null, null, null, null, null)));
    assertThat(RedisModeGuard.change(tier)).hasValueSatisfying(problem -> assertThat(problem)
        .startsWith("spec.redis.mode: cannot change after creation (the tier runs " + other + ")"));

    tier.setSpec(Tiers.withRedis(tier.getSpec(), null));
    assertThat(RedisModeGuard.change(tier)).hasValueSatisfying(problem -> assertThat(problem)
        .startsWith("spec.redis: cannot be removed after creation"));
  }
}
