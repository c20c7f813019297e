package io.authtier.operator.dependents.redis;

import io.authtier.operator.api.v1alpha1.AuthTier;
import io.authtier.operator.dependents.Metadata;
import io.authtier.operator.dependents.OwnedDependent;
import io.authtier.operator.reconcile.Labels;
import io.authtier.operator.reconcile.Names;
import io.authtier.operator.secrets.SecretLookup;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.dependent.ReconcileResult;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * How Redis learns its password, derived from it (the same password gives the same Secret): {@code users.acl}
 * with the SHA-256 of the password, and {@code auth.conf} with {@code masterauth} for Cluster replicas. A
 * Secret, since auth.conf holds the password itself.
 */
@KubernetesDependent(informer = @Informer(labelSelector = Labels.MANAGED_BY_SELECTOR))
public class RedisAclSecretDependent extends OwnedDependent<Secret> {

  public RedisAclSecretDependent() {
    super(Secret.class);
  }

  /** By name, not from desired(): JOSDK looks the object up to delete it when its condition no longer holds. */
  @Override
  protected ResourceID targetSecondaryResourceID(AuthTier tier, Context<AuthTier> context) {
    return new ResourceID(Names.redisAcl(tier), tier.getMetadata().getNamespace());
  }

  /**
   * Until the password can be read (a generated one appears one reconcile after the tier, or after it was deleted
   * to rotate it), the live ACL Secret is left as it is: a Redis pod that restarts meanwhile still finds its ACL
   * file. {@link RedisConditions.AclCurrent} holds the StatefulSet back until it is written.
   */
  @Override
  public ReconcileResult<Secret> reconcile(AuthTier tier, Context<AuthTier> context) {
    if (RedisSecrets.password(tier, SecretLookup.from(context)).isEmpty()) {
      return ReconcileResult.noOperation(getSecondaryResource(tier, context).orElse(null));
    }
    return super.reconcile(tier, context);
  }

  @Override
  protected Secret desired(AuthTier tier, Context<AuthTier> context) {
    var password = RedisSecrets.password(tier, SecretLookup.from(context))
        .orElseThrow(() -> new IllegalStateException("the Redis password of " + tier.getMetadata().getName()
            + " is not readable yet"));
    return Metadata.ownedBy(build(tier, Optional.of(password)), tier);
  }

  /** With the password, or (render, when the password is generated in the cluster) without data. */
  public static Secret build(AuthTier tier, Optional<byte[]> password) {
    var builder = new SecretBuilder()
        .withMetadata(Metadata.redis(tier, Names.redisAcl(tier)))
        .withType("Opaque");
    password.ifPresent(p -> {
      var data = new TreeMap<String, String>();
      data.put(RedisSecrets.ACL_FILE, base64(RedisSecrets.aclFile(p)));
      data.put(RedisSecrets.AUTH_FILE, base64(RedisSecrets.authFile(p)));
      builder.withData(data);
    });
    return builder.build();
  }

  /** Whether {@code live} holds what this password gives: Redis started from it would accept the password. */
  static boolean holds(Secret live, AuthTier tier, byte[] password) {
    return Objects.equals(live.getData(), build(tier, Optional.of(password)).getData());
  }

  private static String base64(String text) {
    return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
  }
}
