package io.authtier.operator.dependents.redis;

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
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;

/** Drains take one Cluster node at a time, so a master and its replica are never evicted together. */
@KubernetesDependent(informer = @Informer(labelSelector = Labels.MANAGED_BY_SELECTOR))
public class RedisPodDisruptionBudgetDependent extends OwnedDependent<PodDisruptionBudget> {

  public RedisPodDisruptionBudgetDependent() {
    super(PodDisruptionBudget.class);
  }

  /** By name, not from desired(): JOSDK looks the object up to delete it when its condition no longer holds. */
  @Override
  protected ResourceID targetSecondaryResourceID(AuthTier tier, Context<AuthTier> context) {
    return new ResourceID(Names.redis(tier), tier.getMetadata().getNamespace());
  }

  @Override
  protected PodDisruptionBudget desired(AuthTier tier, Context<AuthTier> context) {
    return Metadata.ownedBy(build(tier), tier);
  }

  public static PodDisruptionBudget build(AuthTier tier) {
    return new PodDisruptionBudgetBuilder()
        .withMetadata(Metadata.redis(tier, Names.redis(tier)))
        .withNewSpec()
          .withMaxUnavailable(new IntOrString(1))
          .withSelector(new LabelSelectorBuilder().withMatchLabels(Labels.redis(tier).selector()).build())
        .endSpec()
        .build();
  }
}
