package io.authtier.operator.reconcile;

import io.authtier.operator.api.v1alpha1.AuthTier;
import io.authtier.operator.secrets.ReferencedSecrets;
import io.fabric8.kubernetes.api.model.Secret;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.PrimaryToSecondaryMapper;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Watches the Secrets that AuthTiers refer to (they are not owned, so owner references cannot map
 * them): a Secret that appears or changes triggers the AuthTiers that name it, so a missing Secret
 * heals without anyone touching the AuthTier, and a changed one rolls the runtime.
 */
final class SecretEventSource {
  private static final String INDEX = "authtier-referenced-secrets";

  private SecretEventSource() {}

  static InformerEventSource<Secret, AuthTier> create(EventSourceContext<AuthTier> context) {
    context.getPrimaryCache().addIndexer(INDEX, tier -> referencedSecrets(tier).stream()
        .map(id -> key(id.getName(), id.getNamespace().orElse("")))
        .toList());
    var configuration = InformerEventSourceConfiguration.from(Secret.class, AuthTier.class)
        .withName("referenced-secrets")
        .withSecondaryToPrimaryMapper(secret -> context.getPrimaryCache()
            .byIndex(INDEX, key(secret.getMetadata().getName(), secret.getMetadata().getNamespace()))
            .stream()
            .map(ResourceID::fromResource)
            .collect(Collectors.toSet()))
        .withPrimaryToSecondaryMapper((PrimaryToSecondaryMapper<AuthTier>) SecretEventSource::referencedSecrets)
        .build();
    return new InformerEventSource<>(configuration, context);
  }

  private static Set<ResourceID> referencedSecrets(AuthTier tier) {
    if (tier.getSpec() == null) {
      return Set.of();
    }
    var namespace = tier.getMetadata().getNamespace();
    return ReferencedSecrets.names(tier.getSpec(), tier.getMetadata().getName()).stream()
        .map(name -> new ResourceID(name, namespace))
        .collect(Collectors.toSet());
  }

  private static String key(String name, String namespace) {
    return namespace + "/" + name;
  }
}
