package io.authtier.operator.redisadmin;

import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Replicas on another Kubernetes node than their master, where the pods' nodes allow it; any other pod
 * otherwise (fewer nodes than a spread needs), which {@link #sharedNodes} then reports.
 *
 * @param pods where each Redis node runs; a node missing here (pod not scheduled) is on no known node
 */
public record KubernetesNodePlacement(Map<RedisNodeAddress, PodOnNode> pods) implements ReplicaPlacement {

  /** A Redis pod and the Kubernetes node ({@code spec.nodeName}) that runs it. */
  public record PodOnNode(String pod, String node) {
    public PodOnNode {
      Objects.requireNonNull(pod, "pod");
      Objects.requireNonNull(node, "node");
    }
  }

  public KubernetesNodePlacement {
    pods = Map.copyOf(pods);
  }

  @Override
  public boolean allowed(RedisNodeAddress replica, RedisNodeAddress master) {
    return !replica.equals(master);
  }

  /** Only when both nodes are known to differ: an unknown node proves nothing. */
  @Override
  public boolean preferred(RedisNodeAddress replica, RedisNodeAddress master) {
    var r = pods.get(replica);
    var m = pods.get(master);
    return allowed(replica, master) && r != null && m != null && !r.node().equals(m.node());
  }

  /**
   * Replicas that share a Kubernetes node with their master, as the reachable nodes report their roles:
   * "replica-pod with master-pod on node", in address order.
   */
  public List<String> sharedNodes(ClusterObservation observation) {
    return observation.reachable().stream()
        .sorted(Comparator.comparing(NodeObservation.Reachable::address))
        .flatMap(replica -> replica.masterId().flatMap(observation::byId)
            .flatMap(master -> shared(replica.address(), master.address())).stream())
        .toList();
  }

  private Optional<String> shared(RedisNodeAddress replica, RedisNodeAddress master) {
    var r = pods.get(replica);
    var m = pods.get(master);
    if (r == null || m == null || !r.node().equals(m.node())) {
      return Optional.empty();
    }
    return Optional.of(r.pod() + " with master " + m.pod() + " on " + r.node());
  }
}
