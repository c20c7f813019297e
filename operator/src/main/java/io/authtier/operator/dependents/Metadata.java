package io.authtier.operator.dependents;

import io.authtier.operator.api.v1alpha1.AuthTier;
import io.authtier.operator.reconcile.Labels;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;

/** Metadata of a runtime object, and its owner: added by the dependents only, since render has no uid. */
public final class Metadata {
  private Metadata() {}

  /**
   * Makes the AuthTier the object's controller: garbage collection removes it with the tier, and
   * `kubectl describe` shows who controls it. (JOSDK's own reference lacks controller=true; it
   * leaves an existing reference for the same uid alone.)
   */
  public static <R extends HasMetadata> R ownedBy(R object, AuthTier tier) {
    object.addOwnerReference(ownerReference(tier));
    return object;
  }

  /** The tier as its objects' controller; {@link Ownership} puts it back where it went missing. */
  public static OwnerReference ownerReference(AuthTier tier) {
    return new OwnerReferenceBuilder()
        .withApiVersion(tier.getApiVersion())
        .withKind(tier.getKind())
        .withName(tier.getMetadata().getName())
        .withUid(tier.getMetadata().getUid())
        .withController(true)
        .withBlockOwnerDeletion(true)
        .build();
  }

  public static ObjectMeta runtime(AuthTier tier, String name) {
    return new ObjectMetaBuilder()
        .withName(name)
        .withNamespace(tier.getMetadata().getNamespace())
        .withLabels(Labels.runtime(tier).all())
        .build();
  }

  public static ObjectMeta redis(AuthTier tier, String name) {
    return new ObjectMetaBuilder()
        .withName(name)
        .withNamespace(tier.getMetadata().getNamespace())
        .withLabels(Labels.redis(tier).all())
        .build();
  }
}
