package io.authtier.operator.dependents.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.authtier.operator.api.v1alpha1.AuthTier;
import io.authtier.operator.api.v1alpha1.RedisMode;
import io.authtier.operator.api.v1alpha1.RedisSpec;
import io.authtier.operator.dependents.DesiredState;
import io.authtier.operator.reconcile.Labels;
import io.authtier.operator.support.Tiers;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyIngressRule;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Redis answers the tier only: its runtime, its own nodes and the operator, not every pod of the cluster. */
@DisplayName("The Redis NetworkPolicy")
class RedisNetworkPolicyTest {

  @Test
  @DisplayName("A Redis Cluster admits on 6379 the tier's runtime, its own nodes and the operator, and on the bus port its own nodes only")
  void cluster() {
    // Given a tier with an operator-run Redis Cluster
    var tier = Tiers.sample("cluster.yaml", "api");

    // When its objects are built
    var policy = policy(tier);

    // Then one NetworkPolicy selects the Redis pods and admits exactly these
    assertThat(policy.getMetadata().getName()).isEqualTo("api-auth-redis");
    assertThat(policy.getMetadata().getLabels()).containsEntry(Labels.MANAGED_BY, "authtier-operator");
    assertThat(policy.getSpec().getPodSelector().getMatchLabels()).isEqualTo(Labels.redis(tier).selector());
    assertThat(policy.getSpec().getPolicyTypes()).containsExactly("Ingress");
    assertThat(policy.getSpec().getIngress()).extracting(RedisNetworkPolicyTest::describe).containsExactly(
        "pods " + Labels.runtime(tier).selector() + " -> [6379]",
        "pods " + Labels.redis(tier).selector() + " -> [6379, 16379]",
        "namespaces {kubernetes.io/metadata.name=authtier-system}, pods {app.kubernetes.io/name=authtier-operator} -> [6379]");
  }

  @Test
  @DisplayName("The operator's pods are admitted from the operator's namespace only, or from any when that is unknown")
  void operatorNamespace() {
    var tier = Tiers.sample("cluster.yaml", "api");

    var inCluster = RedisNetworkPolicyDependent.build(tier, Optional.of("platform-operators"));
    var fromOutside = RedisNetworkPolicyDependent.build(tier, Optional.empty());

    assertThat(describe(inCluster.getSpec().getIngress().getLast()))
        .isEqualTo("namespaces {kubernetes.io/metadata.name=platform-operators}, pods {app.kubernetes.io/name=authtier-operator} -> [6379]");
    assertThat(describe(fromOutside.getSpec().getIngress().getLast()))
        .isEqualTo("namespaces {}, pods {app.kubernetes.io/name=authtier-operator} -> [6379]");
  }

  @Test
  @DisplayName("A Standalone Redis has no bus port; an External Redis or none gets no NetworkPolicy")
  void standaloneAndExternal() {
    var standalone = Tiers.sample("minimal.yaml", "dev");
    standalone.setSpec(Tiers.withRedis(standalone.getSpec(), new RedisSpec(RedisMode.Standalone, null, null, null, null, null)));
    assertThat(policy(standalone).getSpec().getIngress()).extracting(RedisNetworkPolicyTest::describe)
        .allSatisfy(rule -> assertThat(rule).endsWith("-> [6379]"));

    assertThat(DesiredState.of(Tiers.sample("production.yaml", "prod"), "d")).noneMatch(NetworkPolicy.class::isInstance);
    assertThat(DesiredState.of(Tiers.sample("minimal.yaml", "dev"), "d")).noneMatch(NetworkPolicy.class::isInstance);
  }

  private static NetworkPolicy policy(AuthTier tier) {
    return DesiredState.of(tier, "d").stream().filter(NetworkPolicy.class::isInstance).map(NetworkPolicy.class::cast)
        .reduce((a, b) -> { throw new AssertionError("more than one NetworkPolicy"); }).orElseThrow();
  }

  private static String describe(NetworkPolicyIngressRule rule) {
    var peer = rule.getFrom().getFirst();
    var pods = peer.getPodSelector() == null ? Map.of() : peer.getPodSelector().getMatchLabels();
    var where = peer.getNamespaceSelector() == null ? "pods "
        : "namespaces " + new java.util.TreeMap<>(Objects.requireNonNullElse(peer.getNamespaceSelector().getMatchLabels(), Map.of())) + ", pods ";
    assertThat(rule.getFrom()).hasSize(1);
    assertThat(rule.getPorts()).allSatisfy(p -> assertThat(p.getProtocol()).isEqualTo("TCP"));
    List<Integer> ports = rule.getPorts().stream().map(p -> p.getPort().getIntVal()).toList();
    return where + new java.util.TreeMap<>(pods) + " -> " + ports;
  }
}
