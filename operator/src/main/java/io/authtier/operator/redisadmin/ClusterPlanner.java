package io.authtier.operator.redisadmin;

import io.authtier.operator.redisadmin.ClusterAction.Bootstrap;
import io.authtier.operator.redisadmin.ClusterAction.ForgetNode;
import io.authtier.operator.redisadmin.ClusterAction.MeetNode;
import io.authtier.operator.redisadmin.ClusterAction.MigrateSlots;
import io.authtier.operator.redisadmin.ClusterAction.Refuse;
import io.authtier.operator.redisadmin.ClusterAction.RemeetNode;
import io.authtier.operator.redisadmin.ClusterAction.ReplicateMaster;
import io.authtier.operator.redisadmin.ClusterAction.SlotAssignment;
import io.authtier.operator.redisadmin.ClusterAction.Wait;
import io.authtier.operator.redisadmin.NodeObservation.Reachable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Decides what to do with a Redis Cluster from one observation: a pure function, no I/O.
 *
 * <p>One call plans one round. Steps that need the cluster to have gossiped first (a replica learning its
 * master, a new master being known before slots move to it) are planned in a later round, after the next
 * observation; the caller repeats observe → plan → execute until the plan is empty.
 */
public final class ClusterPlanner {

  private final ReplicaPlacement placement;

  public ClusterPlanner(ReplicaPlacement placement) {
    this.placement = Objects.requireNonNull(placement, "placement");
  }

  public List<ClusterAction> plan(ClusterObservation observation, DesiredCluster desired) {
    List<ClusterAction> actions = new ArrayList<>();
    for (Reachable r : observation.reachable()) {
      if (!r.clusterEnabled()) {
        actions.add(new Refuse(r.address() + " does not run in cluster mode (cluster-enabled no); it is left alone"));
      }
    }
    Optional<Reachable> anchor = observation.anchor();
    if (anchor.isEmpty()) {
      planBootstrap(observation, desired, actions);
    } else {
      planExisting(observation, desired, anchor.get(), actions);
    }
    return List.copyOf(actions);
  }

  // ---------------------------------------------------------------- bootstrap

  private void planBootstrap(ClusterObservation observation, DesiredCluster desired, List<ClusterAction> actions) {
    List<Reachable> nodes = observation.reachable().stream().filter(Reachable::clusterEnabled).toList();
    boolean refused = !actions.isEmpty();
    for (Reachable r : nodes) {
      if (!r.isFresh()) {
        actions.add(new Refuse(notFreshReason(r) + "; bootstrap needs every node empty and alone, so no cluster is formed"));
        refused = true;
      }
    }
    if (refused) {
      return;
    }
    if (!observation.unreachable().isEmpty()) {
      actions.add(new Wait("bootstrap waits for every node to answer; unreachable: " + addresses(observation.unreachable())));
      return;
    }
    if (nodes.size() < desired.nodes()) {
      actions.add(new Wait("bootstrap needs " + desired.nodes() + " nodes (" + desired.masters() + " masters × "
          + (1 + desired.replicasPerMaster()) + "), " + nodes.size() + " given"));
      return;
    }
    List<SlotRange> split = SlotRange.evenSplit(desired.masters());
    List<SlotAssignment> masters = new ArrayList<>();
    for (int i = 0; i < desired.masters(); i++) {
      masters.add(new SlotAssignment(nodes.get(i).address(), List.of(split.get(i))));
    }
    List<RedisNodeAddress> others = nodes.subList(desired.masters(), nodes.size()).stream().map(Reachable::address).toList();
    actions.add(new Bootstrap(masters, others));
  }

  private static String notFreshReason(Reachable r) {
    List<String> why = new ArrayList<>();
    if (r.dbSize() > 0) {
      why.add("holds " + r.dbSize() + " keys");
    }
    if (r.knownNodes() > 1) {
      why.add("already knows " + (r.knownNodes() - 1) + " other nodes (belongs to another cluster)");
    }
    if (r.slotCount() > 0) {
      why.add("serves " + r.slotCount() + " slots");
    }
    return "node " + r.address() + " " + String.join(", ", why);
  }

  // ---------------------------------------------------------------- existing cluster

