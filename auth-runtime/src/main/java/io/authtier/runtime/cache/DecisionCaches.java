package io.authtier.runtime.cache;

import com.github.benmanes.caffeine.cache.Ticker;
import io.authtier.runtime.cache.caffeine.CaffeineDecisionCache;
import io.authtier.runtime.cache.redis.RedisDecisionCache;
import io.authtier.runtime.config.RedisConfig;
import io.authtier.runtime.config.TokenCacheConfig;
import io.authtier.runtime.introspection.IntrospectionMetrics;
import io.authtier.runtime.redis.RedisConnector;
import io.authtier.runtime.redis.RedisMetrics;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** Builds the token cache the configuration asks for: the one switch between L1 alone and L1 + L2. */
public final class DecisionCaches {

    /** Per Redis command; a slower Redis is treated as down (a miss) rather than delaying requests. */
    public static final Duration REDIS_COMMAND_TIMEOUT = Duration.ofMillis(250);

    private DecisionCaches() {
    }

    /**
     * L1 alone, or {@link TwoTierCache} of L1 and a Redis L2 when {@code tokenCache.l2.enabled} and a
     * {@code redis} section is present. If Redis cannot be reached now, the cache starts without L2 and
     * connects in the background (see {@link RedisConnector}).
     *
     * @param redisCommandTimeout per Redis command, normally {@link #REDIS_COMMAND_TIMEOUT}
     * @param sealSecrets         what seals L2 values: each introspecting issuer's name and client credentials
     */
    public static DecisionCache create(TokenCacheConfig config, Optional<RedisConfig> redis, Duration redisCommandTimeout,
            Ticker ticker, Clock clock, IntrospectionMetrics metrics, List<String> sealSecrets) {
        DecisionCache l1 = new CaffeineDecisionCache(config.l1(), ticker, clock, metrics);
        metrics.cacheTier("l1");
        if (config.l2().enabled() && redis.isPresent()) {
            metrics.cacheTier("l2");
            DecisionCache l2 = new RedisDecisionCache(RedisConnector.of(redis.get(), redisCommandTimeout,
                    new RedisMetrics(metrics.registry(), RedisMetrics.TOKEN_CACHE)), config.l2().ttl(), clock, metrics, sealSecrets);
            return new TwoTierCache(l1, l2);
        }
        return l1;
    }
}
