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
import io.javaoperatorsdk.operator.api.reconciler.dependent.ReconcileResult;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;

/**
 * Stable DNS names for the Cluster's pods ({@code <tier>-redis-<i>.<tier>-redis-headless.<ns>.svc}), published
 * before the pods are ready: nodes must find each other to form the cluster that makes them ready.
 */
@KubernetesDependent(informer = @Informer(labelSelector = Labels.MANAGED_BY_SELECTOR))
public class RedisHeadlessServiceDependent extends OwnedDependent<Service> {
  public static final int BUS_PORT = 16379;

  public RedisHeadlessServiceDependent() {
    super(Service.class);
  }

  /** By name, not from desired(): JOSDK looks the object up to delete it when its condition no longer holds. */
  @Override
  protected ResourceID targetSecondaryResourceID(AuthTier tier, Context<AuthTier> context) {
    return new ResourceID(Names.redisHeadless(tier), tier.getMetadata().getNamespace());
  }

  /**
   * Cluster only. Its precondition is the StatefulSet's ({@link RedisConditions.Managed}), not Cluster, so that
   * the StatefulSet can depend on it: a precondition that fails deletes the objects that depend on the node, which
   * for Standalone would be its StatefulSet. A Standalone tier never had one (redis.mode cannot change).
   */
  @Override
  public ReconcileResult<Service> reconcile(AuthTier tier, Context<AuthTier> context) {
    return RedisConditions.cluster(tier) ? super.reconcile(tier, context) : ReconcileResult.noOperation(null);
  }

  @Override
  protected Service desired(AuthTier tier, Context<AuthTier> context) {
    return Metadata.ownedBy(build(tier), tier);
  }

  public static Service build(AuthTier tier) {
    return new ServiceBuilder()
        .withMetadata(Metadata.redis(tier, Names.redisHeadless(tier)))
        .withNewSpec()
          .withType("ClusterIP")
          .withClusterIP("None")
          .withPublishNotReadyAddresses(true)
          .withSelector(Labels.redis(tier).selector())
          .withPorts(
              new ServicePortBuilder().withName("redis").withProtocol("TCP")
                  .withPort(Names.REDIS_PORT).withTargetPort(new IntOrString("redis")).build(),
              new ServicePortBuilder().withName("cluster-bus").withProtocol("TCP")
                  .withPort(BUS_PORT).withTargetPort(new IntOrString("cluster-bus")).build())
        .endSpec()
        .build();
  }
}
