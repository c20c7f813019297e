package io.authtier.operator.redisadmin;

import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/** Every desired node as observed at one moment, in the order the nodes were given. */
public record ClusterObservation(Instant observedAt, List<NodeObservation> nodes) {

  public ClusterObservation {
    nodes = List.copyOf(nodes);
  }

  public List<NodeObservation.Reachable> reachable() {
    return nodes.stream()
        .filter(NodeObservation.Reachable.class::isInstance)
        .map(NodeObservation.Reachable.class::cast)
        .toList();
  }

  public List<NodeObservation.Unreachable> unreachable() {
    return nodes.stream()
        .filter(NodeObservation.Unreachable.class::isInstance)
        .map(NodeObservation.Unreachable.class::cast)
        .toList();
  }

  public Optional<NodeObservation.Reachable> at(RedisNodeAddress address) {
    return reachable().stream().filter(r -> r.address().equals(address)).findFirst();
  }

  public Optional<NodeObservation.Reachable> byId(String nodeId) {
    return reachable().stream().filter(r -> r.clusterEnabled() && r.nodeId().equals(nodeId)).findFirst();
  }

  /**
   * The node whose view describes the cluster: a reachable cluster node that serves slots and knows other
   * nodes (the one that knows most nodes, then the first given), else a reachable node whose view has slots
   * served by others (a replica whose masters cannot be reached). A lone node that serves slots (it loaded
   * data from an earlier life and took the slots of its keys) is never the anchor: our clusters have at
   * least three masters. Empty when no such node answers: the nodes are waiting for bootstrap.
   */
  public Optional<NodeObservation.Reachable> anchor() {
    Comparator<NodeObservation.Reachable> byKnown =
        Comparator.comparingInt(NodeObservation.Reachable::knownNodes).reversed();
    Optional<NodeObservation.Reachable> owner = reachable().stream()
        .filter(r -> r.clusterEnabled() && r.knownNodes() > 1 && r.slotCount() > 0)
        .sorted(byKnown)
        .findFirst();
    if (owner.isPresent()) {
      return owner;
    }
    return reachable().stream()
        .filter(r -> r.clusterEnabled() && r.knownNodes() > 1 && r.view().stream().anyMatch(e -> e.slotCount() > 0))
        .sorted(byKnown)
        .findFirst();
  }

  /** The numbers that the operator reports in {@code status.redis}, taken from the anchor's view. */
  public ClusterHealth health() {
    List<String> unreachable = unreachable().stream().map(u -> u.address().toString()).toList();
    return anchor()
        .map(
            a -> {
              List<ClusterNodeEntry> view = a.view();
              List<ClusterNodeEntry> readyMasters =
                  view.stream().filter(e -> e.master() && !e.failing() && e.slotCount() > 0).toList();
              List<String> readyMasterIds = readyMasters.stream().map(ClusterNodeEntry::id).toList();
              int slots = readyMasters.stream().mapToInt(ClusterNodeEntry::slotCount).sum();
              int readyReplicas =
                  (int)
                      view.stream()
                          .filter(e -> e.replica() && !e.failing() && e.connected())
                          .filter(e -> e.masterId().map(readyMasterIds::contains).orElse(false))
                          .count();
              // Every node judges cluster_state for itself and refuses commands (CLUSTERDOWN) while it says
              // fail: the cluster is ok only when every member that answers says ok.
              String state = reachable().stream()
                  .filter(r -> r.clusterEnabled() && view.stream().anyMatch(e -> e.id().equals(r.nodeId())))
                  .map(NodeObservation.Reachable::clusterState)
                  .filter(s -> !"ok".equals(s))
                  .findFirst()
                  .orElse("ok");
              return new ClusterHealth(state, slots, readyMasters.size(), readyReplicas, unreachable);
            })
        .orElseGet(() -> new ClusterHealth("absent", 0, 0, 0, unreachable));
  }
}
