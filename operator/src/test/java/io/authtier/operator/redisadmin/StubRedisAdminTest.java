package io.authtier.operator.redisadmin;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("StubRedisAdmin, the operator tests' stand-in")
class StubRedisAdminTest {

  @Test
  @DisplayName("reports unreachable nodes, waits, and executes nothing")
  void unreachable() {
    // Given a stub whose nodes do not answer
    try (StubRedisAdmin admin = StubRedisAdmin.allUnreachable()) {
      List<RedisNodeAddress> nodes = List.of(RedisNodeAddress.parse("redis-0.redis:6379"),
          RedisNodeAddress.parse("redis-1.redis:6379"), RedisNodeAddress.parse("redis-2.redis:6379"));

      // When the operator runs a round
      RedisAdmin.Round round = admin.reconcile(nodes, new DesiredCluster(3, 0));

      // Then status can say why it is not ready, and nothing was sent to Redis
      assertThat(round.observation().health().unreachable()).containsExactly(
          "redis-0.redis:6379", "redis-1.redis:6379", "redis-2.redis:6379");
      assertThat(round.observation().health().ready(new DesiredCluster(3, 0))).isFalse();
      assertThat(round.actions()).singleElement().isInstanceOf(ClusterAction.Wait.class);
      assertThat(admin.executed()).isEmpty();
    }
  }
}