  private void planExisting(
      ClusterObservation observation, DesiredCluster desired, Reachable anchor, List<ClusterAction> actions) {
    List<ClusterNodeEntry> view = anchor.view();
    Set<String> viewIds = view.stream().map(ClusterNodeEntry::id).collect(Collectors.toSet());

    List<Reachable> members = new ArrayList<>();
    List<Reachable> joiners = new ArrayList<>();
    for (Reachable r : observation.reachable()) {
      if (!r.clusterEnabled()) {
        continue;
      }
      if (viewIds.contains(r.nodeId()) || r.knows(anchor.nodeId())) {
        members.add(r);
      } else if (r.isFresh()) {
        joiners.add(r);
      } else if (inHandshake(r, anchor)) {
        actions.add(new Wait(r.address() + " is completing its handshake with the cluster"));
      } else {
        actions.add(new Refuse(notFreshReason(r) + " and is not a member of the cluster of " + anchor.address()
            + "; it is not met or joined. Empty it (FLUSHALL, CLUSTER RESET) or remove it"));
      }
    }

    // Members listed where they no longer answer are met again; their failure is only the stale address.
    List<RemeetNode> remeets = planRemeets(members, actions);
    Set<String> moved = remeets.stream().map(RemeetNode::nodeId).collect(Collectors.toSet());

    // Failed nodes: forget those that are gone for good; wait on failovers; refuse to drop served slots.
    List<String> forgotten = new ArrayList<>();
    boolean failover = false;
    for (ClusterNodeEntry e : view) {
      if (!e.failed() || e.myself() || moved.contains(e.id())) {
        continue;
      }
      if (e.slotCount() > 0) {
        failover = true;
        actions.add(failedMaster(e, view, observation));
        continue;
      }
      if (isGone(e, observation)) {
        List<RedisNodeAddress> on = members.stream()
            .filter(m -> !m.nodeId().equals(e.id()))
            .filter(m -> !m.masterId().equals(Optional.of(e.id())))
            .map(Reachable::address)
            .toList();
        actions.add(new ForgetNode(e.id(), e.endpoint(), on));
        forgotten.add(e.id());
      }
    }

    for (Reachable j : joiners) {
      actions.add(new MeetNode(j.address(), anchor.address()));
    }
    actions.addAll(remeets);
    if (!joiners.isEmpty() || !remeets.isEmpty() || !forgotten.isEmpty() || failover) {
      return; // roles and slots are planned on the next observation, once these have taken effect
    }
    boolean converging = members.stream()
        .anyMatch(m -> !viewIds.contains(m.nodeId())
            || m.view().stream().anyMatch(ClusterNodeEntry::handshake)
            || !sameRole(m, view));
    if (converging) {
      actions.add(new Wait("cluster gossip is still converging (handshakes or slot ownership not yet agreed)"));
      return;
    }

    // Masters: those serving slots, plus empty masters designated to receive slots when scaling out.
    List<ClusterNodeEntry> slotMasters = view.stream()
        .filter(e -> e.master() && !e.failed() && e.slotCount() > 0)
        .toList();
    List<Reachable> emptyMasters = members.stream()
        .filter(m -> m.isMaster() && m.slotCount() == 0 && !forgotten.contains(m.nodeId()))
        .filter(m -> view.stream().noneMatch(e -> e.id().equals(m.nodeId()) && e.failing()))
        .toList();
    Map<String, Integer> replicaCount = new HashMap<>();
    for (ClusterNodeEntry e : view) {
      if (e.replica() && !e.failed() && e.masterId().isPresent()) {
        replicaCount.merge(e.masterId().get(), 1, Integer::sum);
      }
    }
    int missingMasters = desired.masters() - slotMasters.size();
    if (missingMasters < 0) {
      actions.add(new Refuse("the cluster has " + slotMasters.size() + " masters serving slots but "
          + desired.masters() + " are desired; scale-in is not supported, no slots are moved off a master"));
    }
    List<Reachable> designated = emptyMasters.stream()
        .sorted(Comparator.comparing((Reachable m) -> replicaCount.getOrDefault(m.nodeId(), 0)).reversed())
        .limit(Math.max(0, missingMasters))
        .toList();
    List<Reachable> spares = emptyMasters.stream().filter(m -> !designated.contains(m)).toList();

    // Masters that lack replicas get spares.
    Map<String, RedisNodeAddress> masterAddress = new LinkedHashMap<>();
    for (ClusterNodeEntry e : slotMasters) {
      masterAddress.put(e.id(), addressOf(e, observation));
    }
    for (Reachable d : designated) {
      masterAddress.put(d.nodeId(), d.address());
    }
    List<Reachable> unpaired = spares.stream()
        .filter(spare -> replicaCount.getOrDefault(spare.nodeId(), 0) == 0) // an empty master with replicas of its own: leave it to a person
        .toList();
    Map<Reachable, String> pairs = new ReplicaAssignment(masterAddress, replicaCount, desired.replicasPerMaster())
        .assign(unpaired);
    for (Reachable spare : unpaired) {
      String id = pairs.get(spare);
      if (id == null) {
        continue;
      }
      if (!spare.knows(id)) {
        actions.add(new Wait(spare.address() + " does not know master " + masterAddress.get(id) + " yet (gossip)"));
        continue;
      }
      actions.add(new ReplicateMaster(spare.address(), id, masterAddress.get(id)));
    }

    planSlots(observation, desired, view, slotMasters, designated, missingMasters, actions);
  }

