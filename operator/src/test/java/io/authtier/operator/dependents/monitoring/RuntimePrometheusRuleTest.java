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

  @Test
  @DisplayName("The pod pattern follows Kubernetes' naming for every Deployment name length: <deployment>-<hash>- cut to 58, then 5 characters")
  void podPatternForEveryNameLength() {
    for (int length = 6; length <= 68; length++) {
      var deployment = ("a" + "b".repeat(length)).substring(0, length - 5) + "-auth";
      var pods = Pattern.compile(RuntimePrometheusRule.podsOf(deployment));
      for (var hash : new String[] {"5d4f8c", "7d9f8c6b5d"}) {
        assertThat(pods.matcher(podName(deployment, hash)).matches()).as("%s (%d characters), hash %s", deployment, length, hash).isTrue();
      }
      // Not the pods of a tier whose name extends this one's (tier "<tier>-x", Deployment "<tier>-x-auth")
      var other = deployment.substring(0, deployment.length() - 5) + "-x-auth";
      if (other.length() + 1 < 58) {
        assertThat(pods.matcher(podName(other, "7d9f8c6b5d")).matches()).as("%s must not match %s", deployment, other).isFalse();
      }
    }
  }

  /** What Kubernetes calls a Deployment's pod: its ReplicaSet's name and a dash, cut to 58 characters, then 5 random ones. */
  private static String podName(String deployment, String hash) {
    var generate = deployment + "-" + hash + "-";
    return generate.substring(0, Math.min(generate.length(), 58)) + "x2k4q";
  }
}
