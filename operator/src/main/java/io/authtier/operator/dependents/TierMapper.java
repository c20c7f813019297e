package io.authtier.operator.dependents;

import io.authtier.operator.reconcile.Labels;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.SecondaryToPrimaryMapper;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;

/**
 * Which AuthTiers an event on one of the operator's objects concerns: the one its {@code instance} label
 * names, so that an object whose owner reference was removed still wakes its tier (JOSDK's default maps by
 * owner reference only), and the AuthTier that controls it, so that one whose labels were edited does too.
 * Each tier then sees whether the object is its own ({@link Ownership#claimable}).
 */
public final class TierMapper<R extends HasMetadata> implements SecondaryToPrimaryMapper<R> {

  @Override
  public Set<ResourceID> toPrimaryResourceIDs(R object) {
    var namespace = object.getMetadata().getNamespace();
    var tiers = new HashSet<ResourceID>();
    Optional.ofNullable(object.getMetadata().getLabels()).map(labels -> labels.get(Labels.INSTANCE))
        .ifPresent(name -> tiers.add(new ResourceID(name, namespace)));
    Ownership.controller(object).filter(Ownership::isAuthTier)
        .ifPresent(owner -> tiers.add(new ResourceID(owner.getName(), namespace)));
    return tiers;
  }
}
