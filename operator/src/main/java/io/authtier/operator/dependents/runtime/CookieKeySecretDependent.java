package io.authtier.operator.dependents.runtime;

import io.authtier.operator.api.v1alpha1.AuthTier;
import io.authtier.operator.dependents.GeneratedSecretDependent;
import io.authtier.operator.dependents.Metadata;
import io.authtier.operator.reconcile.Labels;
import io.authtier.operator.reconcile.Names;
import io.authtier.operator.secrets.ReferencedSecrets;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Secret;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.dependent.DependentResource;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;
import io.javaoperatorsdk.operator.processing.dependent.workflow.Condition;

/**
 * The cookie-signing key that the operator generates when sessions.login names no sessions.cookie.signingKeys:
 * 32 random bytes (base64url), which the runtime signs cookies with under the id {@code generated}. A new key
 * would log every browser out, so it is never rewritten.
 */
@KubernetesDependent(informer = @Informer(labelSelector = Labels.MANAGED_BY_SELECTOR))
public class CookieKeySecretDependent extends GeneratedSecretDependent {

  @Override
  protected Secret withoutData(AuthTier tier) {
    return build(tier);
  }

  @Override
  protected String key() {
    return ReferencedSecrets.GENERATED_COOKIE_KEY_KEY;
  }

  /** The Secret as render shows it: without data, which is generated in the cluster only. */
  public static Secret build(AuthTier tier) {
    return dataless(Metadata.runtime(tier, Names.cookieKey(tier)));
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
