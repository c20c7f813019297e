package io.authtier.runtime.cache;

import static org.assertj.core.api.Assertions.assertThat;

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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@DisplayName("DecisionCache contract: Redis standalone (L2)")
class RedisDecisionCacheTest extends DecisionCacheContract {

    @TempDir
    static Path dir;
    static RedisServers.Server server;
    static RedisConnection connection;

    @BeforeAll
    static void startRedis() {
        server = RedisServers.standalone(dir);
        connection = RedisConnections.open(RedisServers.config(RedisTopology.Standalone, List.of(server)), Duration.ofSeconds(2));
    }

    @AfterAll
    static void stopRedis() {
        if (connection != null) {
            connection.close();
        }
        if (server != null) {
            server.stop();
        }
    }

    @Override
    protected DecisionCache newCache(FakeTime time, IntrospectionMetrics metrics) {
        return new RedisDecisionCache(connection, false, TTL, time, metrics);
    }

    @Test
    @DisplayName("Every key has a TTL of at most min(tier TTL, token expiry), and holds no raw token")
    void everyKeyExpires() {
        String key = newKey();

        put(key, active(Duration.ofSeconds(90)));

        long pttl = Long.parseLong(server.command("PTTL", RedisDecisionCache.KEY_PREFIX + key).substring(1));
        assertThat(pttl).isPositive().isLessThanOrEqualTo(90_000);
        assertThat(server.command("GET", RedisDecisionCache.KEY_PREFIX + key)).contains("\"active\":true").doesNotContain("token\"");
    }
}
