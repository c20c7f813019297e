package io.authtier.runtime.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Every metric the runtime publishes, in one place (ARCHITECTURE.md, contract 5). Names are Micrometer
 * names; the Prometheus names (with units and {@code _total}) are in the constants' comments. Label values
 * are bounded: issuer names from the configuration, fixed result codes, fixed endpoints. No token, cookie
 * or secret is ever a label.
 *
 * <p>Meters are created once per label combination and kept, so the hot path does a map lookup at most.
 */
public final class RuntimeMetrics {

    /** {@code authtier_token_validations_total{issuer,method,result}}. */
    public static final String TOKEN_VALIDATIONS = "authtier.token.validations";
    /** {@code authtier_cache_requests_total{tier,result}}; result is {@code hit} or {@code miss}. */
    public static final String CACHE_REQUESTS = "authtier.cache.requests";
    /** {@code authtier_jwks_refreshes_total{issuer,trigger,result}}. */
    public static final String JWKS_REFRESHES = "authtier.jwks.refreshes";
    /** {@code authtier_http_request_duration_seconds{endpoint}} (histogram). */
    public static final String HTTP_REQUEST_DURATION = "authtier.http.request.duration";
    /** {@code authtier_http_requests_in_flight}: the operator's HPA scales on this name. */
    public static final String HTTP_REQUESTS_IN_FLIGHT = "authtier.http.requests.in.flight";

    /** {@code authtier_http_request_read_timeouts_total}: connections closed because a request arrived too slowly. */
    public static final String HTTP_REQUEST_READ_TIMEOUTS = "authtier.http.request.read.timeouts";

    /** The {@code issuer} label when no configured issuer could be told from the token. */
    public static final String UNKNOWN_ISSUER = "unknown";

    private static final List<String> JWKS_TRIGGERS = List.of("startup", "request", "scheduled");
    private static final List<String> JWKS_RESULTS = List.of("success", "failure", "rate_limited");

    // The operator refuses an alert threshold at or above the largest bucket (MonitoringSpec.Alerts): keep them in step.
    private static final Duration[] DURATION_BUCKETS = {
            Duration.ofNanos(100_000), Duration.ofNanos(250_000), Duration.ofNanos(500_000),
            Duration.ofMillis(1), Duration.ofMillis(2), Duration.ofMillis(5), Duration.ofMillis(10),
            Duration.ofMillis(25), Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(250),
            Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofMillis(2500), Duration.ofSeconds(5)};

    private final MeterRegistry registry;
    /** Striped, not one atomic: every request changes it twice, from every event loop. */
    private final LongAdder inFlight = new LongAdder();
    private final Map<ValidationKey, Counter> validations = new ConcurrentHashMap<>();
    private final Map<CacheKey, Counter> cacheRequests = new ConcurrentHashMap<>();
    private final Map<RefreshKey, Counter> refreshes = new ConcurrentHashMap<>();
    private final Map<DurationKey, Timer> durations = new ConcurrentHashMap<>();

    public RuntimeMetrics(MeterRegistry registry) {
        this.registry = Objects.requireNonNull(registry, "registry");
        Gauge.builder(HTTP_REQUESTS_IN_FLIGHT, inFlight, LongAdder::sum)
                .description("HTTP requests being answered now; the queue length the HPA scales on")
                .register(registry);
        cacheCounter("l1", true);
        cacheCounter("l1", false);
    }

    /**
     * Publishes {@code issuer}'s counters at 0, so that alert expressions have series from the start: its
     * validations by {@code jwt} (and {@code introspection} if {@code introspects}) with the results
     * {@code accepted} and {@code undecidable} (and {@code inactive}), and its JWKS fetches for every trigger and
     * result. Rejection codes appear with their first token.
     */
    public void issuer(String issuer, boolean introspects) {
        for (String result : List.of("accepted", "undecidable")) {
            validationCounter(issuer, "jwt", result);
        }
        if (introspects) {
            for (String result : List.of("accepted", "inactive", "undecidable")) {
                validationCounter(issuer, "introspection", result);
            }
        }
        for (String trigger : JWKS_TRIGGERS) {
            for (String result : JWKS_RESULTS) {
                refreshCounter(issuer, trigger, result);
            }
        }
    }

