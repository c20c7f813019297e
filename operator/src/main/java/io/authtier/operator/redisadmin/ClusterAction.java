package io.authtier.operator.redisadmin;

import java.util.List;

/** One step that the planner decided; {@link Refuse} and {@link Wait} are outcomes, not commands. */
public sealed interface ClusterAction {

  /** Whether executing the action changes Redis. */
  default boolean changesRedis() {
    return !(this instanceof Refuse || this instanceof Wait);
  }

  /** Slots one master serves after bootstrap. */
  record SlotAssignment(RedisNodeAddress master, List<SlotRange> slots) {
    public SlotAssignment {
      slots = List.copyOf(slots);
    }
  }

  /**
   * Forms a new cluster out of fresh nodes: each master gets its slots ({@code CLUSTER ADDSLOTSRANGE}) and a
   * distinct config epoch, then the first master meets every other node. Replicas attach in the next rounds
   * through {@link ReplicateMaster}, once gossip has told them about their masters.
   */
  record Bootstrap(List<SlotAssignment> masters, List<RedisNodeAddress> others) implements ClusterAction {
    public Bootstrap {
      masters = List.copyOf(masters);
      others = List.copyOf(others);
    }
  }

  /** {@code CLUSTER MEET} sent to {@code via}, a member, naming the fresh {@code node}. */
  record MeetNode(RedisNodeAddress node, RedisNodeAddress via) implements ClusterAction {}

  /**
   * {@code CLUSTER MEET} sent to {@code via} naming {@code node}, a member that {@code via} already knows by id
   * ({@code nodeId}) but lists at {@code listedAt}, where it no longer answers (every pod restarted with a new
   * IP). Redis completes the handshake with the known id and keeps the new address; the id, its slots and its
   * role stay as they were.
   */
  record RemeetNode(RedisNodeAddress node, String nodeId, String listedAt, RedisNodeAddress via)
      implements ClusterAction {}

  /** {@code CLUSTER REPLICATE masterId} sent to {@code replica}. */
  record ReplicateMaster(RedisNodeAddress replica, String masterId, RedisNodeAddress master) implements ClusterAction {}

  /** {@code CLUSTER FORGET nodeId} sent to every node of {@code on}; {@code lastEndpoint} is for people. */
  record ForgetNode(String nodeId, String lastEndpoint, List<RedisNodeAddress> on) implements ClusterAction {
    public ForgetNode {
      on = List.copyOf(on);
    }
  }

  /**
   * Moves slots with their keys: {@code SETSLOT IMPORTING} on the target, {@code SETSLOT MIGRATING} on the
   * source, {@code MIGRATE} in batches until the slot is empty, then {@code SETSLOT NODE} on target and source.
   */
  record MigrateSlots(
      RedisNodeAddress source, String sourceId, RedisNodeAddress target, String targetId, List<SlotRange> slots)
      implements ClusterAction {
    public MigrateSlots {
      slots = List.copyOf(slots);
    }

    public int slotCount() {
      return SlotRange.count(slots);
    }
  }

  /** The planner will not act on part of the cluster; the reason names the node and what to do. */
  record Refuse(String reason) implements ClusterAction {}

  /** Nothing safe to do yet (a node unreachable, gossip or failover still running); plan again later. */
  record Wait(String reason) implements ClusterAction {}
}
