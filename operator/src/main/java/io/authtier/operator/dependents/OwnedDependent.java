package io.authtier.operator.dependents;

import io.authtier.operator.api.v1alpha1.AuthTier;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.StatusDetails;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.dependent.GarbageCollected;
import io.javaoperatorsdk.operator.processing.dependent.Creator;
import io.javaoperatorsdk.operator.processing.dependent.Matcher;
import io.javaoperatorsdk.operator.processing.dependent.Updater;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependentResource;
import io.javaoperatorsdk.operator.processing.event.source.SecondaryToPrimaryMapper;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * A dependent (create, update, garbage-collected with its tier) that keeps the tier as its object's controller.
 * JOSDK alone would not: it maps events by owner reference, and its matcher (without server-side apply)
 * compares spec and data only, so an object whose reference was removed would neither wake its tier nor be
 * repaired, and would outlive the tier. Here events map by label too ({@link TierMapper}); an object that is
 * not {@link Ownership#claimable} counts as absent, so that creating ours fails with AlreadyExists (the tier is
 * Stalled as NameConflict) and it is never updated or deleted; and an object without the tier as controller
 * does not match, and its update puts the reference back.
 */
public abstract class OwnedDependent<R extends HasMetadata> extends KubernetesDependentResource<R, AuthTier>
    implements Creator<R, AuthTier>, Updater<R, AuthTier>, GarbageCollected<AuthTier> {

  protected OwnedDependent(Class<R> kind) {
    super(kind);
  }

  @Override
  protected Optional<SecondaryToPrimaryMapper<R>> getSecondaryToPrimaryMapper(EventSourceContext<AuthTier> context) {
    return Optional.of(new TierMapper<>());
  }

  @Override
  protected Optional<R> selectTargetSecondaryResource(Set<R> secondaries, AuthTier tier, Context<AuthTier> context) {
    return super.selectTargetSecondaryResource(
        secondaries.stream().filter(object -> Ownership.claimable(object, tier)).collect(Collectors.toSet()),
        tier, context);
  }

  @Override
  public Matcher.Result<R> match(R actual, R desired, AuthTier tier, Context<AuthTier> context) {
    var result = super.match(actual, desired, tier, context);
    return Ownership.controlledBy(actual, tier) ? result : Matcher.Result.computed(false, desired);
  }

  @Override
  public R create(R desired, AuthTier tier, Context<AuthTier> context) {
    try {
      return super.create(desired, tier, context);
    } catch (KubernetesClientException e) {
      throw naming(desired, e);
    }
  }

  @Override
  public R update(R actual, R desired, AuthTier tier, Context<AuthTier> context) {
    // JOSDK's update keeps the live object's metadata (it takes only labels and annotations from desired).
    var owned = context.getClient().getKubernetesSerialization().clone(actual);
    owned.getMetadata().setOwnerReferences(Ownership.withController(actual, tier));
    try {
      return super.update(owned, desired, tier, context);
    } catch (KubernetesClientException e) {
      throw naming(desired, e);
    }
  }

  /**
   * The API server's error with the object's kind and name filled into its details where it left them out (an
   * admission webhook's refusal of a create names no object), so that status can say which object failed. The
   * error itself is kept, with its type, code, request and cause.
   */
  static KubernetesClientException naming(HasMetadata object, KubernetesClientException e) {
    var status = e.getStatus();
    if (status != null && (status.getDetails() == null || status.getDetails().getName() == null)) {
      var details = status.getDetails() == null ? new StatusDetails() : status.getDetails();
      details.setKind(details.getKind() == null ? object.getKind() : details.getKind());
      details.setName(object.getMetadata().getName());
      status.setDetails(details);
    }
    return e;
  }
}
