package io.authtier.operator.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import io.authtier.operator.api.v1alpha1.MonitoringSpec;
import io.authtier.operator.support.Tiers;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** When a settled tier is looked at again without an event: what nothing watched would otherwise never show. */
class RecheckTest {
  private static final MonitoringObservation IN_PLACE = new MonitoringObservation.InPlace();

  @Test
  @DisplayName("Redis is asked again every 15 s while not ready and every 30 s when ready")
  void redis() {
    var tier = Tiers.sample("production.yaml", "prod");
    assertThat(Recheck.after(tier, Optional.of(RedisObservation.ready(null, "Reachable", "up")), IN_PLACE))
        .contains(Duration.ofSeconds(30));
    assertThat(Recheck.after(tier, Optional.of(RedisObservation.notReady(null, "Unreachable", "down")), IN_PLACE))
        .contains(Duration.ofSeconds(15));
  }

  @Test
  @DisplayName("Monitoring in place is looked at again within 5 minutes, so a ServiceMonitor or PrometheusRule deleted by hand comes back")
  void monitoringInPlace() {
    var tier = Tiers.sample("minimal.yaml", "dev");
    assertThat(tier.getSpec().monitoring().serviceMonitor()).isTrue();
    assertThat(Recheck.after(tier, Optional.empty(), IN_PLACE)).contains(Duration.ofMinutes(5));
    assertThat(Recheck.after(tier, Optional.empty(), new MonitoringObservation.NotInstalled())).contains(Duration.ofMinutes(5));
    assertThat(Recheck.after(tier, Optional.empty(), new MonitoringObservation.Failed("webhook said no")))
        .contains(Duration.ofMinutes(5));
  }

  @Test
  @DisplayName("A tier without Redis and with monitoring off waits for events only")
  void nothingToAsk() {
    var tier = Tiers.sample("minimal.yaml", "dev");
    tier.setSpec(Tiers.withMonitoring(tier.getSpec(), new MonitoringSpec(false, null)));
    assertThat(Recheck.after(tier, Optional.empty(), new MonitoringObservation.NotInstalled())).isEmpty();
  }
}
