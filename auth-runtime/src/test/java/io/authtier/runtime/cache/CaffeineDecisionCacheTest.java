package io.authtier.runtime.cache;

import static org.assertj.core.api.Assertions.assertThat;

import io.authtier.runtime.cache.caffeine.CaffeineDecisionCache;
import io.authtier.runtime.config.TokenCacheConfig;
import io.authtier.runtime.introspection.IntrospectionMetrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("DecisionCache contract: Caffeine (L1)")
class CaffeineDecisionCacheTest extends DecisionCacheContract {

    @Override
    protected DecisionCache newCache(FakeTime time, IntrospectionMetrics metrics) {
        return new CaffeineDecisionCache(new TokenCacheConfig.L1(1000, TTL), time, time, metrics);
    }

    @Test
    @DisplayName("peek finds an entry without counting a lookup")
    void peekIsNotCounted() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        FakeTime time = new FakeTime();
        CaffeineDecisionCache l1 = new CaffeineDecisionCache(new TokenCacheConfig.L1(10, TTL), time, time,
                new IntrospectionMetrics(registry));
        String key = newKey();
        l1.put(key, active(Duration.ofMinutes(1)));

        assertThat(l1.peek(key)).isPresent();
        assertThat(registry.find(IntrospectionMetrics.CACHE_REQUESTS).counters()).isEmpty();
    }

    @Test
    @DisplayName("L1 holds at most maxEntries")
    void bounded() {
        FakeTime time = new FakeTime();
        CaffeineDecisionCache small = new CaffeineDecisionCache(new TokenCacheConfig.L1(10, TTL), time, time,
                new IntrospectionMetrics(new SimpleMeterRegistry()));

        for (int i = 0; i < 100; i++) {
            small.put(newKey(), active(Duration.ofMinutes(1)));
        }

        assertThat(small.size()).isLessThanOrEqualTo(10);
    }
}
