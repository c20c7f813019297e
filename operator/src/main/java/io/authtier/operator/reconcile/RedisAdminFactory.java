package io.authtier.operator.reconcile;

import io.authtier.operator.redisadmin.ClusterPlanner;
import io.authtier.operator.redisadmin.LettuceRedisAdmin;
import io.authtier.operator.redisadmin.RedisAdmin;
import io.authtier.operator.redisadmin.RedisPassword;
import io.authtier.operator.redisadmin.ReplicaPlacement;
import java.time.Clock;

/**
 * Opens a {@link RedisAdmin} for one reconcile, with the tier's Redis password; the reconciler closes it.
 * Production talks to Redis with lettuce; tests and {@code demo} give a stand-in.
 */
@FunctionalInterface
public interface RedisAdminFactory {

  RedisAdmin open(RedisPassword password);

  /** Lettuce, with the library's default timeouts. */
  static RedisAdminFactory lettuce(Clock clock) {
    return password -> new LettuceRedisAdmin(LettuceRedisAdmin.Settings.defaults(), password,
        new ClusterPlanner(ReplicaPlacement.anyOtherNode()), clock);
  }
}
