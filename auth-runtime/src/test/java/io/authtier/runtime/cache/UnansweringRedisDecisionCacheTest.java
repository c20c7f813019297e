package io.authtier.runtime.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.authtier.runtime.cache.redis.RedisDecisionCache;
import io.authtier.runtime.config.HostAndPort;
import io.authtier.runtime.config.RedisConfig;
import io.authtier.runtime.config.RedisTopology;
import io.authtier.runtime.introspection.IntrospectedToken;
import io.authtier.runtime.introspection.IntrospectionMetrics;
import io.authtier.runtime.redis.RedisConnector;
import io.authtier.runtime.redis.RedisMetrics;
import io.authtier.runtime.redis.RedisServers;
import io.authtier.runtime.testsupport.TcpProxy;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The L2 token cache behind a Redis link that swallows every byte for a while: misses meanwhile, hits again soon after. */
@DisplayName("L2 token cache: a Redis link that accepts and never answers, then heals")
class UnansweringRedisDecisionCacheTest {

    @TempDir
    Path dir;
    RedisServers.Server server;
    TcpProxy proxy;

    @AfterEach
    void stop() {
        if (proxy != null) {
            proxy.close();
        }
        if (server != null) {
            server.stop();
        }
    }

    @Test
    @DisplayName("Entries are misses while the link is a blackhole and found again within seconds once it passes bytes")
    void recovers() {
        server = RedisServers.standalone(dir);
        proxy = new TcpProxy(server.port());
        FakeTime time = new FakeTime();
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        RedisConfig config = new RedisConfig(RedisTopology.Standalone, List.of(new HostAndPort("127.0.0.1", proxy.port())),
                Optional.empty(), false);
        try (DecisionCache cache = new RedisDecisionCache(RedisConnector.of(config, DecisionCaches.REDIS_COMMAND_TIMEOUT,
                new RedisMetrics(registry, RedisMetrics.TOKEN_CACHE)), Duration.ofMinutes(5), time,
                new IntrospectionMetrics(registry), List.of("main\0Basic YXV0aHRpZXI6czNjcjN0"))) {
            String key = "main:" + UUID.randomUUID();
            await().atMost(Duration.ofSeconds(10)).until(() -> {
                cache.put(key, active(time)).toCompletableFuture().join();
                return cache.get(key).toCompletableFuture().join().isPresent();
            });

            // When the link swallows every byte, with lookups meanwhile: misses, never a failure
            proxy.blackhole(true);
            for (int i = 0; i < 10; i++) {
                assertThat(cache.get(key).toCompletableFuture().join()).isEmpty();
            }

            // Then, once it passes bytes again, the entry is found again within seconds
            proxy.blackhole(false);
            await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100))
                    .until(() -> cache.get(key).toCompletableFuture().join().isPresent());
        }
    }

    private static CachedDecision active(FakeTime time) {
        Instant exp = time.instant().plus(Duration.ofMinutes(2));
        IntrospectedToken token = IntrospectedToken.fromClaims("main", "https://idp.example/realms/shop", Map.of(
                "active", true, "sub", "u-1", "exp", exp.getEpochSecond()), null);
        return new CachedDecision.Active(token, token.expiresAt().orElseThrow());
    }
}
