package io.authtier.runtime.cache.redis;

import io.authtier.runtime.cache.CachedDecision;
import io.authtier.runtime.cache.DecisionCache;
import io.authtier.runtime.introspection.IntrospectionMetrics;
import io.authtier.runtime.redis.RedisConnection;
import io.authtier.runtime.redis.RedisConnector;
import io.authtier.runtime.resilience.Failures;
import io.authtier.runtime.resilience.RateLimitedLog;
import io.lettuce.core.SetArgs;
import java.time.Clock;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;
import org.slf4j.LoggerFactory;

/**
 * L2: decisions in Redis, shared by all replicas, each value sealed ({@link ValueSeal}: Redis alone neither
 * reads a cached identity nor plants one). {@code GET}, and {@code SET key value PX ttl} with
 * ttl = min({@code tokenCache.l2.ttl}, until − now), so every key expires. Redis errors (down, slow,
 * failing over) never fail a request: a failed GET is a miss, a failed SET is skipped, and both are
 * logged at most every 30 s. Command latency is measured for every Redis client alike, in
 * {@link io.authtier.runtime.redis.RedisMetrics}.
 */
public final class RedisDecisionCache implements DecisionCache {

    /** Every key of this cache starts with this. */
    public static final String KEY_PREFIX = "authtier:token:";

    private final Supplier<Optional<RedisConnection>> redis;
    private final AutoCloseable owned;
    private final Duration ttl;
    private final Clock clock;
    private final IntrospectionMetrics metrics;
    private final DecisionCodec codec = new DecisionCodec();
    private final ValueSeal seal;
    private final RateLimitedLog log;

    /**
     * @param redis          an open connection
     * @param ownsConnection whether {@link #close()} closes {@code redis}
     * @param sealSecrets    what every replica has and Redis does not (see {@link ValueSeal}); not empty
     */
    public RedisDecisionCache(RedisConnection redis, boolean ownsConnection, Duration ttl, Clock clock,
            IntrospectionMetrics metrics, List<String> sealSecrets) {
        this(() -> Optional.of(redis), ownsConnection ? redis : () -> { }, ttl, clock, metrics, sealSecrets);
    }

    /** Over a connection that may be made later; until then every GET is a miss and every SET skipped. Owns it. */
    public RedisDecisionCache(RedisConnector connector, Duration ttl, Clock clock, IntrospectionMetrics metrics,
            List<String> sealSecrets) {
        this(connector::current, connector, ttl, clock, metrics, sealSecrets);
    }

    private RedisDecisionCache(Supplier<Optional<RedisConnection>> redis, AutoCloseable owned, Duration ttl, Clock clock,
            IntrospectionMetrics metrics, List<String> sealSecrets) {
        this.seal = new ValueSeal(sealSecrets, new SecureRandom());
        this.redis = redis;
        this.owned = owned;
        this.ttl = Objects.requireNonNull(ttl, "ttl");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.metrics = Objects.requireNonNull(metrics, "metrics");
        this.log = new RateLimitedLog(LoggerFactory.getLogger(RedisDecisionCache.class), clock, Duration.ofSeconds(30));
    }

    @Override
    public CompletionStage<Optional<CachedDecision>> get(String key) {
        CompletionStage<byte[]> reply;
        try {
            Optional<RedisConnection> connection = redis.get();
            if (connection.isEmpty()) {
                metrics.cacheRequest("l2", false);
                return CompletableFuture.completedFuture(Optional.empty());
            }
            reply = connection.get().strings().get(KEY_PREFIX + key);
        } catch (RuntimeException e) {
            reply = CompletableFuture.failedFuture(e);
        }
        return reply.handle((bytes, error) -> {
            if (error != null) {
                log.warn("L2 token cache: Redis GET failed, answering without L2: {}", describe(error));
                metrics.cacheRequest("l2", false);
                return Optional.empty();
            }
            // A value this cache did not seal (written into Redis by anyone else) is a miss.
            Optional<CachedDecision> decision = bytes == null ? Optional.empty()
                    : seal.open(KEY_PREFIX + key, bytes).flatMap(codec::decode).filter(d -> d.until().isAfter(clock.instant()));
            metrics.cacheRequest("l2", decision.isPresent());
            return decision;
        });
    }

    @Override
    public CompletionStage<Void> put(String key, CachedDecision decision) {
        Duration left = DecisionCache.ttl(ttl, decision.until(), clock.instant());
        long millis = left.toMillis();
        if (millis <= 0) {
            return CompletableFuture.completedFuture(null);
        }
        CompletionStage<String> reply;
        try {
            // The value carries the entry's own deadline, so an L1 copy of it never outlives the L2 entry.
            CachedDecision stored = decision.cappedAt(clock.instant().plusMillis(millis));
            Optional<RedisConnection> connection = redis.get();
            if (connection.isEmpty()) {
                return CompletableFuture.completedFuture(null);
            }
            reply = connection.get().strings().set(KEY_PREFIX + key, seal.seal(KEY_PREFIX + key, codec.encode(stored)),
                    SetArgs.Builder.px(millis));
        } catch (RuntimeException e) {
            reply = CompletableFuture.failedFuture(e);
        }
        return reply.handle((ok, error) -> {
            if (error != null) {
                log.warn("L2 token cache: Redis SET failed, entry kept in L1 only: {}", describe(error));
            }
            return null;
        });
    }

    @Override
    public void close() {
        try {
            owned.close();
        } catch (Exception e) {
            throw new IllegalStateException("closing the L2 token cache failed: " + e.getClass().getSimpleName(), e);
        }
    }

    /** The exception's class and message; lettuce's messages name hosts and commands, never values. */
    private static String describe(Throwable error) {
        Throwable cause = Failures.unwrap(error);
        return cause.getClass().getSimpleName() + ": " + cause.getMessage();
    }
}
