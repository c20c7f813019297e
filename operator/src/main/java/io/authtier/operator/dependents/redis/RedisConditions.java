package io.authtier.operator.dependents.redis;

import io.authtier.operator.api.v1alpha1.AuthTier;
import io.authtier.operator.api.v1alpha1.RedisMode;
import io.authtier.operator.secrets.SecretLookup;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Secret;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.dependent.DependentResource;
import io.javaoperatorsdk.operator.processing.dependent.workflow.Condition;

/**
 * When the Redis objects exist. A reconcile precondition that turns false deletes its object and, in JOSDK 5, every
 * object that depends on it (PVCs stay: data); so the StatefulSet depends only on objects with its own
 * precondition ({@link Managed}), and waits for the ACL Secret through a ready postcondition ({@link AclCurrent}),
 * which only holds it back.
 */
public final class RedisConditions {
  private RedisConditions() {}

  public static boolean managed(AuthTier tier) {
    var redis = tier.getSpec().redis();
    return redis != null && redis.mode() != RedisMode.External;
  }

  public static boolean cluster(AuthTier tier) {
    return managed(tier) && tier.getSpec().redis().mode() == RedisMode.Cluster;
  }

  public static boolean passwordGenerated(AuthTier tier) {
    return managed(tier) && tier.getSpec().redis().passwordSecretRef() == null;
  }

  /** Standalone or Cluster: the operator runs Redis. */
  public static class Managed implements Condition<HasMetadata, AuthTier> {
    @Override
    public boolean isMet(DependentResource<HasMetadata, AuthTier> dependent, AuthTier tier, Context<AuthTier> context) {
      return managed(tier);
    }
  }

  /** Cluster: the PodDisruptionBudget (the headless Service is {@link Managed}, see RedisHeadlessServiceDependent). */
  public static class IsCluster implements Condition<HasMetadata, AuthTier> {
    @Override
    public boolean isMet(DependentResource<HasMetadata, AuthTier> dependent, AuthTier tier, Context<AuthTier> context) {
      return cluster(tier);
    }
  }

  /** No passwordSecretRef: the operator generates the password Secret. */
  public static class PasswordGenerated implements Condition<HasMetadata, AuthTier> {
    @Override
    public boolean isMet(DependentResource<HasMetadata, AuthTier> dependent, AuthTier tier, Context<AuthTier> context) {
      return passwordGenerated(tier);
    }
  }

  /**
   * The tier's ACL Secret holds the current password: the StatefulSet, which depends on it, is created (and rolled)
   * only then, so Redis starts with the password it will be asked for and its password-hash annotation is right
   * from the first write. A generated password appears one reconcile after the tier (its creation wakes the tier
   * again); a missing referenced one stops the tier before the workflow runs (SecretNotFound). Not a precondition:
   * a StatefulSet must never be deleted because a Secret is momentarily unreadable.
   */
  public static class AclCurrent implements Condition<Secret, AuthTier> {
    @Override
    public boolean isMet(DependentResource<Secret, AuthTier> dependent, AuthTier tier, Context<AuthTier> context) {
      var password = RedisSecrets.password(tier, SecretLookup.from(context));
      return password.isPresent() && dependent.getSecondaryResource(tier, context)
          .filter(acl -> RedisAclSecretDependent.holds(acl, tier, password.get()))
          .isPresent();
    }
  }
}
