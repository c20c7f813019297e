package io.authtier.runtime.cache.caffeine;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.github.benmanes.caffeine.cache.Ticker;
import io.authtier.runtime.cache.CachedDecision;
import io.authtier.runtime.cache.DecisionCache;
import io.authtier.runtime.config.TokenCacheConfig;
import io.authtier.runtime.introspection.IntrospectionMetrics;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * L1: a bounded in-process cache ({@code tokenCache.l1.maxEntries}) whose entries each expire after
 * min({@code tokenCache.l1.ttl}, until − now), via Caffeine's {@link Expiry}. Lookups complete at once.
 */
public final class CaffeineDecisionCache implements DecisionCache {

    private static final CompletableFuture<Void> DONE = CompletableFuture.completedFuture(null);
    private static final CompletableFuture<Optional<CachedDecision>> MISS = CompletableFuture.completedFuture(Optional.empty());

    private final Cache<String, CachedDecision> cache;
    private final Duration ttl;
    private final Clock clock;
    private final IntrospectionMetrics metrics;

    /**
     * @param l1     size bound and TTL
     * @param ticker Caffeine's time source for expiry; a fake in tests
     * @param clock  wall-clock time to compare with {@link CachedDecision#until()}; the same fake in tests
     */
    public CaffeineDecisionCache(TokenCacheConfig.L1 l1, Ticker ticker, Clock clock, IntrospectionMetrics metrics) {
        this.ttl = l1.ttl();
        this.clock = Objects.requireNonNull(clock, "clock");
        this.metrics = Objects.requireNonNull(metrics, "metrics");
        this.cache = Caffeine.newBuilder()
                .maximumSize(l1.maxEntries())
                .ticker(ticker)
                .executor(Runnable::run)
                .expireAfter(Expiry.<String, CachedDecision>writing((key, decision) -> lifetime(decision)))
                .build();
    }

    @Override
    public CompletionStage<Optional<CachedDecision>> get(String key) {
        CachedDecision decision = cache.getIfPresent(key);
        if (decision != null && decision.until().isAfter(clock.instant())) {
            metrics.cacheRequest("l1", true);
            return CompletableFuture.completedFuture(Optional.of(decision));
        }
        metrics.cacheRequest("l1", false);
        return MISS;
    }

    @Override
    public Optional<CachedDecision> peek(String key) {
        CachedDecision decision = cache.getIfPresent(key);
        return decision != null && decision.until().isAfter(clock.instant()) ? Optional.of(decision) : Optional.empty();
    }

    @Override
    public CompletionStage<Void> put(String key, CachedDecision decision) {
        if (lifetime(decision).isPositive()) {
            cache.put(key, decision);
        }
        return DONE;
    }

    /** Entries currently held, for tests and diagnostics. */
    public long size() {
        cache.cleanUp();
        return cache.estimatedSize();
    }

    private Duration lifetime(CachedDecision decision) {
        Duration left = DecisionCache.ttl(ttl, decision.until(), clock.instant());
        return left.isNegative() ? Duration.ZERO : left;
    }
}
