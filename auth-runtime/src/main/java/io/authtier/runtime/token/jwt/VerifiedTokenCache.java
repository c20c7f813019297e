package io.authtier.runtime.token.jwt;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.github.benmanes.caffeine.cache.Ticker;
import io.authtier.runtime.token.Principal;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * Tokens whose signature and claims were checked, so that a token seen again costs a hash and a lookup
 * (the L1 tier). Keyed by SHA-512/256 of the token ({@link TokenKey}); bounded by {@code tokenCache.l1.maxEntries}; an entry
 * lives at most {@code tokenCache.l1.ttl} and never past the token's {@code exp}. Only accepted tokens
 * are kept.
 */
final class VerifiedTokenCache {

    /** What is remembered: the principal and the configured name of its issuer (for metrics). */
    record Entry(Principal principal, String issuerName) {
        Entry {
            Objects.requireNonNull(principal, "principal");
            Objects.requireNonNull(issuerName, "issuerName");
        }
    }

    private final Cache<TokenKey, Entry> cache;
    private final Clock clock;

    VerifiedTokenCache(int maxEntries, Duration ttl, Clock clock) {
        this.clock = Objects.requireNonNull(clock, "clock");
        Ticker ticker = () -> TimeUnit.MILLISECONDS.toNanos(clock.millis());
        this.cache = Caffeine.newBuilder()
                .maximumSize(maxEntries)
                .ticker(ticker)
                .executor(Runnable::run) // upkeep on the caller, amortised: no wake-up of a pool thread per write
                .expireAfter(Expiry.<TokenKey, Entry>creating((key, entry) -> lifetime(ttl, entry)))
                .build();
    }

    /** min(ttl, exp − now), compared as durations: an exp centuries ahead must not overflow a count of nanoseconds. */
    private Duration lifetime(Duration ttl, Entry entry) {
        Duration left = Duration.between(clock.instant(), entry.principal().expiresAt());
        return left.isNegative() ? Duration.ZERO : left.compareTo(ttl) < 0 ? left : ttl;
    }

    /** The entry for {@code key}, if present and its token has not expired. */
    Entry get(TokenKey key) {
        Entry entry = cache.getIfPresent(key);
        if (entry == null || !entry.principal().expiresAt().isAfter(clock.instant())) {
            return null;
        }
        return entry;
    }

    void put(TokenKey key, Entry entry) {
        cache.put(key, entry);
    }

    long size() {
        cache.cleanUp();
        return cache.estimatedSize();
    }
}
