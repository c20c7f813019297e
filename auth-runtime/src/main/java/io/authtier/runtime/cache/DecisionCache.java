package io.authtier.runtime.cache;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/**
 * A cache of {@link CachedDecision}s, keyed by {@link io.authtier.runtime.introspection.TokenKeys#key}
 * (issuer name + SHA-256 of the token; never the raw token). Implementations: {@code caffeine/} (L1, in
 * process), {@code redis/} (L2, shared) and {@link TwoTierCache}; one contract test suite runs against all.
 *
 * <p>Rules every implementation keeps: an entry lives min(the tier's TTL, {@code until} − now) and is never
 * returned after {@code until}; an answer with {@code until} in the past is not stored; failures of the
 * store (Redis down) are a miss or a skipped write, never a failed stage.
 */
public interface DecisionCache extends AutoCloseable {

    /** The decision cached under {@code key}, if any and still valid. Never completes exceptionally. */
    CompletionStage<Optional<CachedDecision>> get(String key);

    /**
     * The decision under {@code key} if this cache holds it in process memory; no I/O, not counted in
     * the cache metrics. Empty for a cache without a local tier. The validator's single flight uses it to
     * look again, cheaply, just before it calls the IdP.
     */
    default Optional<CachedDecision> peek(String key) {
        return Optional.empty();
    }

    /** Stores {@code decision} under {@code key}. Completes when stored, or when storing was given up. */
    CompletionStage<Void> put(String key, CachedDecision decision);

    @Override
    default void close() {
    }

    /** min({@code tierTtl}, {@code until} − {@code now}); zero or negative means "do not store". */
    static Duration ttl(Duration tierTtl, Instant until, Instant now) {
        Duration left = Duration.between(now, until);
        return left.compareTo(tierTtl) < 0 ? left : tierTtl;
    }
}
