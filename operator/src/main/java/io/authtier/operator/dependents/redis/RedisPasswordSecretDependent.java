package io.authtier.operator.dependents.redis;

import io.authtier.operator.api.v1alpha1.AuthTier;
import io.authtier.operator.dependents.Metadata;
import io.authtier.operator.dependents.OwnedDependent;
import io.authtier.operator.dependents.Ownership;
import io.authtier.operator.reconcile.Labels;
import io.authtier.operator.reconcile.Names;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.Matcher;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;

/**
 * The generated Redis password, when spec.redis.passwordSecretRef is left out. Created once and its data never
 * rewritten: a new password would lock out every client and node. Only a missing owner reference is put back,
 * so that it is still deleted with the tier.
 */
@KubernetesDependent(informer = @Informer(labelSelector = Labels.MANAGED_BY_SELECTOR))
public class RedisPasswordSecretDependent extends OwnedDependent<Secret> {

  public RedisPasswordSecretDependent() {
    super(Secret.class);
  }

  /** By name, not from desired(): JOSDK looks the object up to delete it when its condition no longer holds. */
  @Override
  protected ResourceID targetSecondaryResourceID(AuthTier tier, Context<AuthTier> context) {
    return new ResourceID(Names.redisPassword(tier), tier.getMetadata().getNamespace());
  }

  /** Compares the owner only; the update then writes the live Secret back as it is, with the reference. */
  @Override
  public Matcher.Result<Secret> match(Secret actual, AuthTier tier, Context<AuthTier> context) {
    return Ownership.controlledBy(actual, tier) ? Matcher.Result.nonComputed(true)
        : Matcher.Result.computed(false, context.getClient().getKubernetesSerialization().clone(actual));
  }

  @Override
  protected Secret desired(AuthTier tier, Context<AuthTier> context) {
    var secret = Metadata.ownedBy(build(tier), tier);
    secret.setData(Map.of(Names.REDIS_PASSWORD_KEY, Base64.getEncoder().encodeToString(
        RedisSecrets.generate().getBytes(StandardCharsets.US_ASCII))));
    return secret;
  }

  /** The Secret as render shows it: without data, which is generated in the cluster only. */
  public static Secret build(AuthTier tier) {
    return new SecretBuilder()
        .withMetadata(Metadata.redis(tier, Names.redisPassword(tier)))
        .withType("Opaque")
        .withImmutable(true)
        .build();
  }
}
