package io.authtier.runtime.config;

import java.time.Duration;
import java.util.Objects;

/**
 * The {@code tokenCache} section: how long validation results are remembered. No entry ever outlives
 * the token's own expiry, whatever the TTLs say (ARCHITECTURE.md, contract 4).
 *
 * @param l1          the in-process cache
 * @param l2          the Redis cache shared by all replicas
 * @param negativeTtl how long a rejection (e.g. {@code active: false}) is cached; at most {@code l1.ttl}
 */
public record TokenCacheConfig(L1 l1, L2 l2, Duration negativeTtl) {

    public TokenCacheConfig {
        Objects.requireNonNull(l1, "l1");
        Objects.requireNonNull(l2, "l2");
        Objects.requireNonNull(negativeTtl, "negativeTtl");
    }

    /**
     * {@code tokenCache.l1}.
     *
     * @param maxEntries at least 1
     * @param ttl        greater than zero
     */
    public record L1(int maxEntries, Duration ttl) {
        public L1 {
            Objects.requireNonNull(ttl, "ttl");
        }
    }

    /**
     * {@code tokenCache.l2}.
     *
     * @param enabled on only with a {@code redis} section; defaults to whether there is one
     * @param ttl     greater than zero
     */
    public record L2(boolean enabled, Duration ttl) {
        public L2 {
            Objects.requireNonNull(ttl, "ttl");
        }
    }
}
