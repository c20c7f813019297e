package io.authtier.runtime.introspection;

import com.github.benmanes.caffeine.cache.Ticker;
import io.authtier.runtime.cache.DecisionCache;
import io.authtier.runtime.cache.DecisionCaches;
import io.authtier.runtime.config.IntrospectionConfig;
import io.authtier.runtime.config.IssuerConfig;
import io.authtier.runtime.config.RuntimeConfig;
import io.authtier.runtime.idp.ClientSecretBasic;
import io.authtier.runtime.resilience.BreakerTuning;
import io.authtier.runtime.resilience.IdpGuard;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

/**
 * Builds the {@link OpaqueTokenValidator} for a configuration: one pooled JDK {@link HttpClient} (HTTP/1.1
 * keep-alive) shared by all issuers, per issuer with an {@code introspection} section an {@link IdpGuard}
 * (retry, bulkhead of {@code maxConnections}, circuit breaker) and an RFC 7662 client, and the token cache
 * from {@link DecisionCaches}. Closing the validator closes the cache, the HTTP client and the scheduler.
 */
public final class OpaqueTokenValidators {

    private OpaqueTokenValidators() {
    }

    /** With the system clock and ticker and the default breaker window. */
    public static OpaqueTokenValidator create(RuntimeConfig config, MeterRegistry registry) {
        return create(config, registry, Clock.systemUTC(), Ticker.systemTicker(), BreakerTuning.DEFAULT,
                DecisionCaches.REDIS_COMMAND_TIMEOUT);
    }

    /**
     * @param clock  wall-clock time: token expiry, cache deadlines, the breaker's open period
     * @param ticker the L1 cache's time source; tests pass a fake that agrees with {@code clock}
     * @param tuning the circuit breaker's window, normally {@link BreakerTuning#DEFAULT}
     * @param redisCommandTimeout per L2 command, normally {@link DecisionCaches#REDIS_COMMAND_TIMEOUT}
     */
    public static OpaqueTokenValidator create(RuntimeConfig config, MeterRegistry registry, Clock clock, Ticker ticker,
            BreakerTuning tuning, Duration redisCommandTimeout) {
        IntrospectionMetrics metrics = new IntrospectionMetrics(registry);
        List<AutoCloseable> resources = new ArrayList<>();
        try {
            ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform()
                    .name("authtier-idp-retry").daemon(true).factory());
            resources.add(scheduler::shutdownNow);
            HttpClient http = HttpClient.newBuilder()
                    .version(HttpClient.Version.HTTP_1_1)
                    .connectTimeout(config.resilience().timeout())
                    .followRedirects(HttpClient.Redirect.NEVER)
                    .build();
            resources.add(http);
            Map<String, IssuerIntrospector> issuers = new LinkedHashMap<>();
            List<String> sealSecrets = new ArrayList<>();
            for (IssuerConfig issuer : config.issuers()) {
                if (issuer.introspection().isPresent()) {
                    IntrospectionConfig client = issuer.introspection().get();
                    sealSecrets.add(issuer.name() + "\0" + ClientSecretBasic.header(client.clientId(), client.clientSecretFile(), "introspection"));
                    IdpGuard guard = new IdpGuard(issuer.name(), config.resilience(), tuning, clock, scheduler);
                    issuers.put(issuer.name(), new IssuerIntrospector(issuer, http, guard,
                            config.resilience().timeout(), clock, metrics));
                }
            }
            DecisionCache cache = DecisionCaches.create(config.tokenCache(), config.redis(), redisCommandTimeout, ticker, clock, metrics,
                    sealSecrets);
            resources.add(cache);
            return new IntrospectingValidator(issuers, cache, config.tokenCache(), clock, resources);
        } catch (RuntimeException e) {
            for (AutoCloseable resource : resources.reversed()) {
                try {
                    resource.close();
                } catch (Exception suppressed) {
                    e.addSuppressed(suppressed);
                }
            }
            throw e;
        }
    }
}
