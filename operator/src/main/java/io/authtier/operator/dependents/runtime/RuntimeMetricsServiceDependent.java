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
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;

/**
 * The runtime's management port ({@code /metrics}, {@code /healthz}, {@code /readyz}) for Prometheus, in a Service
 * of its own: the Service that ingresses ask ({@link RuntimeServiceDependent}) carries the auth port only, so that
 * no Ingress or route to it can reach the management endpoints. Labelled {@code app.kubernetes.io/component: metrics}
 * (what the ServiceMonitor selects); it selects the runtime's pods.
 */
@KubernetesDependent(informer = @Informer(labelSelector = Labels.MANAGED_BY_SELECTOR))
public class RuntimeMetricsServiceDependent extends OwnedDependent<Service> {

  public RuntimeMetricsServiceDependent() {
    super(Service.class);
  }

  /** By name: the tier has more than one Service. */
  @Override
  protected ResourceID targetSecondaryResourceID(AuthTier tier, Context<AuthTier> context) {
    return new ResourceID(Names.metrics(tier), tier.getMetadata().getNamespace());
  }

  @Override
  protected Service desired(AuthTier tier, Context<AuthTier> context) {
    return Metadata.ownedBy(build(tier), tier);
  }

  public static Service build(AuthTier tier) {
    return new ServiceBuilder()
        .withNewMetadata()
          .withName(Names.metrics(tier))
          .withNamespace(tier.getMetadata().getNamespace())
          .withLabels(Labels.metrics(tier).all())
        .endMetadata()
        .withNewSpec()
          .withType("ClusterIP")
          .withSelector(Labels.runtime(tier).selector())
          .withPorts(new ServicePortBuilder().withName(Names.MANAGEMENT_PORT_NAME).withProtocol("TCP")
              .withPort(Names.MANAGEMENT_PORT).withTargetPort(new IntOrString(Names.MANAGEMENT_PORT_NAME)).build())
        .endSpec()
        .build();
  }
}