  private void planSlots(
      ClusterObservation observation,
      DesiredCluster desired,
      List<ClusterNodeEntry> view,
      List<ClusterNodeEntry> slotMasters,
      List<Reachable> designated,
      int missingMasters,
      List<ClusterAction> actions) {
    java.util.BitSet covered = new java.util.BitSet(SlotRange.SLOTS);
    slotMasters.forEach(e -> e.slots().forEach(r -> covered.set(r.start(), r.end() + 1)));
    observation.reachable().forEach(r -> r.slots().forEach(x -> covered.set(x.start(), x.end() + 1)));
    int served = covered.cardinality();
    if (served < SlotRange.SLOTS) {
      actions.add(new Refuse((SlotRange.SLOTS - served) + " slots are served by no node; the operator does not"
          + " assign them (their keys may be lost); fix with redis-cli --cluster fix after checking the data"));
      return;
    }
    // Resume slots left open by an interrupted migration before anything else moves.
    boolean open = false;
    for (ClusterNodeEntry m : slotMasters) {
      Optional<Reachable> source = observation.byId(m.id());
      if (source.isEmpty()) {
        continue;
      }
      for (Map.Entry<Integer, String> slot : source.get().self().orElseThrow().migrating().entrySet()) {
        Optional<Reachable> target = observation.byId(slot.getValue());
        if (target.isPresent()) {
          actions.add(new MigrateSlots(source.get().address(), m.id(), target.get().address(), slot.getValue(),
              List.of(SlotRange.single(slot.getKey()))));
          open = true;
        }
      }
    }
    if (open || missingMasters < 0 || designated.size() < missingMasters) {
      return;
    }
    List<Reachable> masters = new ArrayList<>();
    for (ClusterNodeEntry e : slotMasters) {
      Optional<Reachable> r = observation.byId(e.id());
      if (r.isEmpty()) {
        if (!designated.isEmpty()) {
          actions.add(new Wait("slots move only when every master answers; " + e.endpoint() + " does not"));
        }
        return;
      }
      masters.add(r.get());
    }
    masters.addAll(designated);
    int n = masters.size();
    int floor = SlotRange.SLOTS / n;
    int ceil = floor + (SlotRange.SLOTS % n == 0 ? 0 : 1);
    if (masters.stream().allMatch(m -> m.slotCount() >= floor && m.slotCount() <= ceil)) {
      return;
    }
    for (Reachable m : masters) {
      if (!"ok".equals(m.clusterState())) {
        actions.add(new Wait("slots move only when every master reports cluster_state ok; " + m.address()
            + " reports " + m.clusterState()));
        return;
      }
    }
    for (Reachable a : masters) {
      for (Reachable b : masters) {
        if (a != b && !a.knows(b.nodeId())) {
          actions.add(new Wait(a.address() + " does not know " + b.address() + " yet (gossip); slots move later"));
          return;
        }
      }
    }
    // Targets: the extra slots of an uneven split go to the masters that hold most now (fewest moves).
    List<Reachable> byCount = masters.stream()
        .sorted(Comparator.comparingInt(Reachable::slotCount).reversed().thenComparing(Reachable::address))
        .toList();
    int extra = SlotRange.SLOTS % n;
    Map<Reachable, Integer> target = new LinkedHashMap<>();
    for (int i = 0; i < n; i++) {
      target.put(byCount.get(i), floor + (i < extra ? 1 : 0));
    }
    List<Reachable> receivers = byCount.stream().filter(m -> m.slotCount() < target.get(m)).toList();
    Map<Reachable, Integer> still = new HashMap<>();
    receivers.forEach(r -> still.put(r, target.get(r) - r.slotCount()));
    for (Reachable donor : byCount) {
      int excess = donor.slotCount() - target.get(donor);
      if (excess <= 0) {
        continue;
      }
      int[] slots = SlotRange.slots(donor.slots());
      int taken = 0;
      for (Reachable receiver : receivers) {
        int want = Math.min(still.get(receiver), excess - taken);
        if (want <= 0) {
          continue;
        }
        // Move the donor's highest slots: contiguous ranges stay contiguous.
        int[] moved = Arrays.copyOfRange(slots, slots.length - taken - want, slots.length - taken);
        actions.add(new MigrateSlots(donor.address(), donor.nodeId(), receiver.address(), receiver.nodeId(),
            SlotRange.ranges(moved)));
        still.merge(receiver, -want, Integer::sum);
        taken += want;
      }
    }
  }

