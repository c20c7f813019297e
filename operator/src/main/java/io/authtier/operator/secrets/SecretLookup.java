package io.authtier.operator.secrets;

import io.authtier.operator.api.v1alpha1.AuthTier;
import io.fabric8.kubernetes.api.model.Secret;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/** Finds referenced Secrets in the operator's Secret informer cache (see {@code SecretEventSource}). */
public final class SecretLookup {
  private SecretLookup() {}

  public static Function<String, Optional<Secret>> from(Context<AuthTier> context) {
    Map<String, Secret> byName = context.getSecondaryResources(Secret.class).stream()
        .collect(Collectors.toMap(s -> s.getMetadata().getName(), s -> s, (a, b) -> a));
    return name -> Optional.ofNullable(byName.get(name));
  }

  public static SecretCheck check(AuthTier tier, Context<AuthTier> context) {
    return ReferencedSecrets.check(tier.getSpec(), tier.getMetadata().getName(), from(context));
  }
}
