package io.authtier.operator.reconcile;

import io.authtier.operator.redisadmin.ClusterPlanner;
import io.authtier.operator.redisadmin.LettuceRedisAdmin;
import io.authtier.operator.redisadmin.RedisAdmin;
import io.authtier.operator.redisadmin.RedisPassword;
import io.authtier.operator.redisadmin.ReplicaPlacement;
import java.time.Clock;

/**
 * Opens a {@link RedisAdmin} for one reconcile, with the tier's Redis password, whether to speak TLS and
 * where replicas may go; the reconciler closes it. Production talks to Redis with lettuce; tests and
 * {@code demo} give a stand-in.
 */
@FunctionalInterface
public interface RedisAdminFactory {

  RedisAdmin open(RedisPassword password, boolean tls, ReplicaPlacement placement);

  /**
   * Lettuce, with the library's default timeouts. TLS verifies the server against the JVM's default trust
   * store: the CR has no field for a CA of its own.
   */
  static RedisAdminFactory lettuce(Clock clock) {
    return (password, tls, placement) -> new LettuceRedisAdmin(LettuceRedisAdmin.Settings.defaults(),
        tls ? LettuceRedisAdmin.Tls.jvmTrustStore() : LettuceRedisAdmin.Tls.off(), password,
        new ClusterPlanner(placement), clock);
  }
}
