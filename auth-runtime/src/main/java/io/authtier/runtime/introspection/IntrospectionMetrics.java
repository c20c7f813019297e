package io.authtier.runtime.introspection;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
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
    /** {@code authtier_idp_call_duration_seconds{issuer,outcome}}: from first attempt to answer. */
    public static final String IDP_CALL_DURATION = "authtier.idp.call.duration";
    /** {@code authtier_circuit_breaker_state{issuer,state}}: 1 for the current state, 0 for the others. */
    public static final String CIRCUIT_BREAKER_STATE = "authtier.circuit.breaker.state";
    /** {@code authtier_redis_command_duration_seconds{command,result}}: result {@code ok|error}. */
    public static final String REDIS_COMMAND_DURATION = "authtier.redis.command.duration";

    /** The values of the {@code state} label. */
    public static final List<String> BREAKER_STATES = List.of("closed", "open", "half_open");

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
        String result = hit ? "hit" : "miss";
        counters.computeIfAbsent(List.of(CACHE_REQUESTS, tier, result), k -> Counter.builder(CACHE_REQUESTS)
                .description("Token cache lookups by tier (l1|l2) and result (hit|miss)")
                .tag("tier", tier).tag("result", result)
                .register(registry)).increment();
    }

    /**
     * Counts one introspection at {@code issuer}: {@code outcome} is {@code active}, {@code inactive},
     * {@code error}, {@code timeout}, {@code unreachable}, {@code circuit_open} or {@code bulkhead_full}.
     */
    public void idpCall(String issuer, String outcome, Duration duration) {
        counters.computeIfAbsent(List.of(IDP_CALLS, issuer, outcome), k -> Counter.builder(IDP_CALLS)
                .description("Introspection calls to the IdP by issuer and outcome")
                .tag("issuer", issuer).tag("outcome", outcome)
                .register(registry)).increment();
        timers.computeIfAbsent(List.of(IDP_CALL_DURATION, issuer, outcome), k -> Timer.builder(IDP_CALL_DURATION)
                .description("Introspection latency, retries included")
                .tag("issuer", issuer).tag("outcome", outcome)
                .register(registry)).record(duration);
    }

    /** Registers the state gauges of {@code issuer}'s circuit breaker; {@code state} gives a {@link #BREAKER_STATES} value. */
    public void circuitBreaker(String issuer, Supplier<String> state) {
        for (String value : BREAKER_STATES) {
            Gauge.builder(CIRCUIT_BREAKER_STATE, () -> value.equals(state.get()) ? 1 : 0)
                    .description("Circuit breaker of the calls to an IdP: 1 for the current state")
                    .tag("issuer", issuer).tag("state", value)
                    .strongReference(true)
                    .register(registry);
        }
    }

    /** Records one Redis command ({@code get}, {@code set}) and whether it succeeded. */
    public void redisCommand(String command, boolean ok, Duration duration) {
        String result = ok ? "ok" : "error";
        timers.computeIfAbsent(List.of(REDIS_COMMAND_DURATION, command, result), k -> Timer.builder(REDIS_COMMAND_DURATION)
                .description("Redis command latency of the L2 token cache")
                .tag("command", command).tag("result", result)
                .register(registry)).record(duration);
    }
}
