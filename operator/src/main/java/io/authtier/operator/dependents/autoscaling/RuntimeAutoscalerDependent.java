package io.authtier.operator.dependents.autoscaling;

import io.authtier.operator.api.v1alpha1.AuthTier;
import io.authtier.operator.api.v1alpha1.AutoscalingSpec;
import io.authtier.operator.dependents.Metadata;
import io.authtier.operator.dependents.OwnedDependent;
import io.authtier.operator.dependents.Quantities;
import io.authtier.operator.reconcile.Labels;
import io.authtier.operator.reconcile.Names;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HPAScalingPolicyBuilder;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscalerBuilder;
import io.fabric8.kubernetes.api.model.autoscaling.v2.MetricSpec;
import io.fabric8.kubernetes.api.model.autoscaling.v2.MetricSpecBuilder;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;
import java.util.ArrayList;
import java.util.List;

/**
 * Scales the runtime on CPU, memory and in-flight requests. Metrics are listed in a fixed order
 * (CPU, memory, queue) so the rendered object and the matcher's view never differ by order.
 */
@KubernetesDependent(informer = @Informer(labelSelector = Labels.MANAGED_BY_SELECTOR))
public class RuntimeAutoscalerDependent
    extends OwnedDependent<HorizontalPodAutoscaler> {

  /** The runtime's in-flight request gauge, as a Prometheus adapter serves it to the HPA. */
  public static final String QUEUE_METRIC = "authtier_http_requests_in_flight";

  public RuntimeAutoscalerDependent() {
    super(HorizontalPodAutoscaler.class);
  }

  @Override
  protected HorizontalPodAutoscaler desired(AuthTier tier, Context<AuthTier> context) {
    return Metadata.ownedBy(build(tier), tier);
  }

  /** CPU and memory, and the in-flight requests unless requestQueueLength is 0 (no metrics adapter to serve them). */
  private static List<MetricSpec> metrics(AutoscalingSpec autoscaling) {
    var metrics = new ArrayList<>(List.of(resource("cpu", autoscaling.cpuUtilization()), resource("memory", autoscaling.memoryUtilization())));
    if (autoscaling.requestQueueLength() > 0) {
      metrics.add(new MetricSpecBuilder()
          .withType("Pods")
          .withNewPods()
            .withNewMetric().withName(QUEUE_METRIC).endMetric()
            .withNewTarget().withType("AverageValue")
                .withAverageValue(new Quantity(Quantities.canonical(String.valueOf(autoscaling.requestQueueLength()))))
            .endTarget()
          .endPods()
          .build());
    }
    return metrics;
  }

  public static HorizontalPodAutoscaler build(AuthTier tier) {
    var autoscaling = tier.getSpec().autoscaling();
    return new HorizontalPodAutoscalerBuilder()
        .withMetadata(Metadata.runtime(tier, Names.runtime(tier)))
        .withNewSpec()
          .withNewScaleTargetRef()
            .withApiVersion("apps/v1").withKind("Deployment").withName(Names.runtime(tier))
          .endScaleTargetRef()
          .withMinReplicas(autoscaling.minReplicas())
          .withMaxReplicas(autoscaling.maxReplicas())
          .withMetrics(metrics(autoscaling))
          .withNewBehavior()
            // Up fast (a login wave), down slowly (avoid flapping and dropping warm caches).
            .withNewScaleUp()
              .withStabilizationWindowSeconds(0)
              .withSelectPolicy("Max")
              .withPolicies(
                  new HPAScalingPolicyBuilder().withType("Percent").withValue(100).withPeriodSeconds(15).build(),
                  new HPAScalingPolicyBuilder().withType("Pods").withValue(4).withPeriodSeconds(15).build())
            .endScaleUp()
            .withNewScaleDown()
              .withStabilizationWindowSeconds(300)
              .withSelectPolicy("Min")
              .withPolicies(
                  new HPAScalingPolicyBuilder().withType("Percent").withValue(50).withPeriodSeconds(60).build())
            .endScaleDown()
          .endBehavior()
        .endSpec()
        .build();
  }

  private static MetricSpec resource(String name, int utilization) {
    return new MetricSpecBuilder()
        .withType("Resource")
        .withNewResource()
          .withName(name)
          .withNewTarget().withType("Utilization").withAverageUtilization(utilization).endTarget()
        .endResource()
        .build();
  }
}
