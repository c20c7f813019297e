package io.authtier.runtime.token.jwt;

import io.authtier.runtime.metrics.RuntimeMetrics;
import io.authtier.runtime.token.Principal;
import io.authtier.runtime.token.Rejection;
import io.authtier.runtime.token.TokenVerifier;
import io.authtier.runtime.token.Verdict;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Validates JWT access tokens locally against the keys of the configured issuers.
 *
 * <p>In order, cheapest first: the size cap; the verified-token cache (a hit completes at once, on the
 * caller's thread, with no signature check); the token's shape and header ({@link CompactJws}); the
 * exact {@code iss}, which picks the issuer; the issuer's pinned algorithms; the claims
 * ({@link AccessTokenClaims}); and only then, on {@code worker}, the key lookup (which may fetch the
 * JWKS) and the signature. Accepted tokens go into the cache.
 */
public final class JwtVerifier implements TokenVerifier {

    private static final Logger LOG = LoggerFactory.getLogger(JwtVerifier.class);
    /** Tokens that may await a signature check at once, by default. */
    public static final int DEFAULT_MAX_PENDING = 4096;
    private static final String METHOD = Principal.Method.JWT.label();

    private final Map<String, IssuerKeys> issuersByUrl;
    private final VerifiedTokenCache cache;
    private final int maxTokenBytes;
    private final Clock clock;
    private final RuntimeMetrics metrics;
    private final Executor worker;
    private final Semaphore pending;

    /**
     * @param issuers        the issuers' keys; a token's {@code iss} must equal one {@code issuerUrl} exactly
     * @param cacheEntries   {@code tokenCache.l1.maxEntries}
     * @param cacheTtl       {@code tokenCache.l1.ttl}; entries also end at the token's {@code exp}
     * @param maxTokenBytes  {@code server.maxTokenBytes}
     * @param worker         where key lookups and signature checks run (they may block on a JWKS fetch)
     * @param maxPending     how many tokens may await their signature check at once; beyond that a
     *                       first-seen token gets {@link Verdict.Undecidable} (503) at once, so a flood of
     *                       forged tokens cannot queue without bound ({@link #DEFAULT_MAX_PENDING})
     */
    public JwtVerifier(List<IssuerKeys> issuers, int cacheEntries, java.time.Duration cacheTtl, int maxTokenBytes,
                       Clock clock, RuntimeMetrics metrics, Executor worker, int maxPending) {
        this.issuersByUrl = issuers.stream().collect(Collectors.toUnmodifiableMap(
                keys -> keys.issuer().issuerUrl().toString(), Function.identity()));
        this.clock = Objects.requireNonNull(clock, "clock");
        this.cache = new VerifiedTokenCache(cacheEntries, cacheTtl, clock);
        this.maxTokenBytes = maxTokenBytes;
        this.metrics = Objects.requireNonNull(metrics, "metrics");
        this.worker = Objects.requireNonNull(worker, "worker");
        this.pending = new Semaphore(maxPending);
    }

    @Override
    public CompletionStage<Verdict> verify(String token) {
        if (token.length() > maxTokenBytes) {
            return done(reject(RuntimeMetrics.UNKNOWN_ISSUER, Rejection.TOO_LARGE));
        }
        TokenKey key = TokenKey.of(token);
        VerifiedTokenCache.Entry cached = cache.get(key);
        metrics.cacheRequest("l1", cached != null);
        if (cached != null) {
            metrics.tokenValidation(cached.issuerName(), METHOD, "accepted");
            return done(new Verdict.Accepted(cached.principal()));
        }
        return switch (CompactJws.read(token)) {
            case CompactJws.Invalid(Rejection rejection) -> done(reject(RuntimeMetrics.UNKNOWN_ISSUER, rejection));
            case CompactJws.Valid(CompactJws jws) -> checkClaims(key, jws);
        };
    }

    private CompletionStage<Verdict> checkClaims(TokenKey key, CompactJws jws) {
        IssuerKeys issuer = jws.claims().get("iss") instanceof String iss ? issuersByUrl.get(iss) : null;
        if (issuer == null) {
            return done(reject(RuntimeMetrics.UNKNOWN_ISSUER, Rejection.UNKNOWN_ISSUER));
        }
        String name = issuer.issuer().name();
        if (!SignatureCheck.algorithmAllowed(jws, issuer)) {
            return done(reject(name, Rejection.ALGORITHM_NOT_ALLOWED));
        }
        return switch (AccessTokenClaims.check(jws.claims(), issuer.issuer(), clock.instant())) {
            case AccessTokenClaims.Invalid(Rejection rejection) -> done(reject(name, rejection));
            case AccessTokenClaims.Valid(Principal principal) -> {
                if (!pending.tryAcquire()) {
                    yield done(undecidable(name, "too many tokens awaiting a signature check"));
                }
                try {
                    yield CompletableFuture.supplyAsync(() -> {
                        try {
                            return checkSignature(key, jws, issuer, principal);
                        } finally {
                            pending.release();
                        }
                    }, worker);
                } catch (RejectedExecutionException e) {
                    pending.release();
                    yield done(undecidable(name, "shutting down"));
                }
            }
        };
    }

    /** Runs on the worker: may block while the issuer's JWKS is fetched. */
    private Verdict checkSignature(TokenKey key, CompactJws jws, IssuerKeys issuer, Principal principal) {
        String name = issuer.issuer().name();
        return switch (SignatureCheck.verify(jws, issuer)) {
            case SignatureCheck.Verified verified -> {
                cache.put(key, new VerifiedTokenCache.Entry(principal, name));
                metrics.tokenValidation(name, METHOD, "accepted");
                yield new Verdict.Accepted(principal);
            }
            case SignatureCheck.Refused(Rejection rejection) -> reject(name, rejection);
            case SignatureCheck.Unavailable(String reason) -> undecidable(name, reason);
        };
    }

    private Verdict reject(String issuerName, Rejection rejection) {
        metrics.tokenValidation(issuerName, METHOD, rejection.code());
        LOG.debug("token rejected: issuer={} reason={}", issuerName, rejection.code());
        return new Verdict.Rejected(rejection);
    }

    private Verdict undecidable(String issuerName, String reason) {
        metrics.tokenValidation(issuerName, METHOD, "undecidable");
        LOG.debug("cannot decide on a token: {}", reason); // the keys loader warns once per attempt instead
        return new Verdict.Undecidable(reason);
    }

    private static CompletionStage<Verdict> done(Verdict verdict) {
        return CompletableFuture.completedFuture(verdict);
    }

    /** Entries in the verified-token cache (for tests and diagnostics). */
    long cachedTokens() {
        return cache.size();
    }
}
