package io.authtier.operator.redisadmin;

/**
 * Where a node may replicate a master. The planner never makes a node a replica of itself; this hook lets
 * the operator add its anti-affinity (a master and its replica on different Kubernetes nodes).
 */
@FunctionalInterface
public interface ReplicaPlacement {

  /** A hard rule: the planner never pairs what this refuses. */
  boolean allowed(RedisNodeAddress replica, RedisNodeAddress master);

  /**
   * Whether the pair is a good one (survives the loss of one Kubernetes node). The planner pairs preferred
   * pairs wherever it can and falls back to pairs that are only {@link #allowed} for the replicas left over.
   */
  default boolean preferred(RedisNodeAddress replica, RedisNodeAddress master) {
    return true;
  }

  /** Any other node will do (local processes, tests). */
  static ReplicaPlacement anyOtherNode() {
    return (replica, master) -> !replica.equals(master);
  }
}
