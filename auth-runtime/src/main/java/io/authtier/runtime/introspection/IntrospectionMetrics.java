package io.authtier.runtime.introspection;

import io.authtier.runtime.resilience.BreakerStateGauges;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * Every metric of the opaque-token path, in one place (ARCHITECTURE.md, contract 5). Names are Micrometer
 * names; the Prometheus names (with units and {@code _total}) are in the constants' comments. Label values
 * are bounded: issuer names from the configuration and fixed words. No token, key or secret is a label.
 */
public final class IntrospectionMetrics {

    /** {@code authtier_cache_requests_total{tier,result}}: tier {@code l1|l2}, result {@code hit|miss}. */
    public static final String CACHE_REQUESTS = "authtier.cache.requests";
    /** {@code authtier_idp_calls_total{issuer,outcome}}: one per introspection, retries included in it. */
    public static final String IDP_CALLS = "authtier.idp.calls";
    /** {@code authtier_idp_call_duration_seconds{issuer,outcome}} (histogram): from first attempt to answer. */
    public static final String IDP_CALL_DURATION = "authtier.idp.call.duration";
    /** The values of the {@code outcome} label of IdP calls. */
    public static final List<String> IDP_OUTCOMES = List.of("active", "inactive", "error", "timeout", "unreachable",
            "circuit_open", "bulkhead_full");

    /** IdP calls take milliseconds to seconds; retries and {@code resilience.timeout} bound them. */
    private static final Duration[] IDP_BUCKETS = {Duration.ofMillis(5), Duration.ofMillis(10), Duration.ofMillis(25),
            Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(250), Duration.ofMillis(500), Duration.ofSeconds(1),
            Duration.ofMillis(2500), Duration.ofSeconds(5), Duration.ofSeconds(10)};

    private final MeterRegistry registry;
    private final Map<List<String>, Counter> counters = new ConcurrentHashMap<>();
    private final Map<List<String>, Timer> timers = new ConcurrentHashMap<>();

    public IntrospectionMetrics(MeterRegistry registry) {
        this.registry = Objects.requireNonNull(registry, "registry");
    }

    public MeterRegistry registry() {
        return registry;
    }

    /** Counts one lookup in {@code tier} ({@code l1} or {@code l2}). */
    public void cacheRequest(String tier, boolean hit) {
        cacheCounter(tier, hit ? "hit" : "miss").increment();
    }

    /** Publishes {@code tier}'s hit and miss counters at 0, so that hit-rate alerts have series from the start. */
    public void cacheTier(String tier) {
        cacheCounter(tier, "hit");
        cacheCounter(tier, "miss");
    }

    private Counter cacheCounter(String tier, String result) {
        return counters.computeIfAbsent(List.of(CACHE_REQUESTS, tier, result), k -> Counter.builder(CACHE_REQUESTS)
                .description("Token cache lookups by tier (l1|l2) and result (hit|miss)")
                .tag("tier", tier).tag("result", result)
                .register(registry));
    }

    /**
     * Counts one introspection at {@code issuer}: {@code outcome} is {@code active}, {@code inactive},
     * {@code error}, {@code timeout}, {@code unreachable}, {@code circuit_open} or {@code bulkhead_full}.
     */
    public void idpCall(String issuer, String outcome, Duration duration) {
        idpCallCounter(issuer, outcome).increment();
        timers.computeIfAbsent(List.of(IDP_CALL_DURATION, issuer, outcome), k -> Timer.builder(IDP_CALL_DURATION)
                .description("Introspection latency, retries included")
                .tag("issuer", issuer).tag("outcome", outcome)
                .serviceLevelObjectives(IDP_BUCKETS)
                .register(registry)).record(duration);
    }

    /** Publishes {@code issuer}'s IdP call counters at 0 for every {@link #IDP_OUTCOMES} value. */
    public void idpCalls(String issuer) {
        IDP_OUTCOMES.forEach(outcome -> idpCallCounter(issuer, outcome));
    }

    private Counter idpCallCounter(String issuer, String outcome) {
        return counters.computeIfAbsent(List.of(IDP_CALLS, issuer, outcome), k -> Counter.builder(IDP_CALLS)
                .description("Introspection calls to the IdP by issuer and outcome")
                .tag("issuer", issuer).tag("outcome", outcome)
                .register(registry));
    }

    /** Registers the state gauges of {@code issuer}'s introspection breaker; {@code state} gives a {@link BreakerStateGauges#STATES} value. */
    public void circuitBreaker(String issuer, Supplier<String> state) {
        BreakerStateGauges.register(registry, issuer, BreakerStateGauges.INTROSPECTION, state);
    }
}
