package io.authtier.operator.dependents.runtime;

import io.authtier.operator.api.v1alpha1.AuthTier;
import io.authtier.operator.dependents.Metadata;
import io.authtier.operator.dependents.OwnedDependent;
import io.authtier.operator.dependents.Ownership;
import io.authtier.operator.reconcile.Labels;
import io.authtier.operator.reconcile.Names;
import io.authtier.operator.secrets.ReferencedSecrets;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.dependent.DependentResource;
import io.javaoperatorsdk.operator.processing.dependent.Matcher;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;
import io.javaoperatorsdk.operator.processing.dependent.workflow.Condition;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Map;

/**
 * The cookie-signing key that the operator generates when sessions.login names no sessions.cookie.signingKeys.
 * Created once and its data never rewritten: a new key would log every browser out. Only a missing owner
 * reference is put back, so that it is still deleted with the tier.
 */
@KubernetesDependent(informer = @Informer(labelSelector = Labels.MANAGED_BY_SELECTOR))
public class CookieKeySecretDependent extends OwnedDependent<Secret> {
  private static final SecureRandom RANDOM = new SecureRandom();

  public CookieKeySecretDependent() {
    super(Secret.class);
  }

  /** By name, not from desired(): JOSDK looks the object up to delete it when its condition no longer holds. */
  @Override
  protected ResourceID targetSecondaryResourceID(AuthTier tier, Context<AuthTier> context) {
    return new ResourceID(Names.cookieKey(tier), tier.getMetadata().getNamespace());
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
    secret.setData(Map.of(ReferencedSecrets.generatedCookieKey(tier.getMetadata().getName()).key(),
        Base64.getEncoder().encodeToString(generate().getBytes(StandardCharsets.US_ASCII))));
    return secret;
  }

  /** The Secret as render shows it: without data, which is generated in the cluster only. */
  public static Secret build(AuthTier tier) {
    return new SecretBuilder()
        .withMetadata(Metadata.runtime(tier, Names.cookieKey(tier)))
        .withType("Opaque")
        .withImmutable(true)
        .build();
  }

  /** 32 random bytes, base64url without padding: 43 characters, above the runtime's minimum of 32 bytes. */
  static String generate() {
    var bytes = new byte[32];
    RANDOM.nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  /**
   * While the Secret exists: login names no key of its own, or names the generated Secret among its keys (the
   * way to rotate away from it without logging anyone out: a new key first, the generated one after it).
   */
  public static boolean needed(AuthTier tier) {
    var spec = tier.getSpec();
    return ReferencedSecrets.cookieKeyGenerated(spec) || spec.sessions().login() != null
        && spec.sessions().cookie().signingKeys().stream().anyMatch(key -> key.secretRef() != null
            && Names.cookieKey(tier).equals(key.secretRef().name()));
  }

  /** The workflow's switch for this Secret: when it turns false, the Secret is deleted. */
  public static class Needed implements Condition<HasMetadata, AuthTier> {
    @Override
    public boolean isMet(DependentResource<HasMetadata, AuthTier> dependent, AuthTier tier, Context<AuthTier> context) {
      return needed(tier);
    }
  }
}
