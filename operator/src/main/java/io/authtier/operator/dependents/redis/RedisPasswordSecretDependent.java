package io.authtier.operator.dependents.redis;

import io.authtier.operator.api.v1alpha1.AuthTier;
import io.authtier.operator.dependents.GeneratedSecretDependent;
import io.authtier.operator.dependents.Metadata;
import io.authtier.operator.reconcile.Labels;
import io.authtier.operator.reconcile.Names;
import io.fabric8.kubernetes.api.model.Secret;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;

/**
 * The generated Redis password, when spec.redis.passwordSecretRef is left out. A new password would lock out
 * every client and node, so it is never rewritten.
 */
@KubernetesDependent(informer = @Informer(labelSelector = Labels.MANAGED_BY_SELECTOR))
public class RedisPasswordSecretDependent extends GeneratedSecretDependent {

  @Override
  protected Secret withoutData(AuthTier tier) {
    return build(tier);
  }

  @Override
  protected String key() {
    return Names.REDIS_PASSWORD_KEY;
  }

  /** The Secret as render shows it: without data, which is generated in the cluster only. */
  public static Secret build(AuthTier tier) {
    return dataless(Metadata.redis(tier, Names.redisPassword(tier)));
  }
}
