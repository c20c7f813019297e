package io.authtier.operator.redisadmin;

/** The shape asked for in {@code spec.redis.cluster}. */
public record DesiredCluster(int masters, int replicasPerMaster) {

  public DesiredCluster {
    if (masters < 3) {
      throw new IllegalArgumentException("redis.cluster.masters must be at least 3, got " + masters);
    }
    if (replicasPerMaster < 0) {
      throw new IllegalArgumentException("redis.cluster.replicasPerMaster must be 0 or more, got " + replicasPerMaster);
    }
  }

  /** Nodes needed: every master and its replicas. */
  public int nodes() {
    return masters * (1 + replicasPerMaster);
  }
}
