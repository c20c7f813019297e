package io.authtier.runtime.resilience;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.List;
import java.util.function.Supplier;

/**
 * {@code authtier_circuit_breaker_state{issuer,endpoint,state}}: 1 for the current state of a breaker, 0 for the
 * others. One breaker per issuer and endpoint: {@code introspection}, and {@code token} (the login's code
 * exchanges and refreshes).
 */
public final class BreakerStateGauges {
    public static final String NAME = "authtier.circuit.breaker.state";
    /** The values of the {@code state} label. */
    public static final List<String> STATES = List.of("closed", "open", "half_open");
    public static final String INTROSPECTION = "introspection";
    public static final String TOKEN = "token";

    private BreakerStateGauges() {
    }

    /** Registers the gauges of one breaker; {@code state} gives a {@link #STATES} value. */
    public static void register(MeterRegistry registry, String issuer, String endpoint, Supplier<String> state) {
        for (String value : STATES) {
            Gauge.builder(NAME, () -> value.equals(state.get()) ? 1 : 0)
                    .description("Circuit breaker of the calls to an IdP's endpoint: 1 for the current state")
                    .tag("issuer", issuer).tag("endpoint", endpoint).tag("state", value)
                    .strongReference(true)
                    .register(registry);
        }
    }
}
