package io.authtier.operator.dependents.autoscaling;

import static org.assertj.core.api.Assertions.assertThat;

import io.authtier.operator.api.v1alpha1.AutoscalingSpec;
import io.authtier.operator.spec.SpecValidator;
import io.authtier.operator.support.Tiers;
import io.fabric8.kubernetes.api.model.autoscaling.v2.MetricSpec;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("The runtime's HorizontalPodAutoscaler: its metrics")
class RuntimeAutoscalerDependentTest {

  @Test
  @DisplayName("CPU, memory and in-flight requests by default; requestQueueLength 0 leaves the in-flight metric out, for clusters without a metrics adapter")
  void queueMetricIsOptional() {
    // Given the production sample as it is, and with requestQueueLength 0
    var tier = Tiers.sample("production.yaml", "prod");
    var withoutQueue = Tiers.sample("production.yaml", "prod");
    var a = withoutQueue.getSpec().autoscaling();
    withoutQueue.setSpec(Tiers.withAutoscaling(withoutQueue.getSpec(), new AutoscalingSpec(a.enabled(), a.minReplicas(), a.maxReplicas(),
        a.cpuUtilization(), a.memoryUtilization(), 0)));

    // Then the default HPA reads three metrics, the other two, and both specs are valid
    assertThat(RuntimeAutoscalerDependent.build(tier).getSpec().getMetrics()).extracting(MetricSpec::getType)
        .containsExactly("Resource", "Resource", "Pods");
    assertThat(RuntimeAutoscalerDependent.build(withoutQueue).getSpec().getMetrics()).extracting(MetricSpec::getType)
        .containsExactly("Resource", "Resource");
    assertThat(SpecValidator.validate(withoutQueue)).isEmpty();
  }
}
