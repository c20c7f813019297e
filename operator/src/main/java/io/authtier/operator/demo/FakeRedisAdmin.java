package io.authtier.operator.demo;

import io.authtier.operator.redisadmin.ClusterAction;
import io.authtier.operator.redisadmin.ClusterNodeEntry;
import io.authtier.operator.redisadmin.ClusterObservation;
import io.authtier.operator.redisadmin.DesiredCluster;
import io.authtier.operator.redisadmin.NodeObservation;
import io.authtier.operator.redisadmin.RedisAdmin;
import io.authtier.operator.redisadmin.RedisNodeAddress;
import io.authtier.operator.redisadmin.SlotRange;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Stands in for Redis where there is none, as {@link FakeWorkloadController} stands in for kubelets: the
 * mock API server of {@code demo} and of the tests runs no pods, and its DNS names resolve nowhere. Every node
 * answers, and a Cluster is reported as formed and healthy in the shape asked for. It changes nothing.
 */
public final class FakeRedisAdmin implements RedisAdmin {

  @Override
  public ClusterObservation observe(List<RedisNodeAddress> nodes) {
    return new ClusterObservation(Instant.EPOCH, nodes.stream()
        .<NodeObservation>map(n -> new NodeObservation.Reachable(n, false, "", "disabled", 1, 0, List.of()))
        .toList());
  }

  @Override
  public List<ClusterAction> plan(ClusterObservation observation, DesiredCluster desired) {
    return List.of();
  }

  @Override
  public void execute(List<ClusterAction> actions) {}

  @Override
  public Round reconcile(List<RedisNodeAddress> nodes, DesiredCluster desired) {
    return new Round(healthyCluster(nodes, desired), List.of());
  }

  /**
   * A formed cluster: the first {@code desired.masters()} nodes are masters with the slots split evenly, each
   * followed in the list by its replicas' turn, all connected and {@code cluster_state ok}.
   */
  public static ClusterObservation healthyCluster(List<RedisNodeAddress> nodes, DesiredCluster desired) {
    var slots = SlotRange.evenSplit(desired.masters());
    var lines = new ArrayList<String>();
    for (int i = 0; i < nodes.size(); i++) {
      var node = nodes.get(i);
      var address = "10.0.0." + (i + 1) + ":" + node.port() + "@" + (node.port() + 10000) + "," + node.host();
      if (i < desired.masters()) {
        var range = slots.get(i);
        lines.add(id(i) + " " + address + " master - 0 0 " + (i + 1) + " connected " + range.start() + "-" + range.end());
      } else {
        var master = (i - desired.masters()) % desired.masters();
        lines.add(id(i) + " " + address + " slave " + id(master) + " 0 0 " + (master + 1) + " connected");
      }
    }
    var observations = new ArrayList<NodeObservation>();
    for (int i = 0; i < nodes.size(); i++) {
      var self = id(i);
      var view = lines.stream()
          .map(l -> l.startsWith(self + " ") ? l.replaceFirst(" (master|slave) ", " myself,$1 ") : l)
          .collect(Collectors.joining("\n"));
      observations.add(new NodeObservation.Reachable(nodes.get(i), true, self, "ok", nodes.size(), 0,
          ClusterNodeEntry.parseAll(view)));
    }
    return new ClusterObservation(Instant.EPOCH, observations);
  }

  private static String id(int index) {
    return String.format("%040x", index + 1);
  }

  @Override
  public void close() {}
}