  /**
   * Pairs spare nodes with masters that lack replicas: as many {@link ReplicaPlacement#preferred} pairs as
   * possible (greedy, then augmenting paths, so one early choice cannot strand a later spare on its master's
   * Kubernetes node), then merely {@link ReplicaPlacement#allowed} pairs for the spares left over. Among equal
   * choices, the master with fewest replicas, then the first in order.
   */
  private final class ReplicaAssignment {
    private final Map<String, RedisNodeAddress> masters;
    private final Map<String, Integer> replicas;
    private final int perMaster;
    private final Map<Reachable, String> pairs = new LinkedHashMap<>();

    ReplicaAssignment(Map<String, RedisNodeAddress> masters, Map<String, Integer> replicas, int perMaster) {
      this.masters = masters;
      this.replicas = new HashMap<>(replicas);
      this.perMaster = perMaster;
    }

    Map<Reachable, String> assign(List<Reachable> spares) {
      for (Reachable spare : spares) {
        pick(spare, true).ifPresent(id -> pair(spare, id));
      }
      for (Reachable spare : spares) {
        if (!pairs.containsKey(spare)) {
          augment(spare, new HashSet<>());
        }
      }
      for (Reachable spare : spares) {
        if (!pairs.containsKey(spare)) {
          pick(spare, false).ifPresent(id -> pair(spare, id));
        }
      }
      return pairs;
    }

    private Optional<String> pick(Reachable spare, boolean preferredOnly) {
      return masters.keySet().stream()
          .filter(id -> replicas.getOrDefault(id, 0) < perMaster)
          .filter(id -> fits(spare, id, preferredOnly))
          .min(Comparator.comparingInt(id -> replicas.getOrDefault(id, 0)));
    }

    /** Finds a preferred master for {@code spare}, moving spares paired in this round to make room. */
    private boolean augment(Reachable spare, Set<String> visited) {
      for (String id : masters.keySet()) {
        if (!fits(spare, id, true) || !visited.add(id)) {
          continue;
        }
        if (replicas.getOrDefault(id, 0) < perMaster) {
          pair(spare, id);
          return true;
        }
        for (Reachable other : List.copyOf(pairs.keySet())) {
          if (id.equals(pairs.get(other)) && augment(other, visited)) {
            pair(spare, id);
            return true;
          }
        }
      }
      return false;
    }

    private boolean fits(Reachable spare, String id, boolean preferredOnly) {
      RedisNodeAddress master = masters.get(id);
      return placement.allowed(spare.address(), master)
          && (!preferredOnly || placement.preferred(spare.address(), master));
    }

    private void pair(Reachable spare, String id) {
      String before = pairs.put(spare, id);
      if (before != null) {
        replicas.merge(before, -1, Integer::sum);
      }
      replicas.merge(id, 1, Integer::sum);
    }
  }

  /** What to do about a master that the cluster marks failed while it serves slots. */
  private static ClusterAction failedMaster(
      ClusterNodeEntry e, List<ClusterNodeEntry> view, ClusterObservation observation) {
    String master = "master " + e.endpoint() + " (" + e.id() + ")";
    Optional<Reachable> answering = observation.byId(e.id());
    if (answering.isPresent()) {
      // Back with its data: only the others' view is behind (just after a re-meet, say); Redis clears the flag
      // once they reach it again.
      return new Wait(master + " is marked failed but answers at " + answering.get().address()
          + "; waiting for the cluster to reach it again");
    }
    if (view.stream().anyMatch(x -> x.replica() && !x.failing() && x.masterId().equals(Optional.of(e.id())))) {
      return new Wait(master + " failed; waiting for its replica to take over");
    }
    return new Refuse(master + " failed with " + e.slotCount() + " slots and no replica to take over; bring the"
        + " node back with its data (nodes.conf and AOF) — the operator will not reassign its slots");
  }