    /** A registry for {@code /metrics}. */
    public static PrometheusMeterRegistry prometheusRegistry() {
        return new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    }

    public MeterRegistry registry() {
        return registry;
    }

    /** Counts one token validation; {@code result} is {@code accepted}, a rejection code or {@code undecidable}. */
    public void tokenValidation(String issuer, String method, String result) {
        validationCounter(issuer, method, result).increment();
    }

    private Counter validationCounter(String issuer, String method, String result) {
        return validations.computeIfAbsent(new ValidationKey(issuer, method, result), key -> Counter.builder(TOKEN_VALIDATIONS)
                .description("Bearer token validations by issuer, method (jwt|introspection) and result")
                .tag("issuer", key.issuer()).tag("method", key.method()).tag("result", key.result())
                .register(registry));
    }

    /** Counts one cache lookup in {@code tier} ({@code l1}, {@code l2}). */
    public void cacheRequest(String tier, boolean hit) {
        cacheCounter(tier, hit).increment();
    }

    private Counter cacheCounter(String tier, boolean hit) {
        return cacheRequests.computeIfAbsent(new CacheKey(tier, hit), key -> Counter.builder(CACHE_REQUESTS)
                .description("Token cache lookups by tier (l1|l2) and result (hit|miss)")
                .tag("tier", key.tier()).tag("result", key.hit() ? "hit" : "miss")
                .register(registry));
    }

    /**
     * Counts one fetch of an issuer's JWKS. {@code trigger}: {@code startup}, {@code request} (a token
     * needed a key the cache did not have) or {@code scheduled} (refresh ahead of expiry); {@code result}:
     * {@code success}, {@code failure} or {@code rate_limited}.
     */
    public void jwksRefresh(String issuer, String trigger, String result) {
        refreshCounter(issuer, trigger, result).increment();
    }

    private Counter refreshCounter(String issuer, String trigger, String result) {
        return refreshes.computeIfAbsent(new RefreshKey(issuer, trigger, result), key -> Counter.builder(JWKS_REFRESHES)
                .description("JWKS fetches by issuer, trigger (startup|request|scheduled) and result")
                .tag("issuer", key.issuer()).tag("trigger", key.trigger()).tag("result", key.result())
                .register(registry));
    }

    /** Counts a connection closed because its request did not arrive within {@code server.requestReadTimeout}. */
    public Runnable requestReadTimeouts() {
        Counter counter = Counter.builder(HTTP_REQUEST_READ_TIMEOUTS)
                .description("HTTP connections closed because a request was not read in full within server.requestReadTimeout")
                .register(registry);
        return counter::increment;
    }

    /** Marks the start of an HTTP request; pair with {@link #requestFinished}. */
    public long requestStarted() {
        inFlight.increment();
        return System.nanoTime();
    }

    /**
     * Marks the end of a request started at {@code startNanos} on {@code endpoint}, answered with
     * {@code status} (a handful of codes: 200, 401, 403, 404, 500, 503), so alerts can take the 5xx share.
     */
    public void requestFinished(String endpoint, int status, long startNanos) {
        inFlight.decrement();
        durations.computeIfAbsent(new DurationKey(endpoint, status), key -> Timer.builder(HTTP_REQUEST_DURATION)
                .description("Time to answer an HTTP request, by endpoint and status")
                .tag("endpoint", key.endpoint())
                .tag("status", Integer.toString(key.status()))
                .serviceLevelObjectives(DURATION_BUCKETS)
                .register(registry)).record(System.nanoTime() - startNanos, java.util.concurrent.TimeUnit.NANOSECONDS);
    }

    private record DurationKey(String endpoint, int status) {}

    /** The number of requests in flight now. */
    public int inFlight() {
        return inFlight.intValue();
    }

    private record ValidationKey(String issuer, String method, String result) {
    }

    private record CacheKey(String tier, boolean hit) {
    }

    private record RefreshKey(String issuer, String trigger, String result) {
    }
}
