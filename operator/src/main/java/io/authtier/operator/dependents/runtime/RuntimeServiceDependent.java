package io.authtier.operator.dependents.runtime;

import io.authtier.operator.api.v1alpha1.AuthTier;
import io.authtier.operator.dependents.Metadata;
import io.authtier.operator.dependents.OwnedDependent;
import io.authtier.operator.reconcile.Labels;
import io.authtier.operator.reconcile.Names;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.ServicePortBuilder;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;

/**
 * The in-cluster address that ingresses ask: port http only. The management port has a Service of its own
 * ({@link RuntimeMetricsServiceDependent}), so that an Ingress or route to this one cannot expose it.
 */
@KubernetesDependent(informer = @Informer(labelSelector = Labels.MANAGED_BY_SELECTOR))
public class RuntimeServiceDependent extends OwnedDependent<Service> {

  public RuntimeServiceDependent() {
    super(Service.class);
  }

  @Override
  protected Service desired(AuthTier tier, Context<AuthTier> context) {
    return Metadata.ownedBy(build(tier), tier);
  }

  public static Service build(AuthTier tier) {
    return new ServiceBuilder()
        .withMetadata(Metadata.runtime(tier, Names.runtime(tier)))
        .withNewSpec()
          .withType("ClusterIP")
          .withSelector(Labels.runtime(tier).selector())
          .withPorts(new ServicePortBuilder().withName(Names.HTTP_PORT_NAME).withProtocol("TCP")
              .withPort(Names.HTTP_PORT).withTargetPort(new IntOrString(Names.HTTP_PORT_NAME)).build())
        .endSpec()
        .build();
  }
}
