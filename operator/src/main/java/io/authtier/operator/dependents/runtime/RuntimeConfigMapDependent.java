package io.authtier.operator.dependents.runtime;

import io.authtier.operator.api.v1alpha1.AuthTier;
import io.authtier.operator.dependents.Metadata;
import io.authtier.operator.dependents.OwnedDependent;
import io.authtier.operator.reconcile.Labels;
import io.authtier.operator.reconcile.Names;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;
import java.util.Map;

/** The runtime's configuration file. Secrets are named by path, never copied in. */
@KubernetesDependent(informer = @Informer(labelSelector = Labels.MANAGED_BY_SELECTOR))
public class RuntimeConfigMapDependent extends OwnedDependent<ConfigMap> {

  public RuntimeConfigMapDependent() {
    super(ConfigMap.class);
  }

  @Override
  protected ConfigMap desired(AuthTier tier, Context<AuthTier> context) {
    return Metadata.ownedBy(build(tier), tier);
  }

  public static ConfigMap build(AuthTier tier) {
    return new ConfigMapBuilder()
        .withMetadata(Metadata.runtime(tier, Names.configMap(tier)))
        .withData(Map.of(Names.CONFIG_FILE, RuntimeConfigRenderer.render(tier)))
        .build();
  }
}
