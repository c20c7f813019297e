package io.authtier.operator.dependents.autoscaling;

import io.authtier.operator.api.v1alpha1.AuthTier;
import io.authtier.operator.dependents.Metadata;
import io.authtier.operator.dependents.OwnedDependent;
import io.authtier.operator.reconcile.Labels;
import io.authtier.operator.reconcile.Names;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudgetBuilder;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;

/** Keeps node drains from taking down more runtime pods than spec.disruption allows. */
@KubernetesDependent(informer = @Informer(labelSelector = Labels.MANAGED_BY_SELECTOR))
public class RuntimePodDisruptionBudgetDependent
    extends OwnedDependent<PodDisruptionBudget> {

  public RuntimePodDisruptionBudgetDependent() {
    super(PodDisruptionBudget.class);
  }

  @Override
  protected PodDisruptionBudget desired(AuthTier tier, Context<AuthTier> context) {
    return Metadata.ownedBy(build(tier), tier);
  }

  public static PodDisruptionBudget build(AuthTier tier) {
    return new PodDisruptionBudgetBuilder()
        .withMetadata(Metadata.runtime(tier, Names.runtime(tier)))
        .withNewSpec()
          .withMaxUnavailable(new IntOrString(tier.getSpec().disruption().maxUnavailable()))
          .withSelector(new LabelSelectorBuilder().withMatchLabels(Labels.runtime(tier).selector()).build())
        .endSpec()
        .build();
  }
}
