package io.authtier.operator.redisadmin;

/**
 * Whether a node may replicate a master. The planner never makes a node a replica of itself; this hook lets
 * the operator add its anti-affinity (a master and its replica on different Kubernetes nodes).
 */
@FunctionalInterface
public interface ReplicaPlacement {

  boolean allowed(RedisNodeAddress replica, RedisNodeAddress master);

  /** Any other node will do (local processes, tests). */
  static ReplicaPlacement anyOtherNode() {
    return (replica, master) -> !replica.equals(master);
  }
}
