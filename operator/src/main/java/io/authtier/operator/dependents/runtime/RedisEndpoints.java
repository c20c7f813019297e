package io.authtier.operator.dependents.runtime;

import io.authtier.operator.api.v1alpha1.AuthTier;
import io.authtier.operator.api.v1alpha1.RedisMode;
import io.authtier.operator.reconcile.Names;
import java.util.List;
import java.util.stream.IntStream;

/** Where the Redis of a tier listens, as the runtime and the operator's Redis administration address it. */
public final class RedisEndpoints {
  private RedisEndpoints() {}

  /**
   * host:port of the Redis: the client Service for Standalone, every node's stable name for Cluster
   * (ordinal order), the spec's endpoints for External; empty without a redis section.
   */
  public static List<String> of(AuthTier tier) {
    var redis = tier.getSpec().redis();
    if (redis == null) {
      return List.of();
    }
    return switch (redis.mode()) {
      case External -> redis.external() == null ? List.of() : redis.external().endpoints();
      case Standalone -> List.of(Names.redisServiceEndpoint(tier));
      case Cluster -> IntStream.range(0, nodes(tier)).mapToObj(i -> Names.redisNode(tier, i)).toList();
    };
  }

  /** Pods of the operator-run Redis: one, or every master and its replicas. */
  public static int nodes(AuthTier tier) {
    var redis = tier.getSpec().redis();
    if (redis.mode() == RedisMode.Cluster) {
      return redis.cluster().masters() * (1 + redis.cluster().replicasPerMaster());
    }
    return 1;
  }
}
