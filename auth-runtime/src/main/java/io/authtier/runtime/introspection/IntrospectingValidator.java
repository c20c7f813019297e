package io.authtier.runtime.introspection;

import io.authtier.runtime.cache.CachedDecision;
import io.authtier.runtime.cache.DecisionCache;
import io.authtier.runtime.config.TokenCacheConfig;
import io.authtier.runtime.resilience.Failures;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The opaque-token path: cache (L1, then L2), else one introspection per token at a time (single flight),
 * whose answer is cached: an active token until min(tier TTL, {@code exp}), an inactive one for
 * {@code tokenCache.negativeTtl}. {@code Unavailable} answers are never cached.
 */
final class IntrospectingValidator implements OpaqueTokenValidator {

    private static final Logger LOG = LoggerFactory.getLogger(IntrospectingValidator.class);

    private final Map<String, IssuerIntrospector> issuers;
    private final DecisionCache cache;
    private final Duration negativeTtl;
    private final Duration maxTtl;
    private final Clock clock;
    private final List<AutoCloseable> resources;
    private final ConcurrentHashMap<String, CompletableFuture<IntrospectionOutcome>> inFlight = new ConcurrentHashMap<>();

    IntrospectingValidator(Map<String, IssuerIntrospector> issuers, DecisionCache cache, TokenCacheConfig config,
            Clock clock, List<AutoCloseable> resources) {
        this.issuers = Map.copyOf(issuers);
        this.cache = Objects.requireNonNull(cache, "cache");
        this.negativeTtl = config.negativeTtl();
        this.maxTtl = config.l1().ttl().compareTo(config.l2().ttl()) > 0 ? config.l1().ttl() : config.l2().ttl();
        this.clock = Objects.requireNonNull(clock, "clock");
        this.resources = List.copyOf(resources);
    }

    @Override
    public CompletionStage<IntrospectionOutcome> validate(String issuerName, String token) {
        IssuerIntrospector issuer = issuerName == null ? null : issuers.get(issuerName);
        if (issuer == null || token == null || token.isEmpty()) {
            // No introspection configured for this issuer: nothing could ever call this token valid.
            return CompletableFuture.completedFuture(IntrospectionOutcome.INACTIVE);
        }
        String key = TokenKeys.key(issuerName, token);
        return cache.get(key).thenCompose(cached -> cached
                .map(decision -> CompletableFuture.completedFuture(fromCache(decision)))
                .orElseGet(() -> singleFlight(key, issuer, token)));
    }

    /** Number of introspections in flight now; for tests and diagnostics. */
    int inFlight() {
        return inFlight.size();
    }

    private IntrospectionOutcome fromCache(CachedDecision decision) {
        return switch (decision) {
            case CachedDecision.Active(IntrospectedToken token, Instant until) ->
                    token.expiresAt().map(exp -> exp.isAfter(clock.instant())).orElse(true)
                            ? new IntrospectionOutcome.Active(token)
                            : IntrospectionOutcome.INACTIVE;
            case CachedDecision.Inactive(Instant until) -> IntrospectionOutcome.INACTIVE;
        };
    }

    /**
     * One IdP call per key at a time. The winner looks in L1 once more before calling ({@code peek}: no
     * Redis round trip, not counted as a lookup): a request that missed the cache just before another
     * flight stored its answer and ended finds it there. The answer is stored in L1 before the flight
     * ends, so no later miss can start a second call.
     */
    private CompletableFuture<IntrospectionOutcome> singleFlight(String key, IssuerIntrospector issuer, String token) {
        CompletableFuture<IntrospectionOutcome> mine = new CompletableFuture<>();
        CompletableFuture<IntrospectionOutcome> theirs = inFlight.putIfAbsent(key, mine);
        if (theirs != null) {
            return theirs.thenApply(outcome -> outcome);
        }
        Optional<CachedDecision> justStored = cache.peek(key);
        CompletionStage<IntrospectionOutcome> answer = justStored.isPresent()
                ? CompletableFuture.completedFuture(fromCache(justStored.get()))
                : issuer.introspect(token).thenCompose(outcome -> store(key, outcome).thenApply(done -> outcome));
        answer
                .whenComplete((outcome, error) -> {
                    inFlight.remove(key, mine);
                    if (error != null) {
                        LOG.error("opaque token validation failed unexpectedly: {}", Failures.unwrap(error).getClass().getName());
                        mine.complete(new IntrospectionOutcome.Unavailable("internal error", Duration.ofSeconds(1)));
                    } else {
                        mine.complete(outcome);
                    }
                });
        return mine.thenApply(outcome -> outcome);
    }

    private CompletionStage<Void> store(String key, IntrospectionOutcome outcome) {
        Instant now = clock.instant();
        Optional<CachedDecision> decision = switch (outcome) {
            case IntrospectionOutcome.Active(IntrospectedToken token) ->
                    Optional.of(new CachedDecision.Active(token, token.expiresAt().orElse(now.plus(maxTtl))));
            case IntrospectionOutcome.Inactive inactive -> Optional.of(new CachedDecision.Inactive(now.plus(negativeTtl)));
            case IntrospectionOutcome.Unavailable unavailable -> Optional.empty();
        };
        return decision.map(d -> cache.put(key, d)).orElse(CompletableFuture.completedFuture(null))
                .exceptionally(error -> null);
    }

    @Override
    public void close() {
        RuntimeException failure = null;
        for (AutoCloseable resource : resources.reversed()) {
            try {
                resource.close();
            } catch (Exception e) {
                if (failure == null) {
                    failure = new IllegalStateException("closing the opaque token validator failed");
                }
                failure.addSuppressed(e);
            }
        }
        if (failure != null) {
            throw failure;
        }
    }
}
