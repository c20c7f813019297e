package io.authtier.operator.dependents;

import io.authtier.operator.api.v1alpha1.AuthTier;
import io.authtier.operator.reconcile.Labels;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;

/** Metadata of a runtime object. Owner references are added by the dependents, not here: render has no uid. */
public final class Metadata {
  private Metadata() {}

  public static ObjectMeta runtime(AuthTier tier, String name) {
    return new ObjectMetaBuilder()
        .withName(name)
        .withNamespace(tier.getMetadata().getNamespace())
        .withLabels(Labels.runtime(tier).all())
        .build();
  }
}
