package io.authtier.runtime.cache;

import io.authtier.runtime.cache.redis.RedisDecisionCache;
import io.authtier.runtime.config.RedisTopology;
import io.authtier.runtime.introspection.IntrospectionMetrics;
import io.authtier.runtime.redis.RedisConnection;
import io.authtier.runtime.redis.RedisConnections;
import io.authtier.runtime.redis.RedisServers;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.io.TempDir;

@DisplayName("DecisionCache contract: Redis Cluster of 3 masters (L2)")
class RedisClusterDecisionCacheTest extends DecisionCacheContract {

    @TempDir
    static Path dir;
    static List<RedisServers.Server> nodes;
    static RedisConnection connection;

    @BeforeAll
    static void startCluster() {
        nodes = RedisServers.cluster(dir);
        // One seed is enough: lettuce discovers the others.
        connection = RedisConnections.open(RedisServers.config(RedisTopology.Cluster, nodes.subList(0, 1)), Duration.ofSeconds(2));
    }

    @AfterAll
    static void stopCluster() {
        if (connection != null) {
            connection.close();
        }
        if (nodes != null) {
            nodes.forEach(RedisServers.Server::stop);
        }
    }

    @Override
    protected DecisionCache newCache(FakeTime time, IntrospectionMetrics metrics) {
        return new RedisDecisionCache(connection, false, TTL, time, metrics, SEAL_SECRETS);
    }
}
