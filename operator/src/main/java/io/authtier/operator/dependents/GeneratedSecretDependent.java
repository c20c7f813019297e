package io.authtier.operator.dependents;

import io.authtier.operator.api.v1alpha1.AuthTier;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.Matcher;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Map;

/**
 * A Secret whose one value the operator generates (a Redis password, a cookie-signing key). Created once and
 * its data never rewritten: a new value would lock clients out or log browsers out. Only a missing owner
 * reference is put back, so that it is still deleted with the tier.
 */
public abstract class GeneratedSecretDependent extends OwnedDependent<Secret> {
  private static final SecureRandom RANDOM = new SecureRandom();

  protected GeneratedSecretDependent() {
    super(Secret.class);
  }

  /** The Secret as render shows it: metadata, type, immutable; no data, which is generated in the cluster only. */
  protected abstract Secret withoutData(AuthTier tier);

  /** The Secret's one key. */
  protected abstract String key();

  /** By name, not from desired(): JOSDK looks the object up to delete it when its condition no longer holds. */
  @Override
  protected ResourceID targetSecondaryResourceID(AuthTier tier, Context<AuthTier> context) {
    return new ResourceID(withoutData(tier).getMetadata().getName(), tier.getMetadata().getNamespace());
  }

  /** Compares the owner only; the update then writes the live Secret back as it is, with the reference. */
  @Override
  public Matcher.Result<Secret> match(Secret actual, AuthTier tier, Context<AuthTier> context) {
    return Ownership.controlledBy(actual, tier) ? Matcher.Result.nonComputed(true)
        : Matcher.Result.computed(false, context.getClient().getKubernetesSerialization().clone(actual));
  }

  @Override
  protected Secret desired(AuthTier tier, Context<AuthTier> context) {
    var secret = Metadata.ownedBy(withoutData(tier), tier);
    secret.setData(Map.of(key(), Base64.getEncoder().encodeToString(generate().getBytes(StandardCharsets.US_ASCII))));
    return secret;
  }

  /** The Secret with {@code metadata} as render shows it: Opaque and immutable, its data left to {@link #desired}. */
  protected static Secret dataless(ObjectMeta metadata) {
    return new SecretBuilder().withMetadata(metadata).withType("Opaque").withImmutable(true).build();
  }

  /** 32 random bytes, base64url without padding: 43 characters that need no quoting anywhere. */
  public static String generate() {
    var bytes = new byte[32];
    RANDOM.nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }
}
