package io.authtier.runtime.token.jwt;

import com.nimbusds.jose.KeySourceException;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.source.JWKSetCacheRefreshEvaluator;
import com.nimbusds.jose.jwk.source.JWKSetSource;
import com.nimbusds.jose.jwk.source.JWKSetUnavailableException;
import com.nimbusds.jose.jwk.source.RateLimitReachedException;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jose.util.ResourceRetriever;
import io.authtier.runtime.metrics.RuntimeMetrics;
import java.io.IOException;
import java.net.URL;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * The bottom of an issuer's JWKS source chain: one HTTP GET of {@code jwks_uri}, counted in
 * {@code authtier_jwks_refreshes_total}, and allowed at most once per {@code refetchInterval} (nimbus's
 * own rate limiter lets two through per interval). Start-up attempts are paced by their own backoff and
 * pass the limit. Above it, nimbus's caching source makes concurrent callers share one fetch.
 */
final class JwksFetcher implements JWKSetSource<SecurityContext> {

    /** What made a fetch happen; the {@code trigger} label. */
    enum Trigger {
        STARTUP("startup"), REQUEST("request"), SCHEDULED("scheduled");

        final String label;

        Trigger(String label) {
            this.label = label;
        }
    }

    /** Set by the caller around key lookups; a fetch on any other thread is a scheduled refresh. */
    static final ThreadLocal<Trigger> TRIGGER = new ThreadLocal<>();

    private final String issuerName;
    private final URL jwksUri;
    private final ResourceRetriever retriever;
    private final Clock clock;
    private final Duration refetchInterval;
    private final RuntimeMetrics metrics;
    private final Consumer<JWKSet> onLoaded;
    private Instant lastAttempt = Instant.MIN;

    JwksFetcher(String issuerName, URL jwksUri, ResourceRetriever retriever, Clock clock, Duration refetchInterval,
                RuntimeMetrics metrics, Consumer<JWKSet> onLoaded) {
        this.issuerName = Objects.requireNonNull(issuerName, "issuerName");
        this.jwksUri = Objects.requireNonNull(jwksUri, "jwksUri");
        this.retriever = Objects.requireNonNull(retriever, "retriever");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.refetchInterval = Objects.requireNonNull(refetchInterval, "refetchInterval");
        this.metrics = Objects.requireNonNull(metrics, "metrics");
        this.onLoaded = Objects.requireNonNull(onLoaded, "onLoaded");
    }

    @Override
    public JWKSet getJWKSet(JWKSetCacheRefreshEvaluator evaluator, long currentTime, SecurityContext context)
            throws KeySourceException {
        Trigger trigger = TRIGGER.get() == null ? Trigger.SCHEDULED : TRIGGER.get();
        synchronized (this) {
            Instant now = clock.instant();
            if (trigger != Trigger.STARTUP && lastAttempt != Instant.MIN && now.isBefore(lastAttempt.plus(refetchInterval))) {
                metrics.jwksRefresh(issuerName, trigger.label, "rate_limited");
                throw new RateLimitReachedException();
            }
            lastAttempt = now;
        }
        try {
            JWKSet set = JWKSet.parse(retriever.retrieveResource(jwksUri).getContent());
            metrics.jwksRefresh(issuerName, trigger.label, "success");
            onLoaded.accept(set);
            return set;
        } catch (IOException | ParseException | RuntimeException e) {
            metrics.jwksRefresh(issuerName, trigger.label, "failure");
            throw new JWKSetUnavailableException("cannot fetch the JWKS of issuer " + issuerName + ": " + e.getClass().getSimpleName(), e);
        }
    }

    @Override
    public void close() {
    }
}
