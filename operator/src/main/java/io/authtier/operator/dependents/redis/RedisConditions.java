package io.authtier.operator.dependents.redis;

import io.authtier.operator.api.v1alpha1.AuthTier;
import io.authtier.operator.api.v1alpha1.RedisMode;
import io.authtier.operator.secrets.SecretLookup;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.dependent.DependentResource;
import io.javaoperatorsdk.operator.processing.dependent.workflow.Condition;

/** When the Redis objects exist. A condition that turns false deletes its object (PVCs stay: data). */
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

  /** Cluster: the headless Service and the PodDisruptionBudget. */
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
   * The ACL Secret is derived from the password, so it waits for it: a generated password appears one reconcile
   * after the tier (its creation wakes the tier again); a missing referenced one stops the tier before the
   * workflow runs (SecretNotFound).
   */
  public static class PasswordAvailable implements Condition<HasMetadata, AuthTier> {
    @Override
    public boolean isMet(DependentResource<HasMetadata, AuthTier> dependent, AuthTier tier, Context<AuthTier> context) {
      return managed(tier) && RedisSecrets.password(tier, SecretLookup.from(context)).isPresent();
    }
  }
}
