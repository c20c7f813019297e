package io.authtier.runtime.cache;

import static org.assertj.core.api.Assertions.assertThat;

import io.authtier.runtime.cache.caffeine.CaffeineDecisionCache;
import io.authtier.runtime.cache.redis.RedisDecisionCache;
import io.authtier.runtime.config.RedisTopology;
import io.authtier.runtime.config.TokenCacheConfig;
import io.authtier.runtime.introspection.IntrospectionMetrics;
import io.authtier.runtime.redis.RedisConnection;
import io.authtier.runtime.redis.RedisConnections;
import io.authtier.runtime.redis.RedisServers;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@DisplayName("DecisionCache contract: two-tier (Caffeine L1 over Redis L2)")
class TwoTierCacheTest extends DecisionCacheContract {

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
        return new TwoTierCache(new CaffeineDecisionCache(new TokenCacheConfig.L1(1000, TTL), time, time, metrics),
                new RedisDecisionCache(connection, false, TTL, time, metrics, SEAL_SECRETS));
    }

    @Test
    @DisplayName("An L2 hit fills L1, for no longer than the L2 entry has left")
    void l2HitFillsL1() {
        MeterRegistry registry = new SimpleMeterRegistry();
        IntrospectionMetrics counted = new IntrospectionMetrics(registry);
        String key = newKey();
        // Given: another replica stored the answer 4 minutes ago (L2 only)
        new RedisDecisionCache(connection, false, TTL, time, counted, SEAL_SECRETS).put(key, active(Duration.ofHours(1)))
                .toCompletableFuture().join();
        time.advance(Duration.ofMinutes(4));
        CaffeineDecisionCache l1 = new CaffeineDecisionCache(new TokenCacheConfig.L1(1000, TTL), time, time, counted);
        TwoTierCache twoTier = new TwoTierCache(l1, new RedisDecisionCache(connection, false, TTL, time, counted, SEAL_SECRETS));

        // When: this replica looks twice
        assertThat(twoTier.get(key).toCompletableFuture().join()).isPresent();
        assertThat(twoTier.get(key).toCompletableFuture().join()).isPresent();

        // Then: one L2 hit, then an L1 hit; the L1 copy ends with the L2 entry, one minute later
        assertThat(registry.counter(IntrospectionMetrics.CACHE_REQUESTS, "tier", "l2", "result", "hit").count()).isEqualTo(1);
        assertThat(registry.counter(IntrospectionMetrics.CACHE_REQUESTS, "tier", "l1", "result", "hit").count()).isEqualTo(1);
        time.advance(Duration.ofMinutes(1));
        assertThat(l1.get(key).toCompletableFuture().join()).isEmpty();
    }
}
