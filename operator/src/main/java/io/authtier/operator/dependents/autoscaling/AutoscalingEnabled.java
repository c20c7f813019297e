package io.authtier.operator.dependents.autoscaling;

import io.authtier.operator.api.v1alpha1.AuthTier;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.dependent.DependentResource;
import io.javaoperatorsdk.operator.processing.dependent.workflow.Condition;

/** The HPA exists only while spec.autoscaling.enabled; when this turns false the HPA is deleted. */
public class AutoscalingEnabled implements Condition<HorizontalPodAutoscaler, AuthTier> {
  @Override
  public boolean isMet(DependentResource<HorizontalPodAutoscaler, AuthTier> dependentResource,
      AuthTier tier, Context<AuthTier> context) {
    return tier.getSpec().autoscaling().enabled();
  }
}
