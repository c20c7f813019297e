package io.authtier.operator.dependents.redis;

import io.authtier.operator.api.v1alpha1.AuthTier;
import io.authtier.operator.dependents.Metadata;
import io.authtier.operator.dependents.OwnedDependent;
import io.authtier.operator.reconcile.Labels;
import io.authtier.operator.reconcile.Names;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyIngressRule;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyIngressRuleBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeer;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeerBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPort;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPortBuilder;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Who may open a connection to the operator-run Redis: the tier's runtime pods and the operator (port 6379), and
 * the Redis pods themselves (6379 for replication, and for Cluster the bus port, which Redis does not
 * authenticate). Without it every pod of the cluster could reach Redis, and forge Cluster bus messages. Enforced
 * where the cluster's network plugin implements NetworkPolicy; elsewhere it changes nothing.
 */
@KubernetesDependent(informer = @Informer(labelSelector = Labels.MANAGED_BY_SELECTOR))
public class RedisNetworkPolicyDependent extends OwnedDependent<NetworkPolicy> {
  /** The operator's pods, as manifests/deployment.yaml labels them. */
  static final Map<String, String> OPERATOR_PODS = Map.of(Labels.NAME, Names.OPERATOR);
  /** The key under which the reconciler hands the operator's namespace to this dependent. */
  public static final String OPERATOR_NAMESPACE = "authtier.io/operator-namespace";
  /** The label every namespace carries with its own name (Kubernetes 1.21 and later). */
  static final String NAMESPACE_NAME = "kubernetes.io/metadata.name";

  public RedisNetworkPolicyDependent() {
    super(NetworkPolicy.class);
  }

  /** By name, not from desired(): JOSDK looks the object up to delete it when its condition no longer holds. */
  @Override
  protected ResourceID targetSecondaryResourceID(AuthTier tier, Context<AuthTier> context) {
    return new ResourceID(Names.redis(tier), tier.getMetadata().getNamespace());
  }

  @Override
  protected NetworkPolicy desired(AuthTier tier, Context<AuthTier> context) {
    var operatorNamespace = context.managedWorkflowAndDependentResourceContext().get(OPERATOR_NAMESPACE, String.class);
    return Metadata.ownedBy(build(tier, operatorNamespace), tier);
  }

  /**
   * @param operatorNamespace where the operator's pods run; empty when unknown (an operator run from outside the
   *                          cluster), then operator pods of any namespace are admitted
   */
  public static NetworkPolicy build(AuthTier tier, Optional<String> operatorNamespace) {
    var redisPods = matching(Labels.redis(tier).selector());
    var nodePorts = new ArrayList<NetworkPolicyPort>(List.of(port(Names.REDIS_PORT)));
    if (RedisConditions.cluster(tier)) {
      nodePorts.add(port(RedisHeadlessServiceDependent.BUS_PORT));
    }
    return new NetworkPolicyBuilder()
        .withMetadata(Metadata.redis(tier, Names.redis(tier)))
        .withNewSpec()
          .withPodSelector(redisPods)
          .withPolicyTypes("Ingress")
          .withIngress(
              rule(new NetworkPolicyPeerBuilder().withPodSelector(matching(Labels.runtime(tier).selector())).build(),
                  List.of(port(Names.REDIS_PORT))),
              rule(new NetworkPolicyPeerBuilder().withPodSelector(redisPods).build(), nodePorts),
              rule(new NetworkPolicyPeerBuilder()
                  .withNamespaceSelector(operatorNamespace.map(ns -> matching(Map.of(NAMESPACE_NAME, ns))).orElseGet(LabelSelector::new))
                  .withPodSelector(matching(OPERATOR_PODS)).build(), List.of(port(Names.REDIS_PORT))))
        .endSpec()
        .build();
  }

  private static NetworkPolicyIngressRule rule(NetworkPolicyPeer from, List<NetworkPolicyPort> ports) {
    return new NetworkPolicyIngressRuleBuilder().withFrom(from).withPorts(ports).build();
  }

  private static LabelSelector matching(Map<String, String> labels) {
    return new LabelSelectorBuilder().withMatchLabels(new TreeMap<>(labels)).build();
  }

  private static NetworkPolicyPort port(int number) {
    return new NetworkPolicyPortBuilder().withProtocol("TCP").withPort(new IntOrString(number)).build();
  }
}
