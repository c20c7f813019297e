package io.authtier.operator.dependents.redis;

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

/** The client Service of the Redis: the runtime's endpoint for Standalone. */
@KubernetesDependent(informer = @Informer(labelSelector = Labels.MANAGED_BY_SELECTOR))
public class RedisServiceDependent extends OwnedDependent<Service> {

  public RedisServiceDependent() {
    super(Service.class);
  }

  /** By name, not from desired(): JOSDK looks the object up to delete it when its condition no longer holds. */
  @Override
  protected ResourceID targetSecondaryResourceID(AuthTier tier, Context<AuthTier> context) {
    return new ResourceID(Names.redis(tier), tier.getMetadata().getNamespace());
  }

  @Override
  protected Service desired(AuthTier tier, Context<AuthTier> context) {
    return Metadata.ownedBy(build(tier), tier);
  }

  public static Service build(AuthTier tier) {
    return new ServiceBuilder()
        .withMetadata(Metadata.redis(tier, Names.redis(tier)))
        .withNewSpec()
          .withType("ClusterIP")
          .withSelector(Labels.redis(tier).selector())
          .withPorts(new ServicePortBuilder().withName("redis").withProtocol("TCP")
              .withPort(Names.REDIS_PORT).withTargetPort(new IntOrString("redis")).build())
        .endSpec()
        .build();
  }
}
