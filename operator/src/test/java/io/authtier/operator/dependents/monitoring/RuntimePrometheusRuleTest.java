package io.authtier.operator.dependents.monitoring;

import static org.assertj.core.api.Assertions.assertThat;

import io.authtier.operator.support.Tiers;
import java.util.regex.Pattern;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class RuntimePrometheusRuleTest {

  @Test
  @DisplayName("The memory alert watches this tier's runtime pods only, not those of a tier whose name extends this one")
  void memoryAlertPods() {
    var tier = Tiers.sample("production.yaml", "prod");
    var expr = RuntimePrometheusRule.build(tier).getAdditionalProperties().get("spec").toString();
    var matcher = Pattern.compile("pod=~\"([^\"]+)\"").matcher(expr);
    assertThat(matcher.find()).as(expr).isTrue();
    // PromQL anchors =~ at both ends, as matches() does
    var pods = Pattern.compile(matcher.group(1));
    var name = tier.getMetadata().getName();

    assertThat(pods.matcher(name + "-7d9f8c6b5d-x2k4q").matches()).isTrue();
    assertThat(pods.matcher(name + "-x-7d9f8c6b5d-x2k4q").matches()).isFalse();
    assertThat(pods.matcher(name + "-redis-0").matches()).isFalse();
  }
}