  /**
   * Re-meets members that another member lists at an address where they no longer answer: what every pod
   * restarting at once with new IPs leaves behind, since nodes find their peers only at the addresses in
   * nodes.conf and no peer is left at an old one to gossip the new ones. Each pair is met directly (the
   * listing member meets the node at its current address) so that one round fixes every view. Only nodes that
   * list each other are met, so a node of another cluster never is; an id that answers at two addresses (a
   * copied volume) is refused, and a handshake already under way is waited for.
   */
  private static List<RemeetNode> planRemeets(List<Reachable> members, List<ClusterAction> actions) {
    Map<String, List<Reachable>> byId = members.stream()
        .collect(Collectors.groupingBy(Reachable::nodeId, LinkedHashMap::new, Collectors.toList()));
    byId.forEach((id, same) -> {
      if (same.size() > 1) {
        actions.add(new Refuse("node id " + id + " answers at " + addresses(same) + " (copies of one volume?);"
            + " none of them is met at its address until only one remains"));
      }
    });
    List<RemeetNode> remeets = new ArrayList<>();
    for (Reachable via : members) {
      for (ClusterNodeEntry listed : via.view()) {
        List<Reachable> same = byId.getOrDefault(listed.id(), List.of());
        if (listed.myself() || same.size() != 1) {
          continue;
        }
        Reachable node = same.getFirst();
        if (node.listedHereBy(listed) || !lists(node, via.nodeId())) {
          continue;
        }
        if (via.view().stream().anyMatch(h -> h.handshake() && !h.id().equals(node.nodeId()) && node.listedHereBy(h))) {
          actions.add(new Wait(via.address() + " is completing its handshake with " + node.address()
              + " at its new address"));
          continue;
        }
        remeets.add(new RemeetNode(node.address(), node.nodeId(), listed.ip() + ":" + listed.port(), via.address()));
      }
    }
    return remeets;
  }

  /** Whether {@code r}'s view has a line for {@code id}, whatever its flags (a stale peer may be {@code noaddr}). */
  private static boolean lists(Reachable r, String id) {
    return r.view().stream().anyMatch(e -> e.id().equals(id));
  }

  /** Whether the anchor's view agrees with what the node says about itself: role, master, slot count. */
  private static boolean sameRole(Reachable m, List<ClusterNodeEntry> view) {
    Optional<ClusterNodeEntry> self = m.self();
    Optional<ClusterNodeEntry> seen = view.stream().filter(e -> e.id().equals(m.nodeId())).findFirst();
    if (self.isEmpty() || seen.isEmpty()) {
      return false;
    }
    return self.get().master() == seen.get().master()
        && self.get().masterId().equals(seen.get().masterId())
        && self.get().slotCount() == seen.get().slotCount();
  }

  /** A MEET between the anchor and {@code r} has started but not finished (either side, either direction). */
  private static boolean inHandshake(Reachable r, Reachable anchor) {
    return anchor.view().stream().anyMatch(e -> e.handshake() && e.isAt(r.address()))
        || r.view().stream().anyMatch(e -> e.handshake() && e.isAt(anchor.address()))
        || (r.dbSize() == 0 && r.slotCount() == 0
            && r.view().stream().filter(e -> !e.myself()).allMatch(ClusterNodeEntry::handshake));
  }

  /**
   * A failed node is gone when its address is no longer desired or another node now answers there, and its
   * id answers nowhere (a node that answers at a new address has moved, it is not gone).
   */
  private static boolean isGone(ClusterNodeEntry failed, ClusterObservation observation) {
    if (observation.byId(failed.id()).isPresent()) {
      return false;
    }
    boolean desiredAddress = observation.nodes().stream().anyMatch(n -> failed.isAt(n.address()));
    if (!desiredAddress) {
      return true;
    }
    return observation.reachable().stream()
        .anyMatch(r -> failed.isAt(r.address()) && r.clusterEnabled() && !r.nodeId().equals(failed.id()));
  }

  private static RedisNodeAddress addressOf(ClusterNodeEntry e, ClusterObservation observation) {
    return observation.byId(e.id())
        .map(Reachable::address)
        .orElseGet(() -> RedisNodeAddress.parse(e.endpoint()));
  }

  private static String addresses(List<? extends NodeObservation> nodes) {
    return nodes.stream().map(n -> n.address().toString()).collect(Collectors.joining(", "));
  }
}
