package io.authtier.runtime.cache;

import static org.assertj.core.api.Assertions.assertThat;

import io.authtier.runtime.cache.DecisionCache;
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
        return new RedisDecisionCache(connection, false, TTL, time, metrics, SEAL_SECRETS);
    }

    @Test
    @DisplayName("Every key has a TTL of at most min(tier TTL, token expiry), and holds no raw token")
    void everyKeyExpires() {
        String key = newKey();

        put(key, active(Duration.ofSeconds(90)));

        long pttl = Long.parseLong(server.command("PTTL", RedisDecisionCache.KEY_PREFIX + key).substring(1));
        assertThat(pttl).isPositive().isLessThanOrEqualTo(90_000);
        // Sealed: not even the identity is readable in Redis
        assertThat(server.command("GET", RedisDecisionCache.KEY_PREFIX + key)).doesNotContain("active", "alice", "admins", "token\"");
    }

    @Test
    @DisplayName("A value planted in Redis (an identity of the writer's choosing), or sealed with other secrets, is a miss, not a login")
    void plantedValuesAreMisses() {
        String planted = newKey();
        long until = time.instant().plusSeconds(60).toEpochMilli();
        server.command("SET", RedisDecisionCache.KEY_PREFIX + planted, "{\"v\":1,\"until\":" + until
                + ",\"active\":true,\"issuerName\":\"main\",\"issuer\":\"https://idp.example/realms/shop\",\"claims\":{\"sub\":\"root\"}}");
        String elsewhere = newKey();
        try (DecisionCache other = new RedisDecisionCache(connection, false, TTL, time, metrics, List.of("main\0Basic b3RoZXI6c2VjcmV0"))) {
            other.put(elsewhere, active(Duration.ofSeconds(60))).toCompletableFuture().join();
        }

        assertThat(get(planted)).isEmpty();
        assertThat(get(elsewhere)).isEmpty();
        // And a value copied under another key does not open there
        String original = newKey();
        String copy = newKey();
        put(original, active(Duration.ofSeconds(60)));
        server.command("COPY", RedisDecisionCache.KEY_PREFIX + original, RedisDecisionCache.KEY_PREFIX + copy);
        assertThat(get(original)).isPresent();
        assertThat(get(copy)).isEmpty();
    }
}
