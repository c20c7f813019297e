package io.authtier.runtime.cache;

import static org.assertj.core.api.Assertions.assertThat;

import io.authtier.runtime.introspection.IntrospectedToken;
import io.authtier.runtime.introspection.IntrospectionMetrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The contract of {@link DecisionCache}, run against every implementation (STYLE.md, habit 12): Caffeine,
 * Redis standalone, Redis Cluster and two-tier. Time is a {@link FakeTime}; each cache's TTL is {@link #TTL}.
 */
public abstract class DecisionCacheContract {

    /** The tier TTL every implementation under test is built with. */
    protected static final Duration TTL = Duration.ofMinutes(5);
    /** What seals L2 values in Redis: an issuer's name and client credentials. */
    protected static final List<String> SEAL_SECRETS = List.of("main\0Basic YXV0aHRpZXI6czNjcjN0");

    protected FakeTime time;
    protected IntrospectionMetrics metrics;
    protected DecisionCache cache;

    /** A new, empty cache with tier TTL {@link #TTL}, using {@code time} as clock and ticker. */
    protected abstract DecisionCache newCache(FakeTime time, IntrospectionMetrics metrics);

    @BeforeEach
    void createCache() {
        time = new FakeTime();
        metrics = new IntrospectionMetrics(new SimpleMeterRegistry());
        cache = newCache(time, metrics);
    }

    @AfterEach
    void closeCache() {
        cache.close();
    }

    protected static String newKey() {
        return "main:" + UUID.randomUUID();
    }

    protected CachedDecision.Active active(Duration expiresIn) {
        Instant exp = time.instant().plus(expiresIn);
        IntrospectedToken token = IntrospectedToken.fromClaims("main", "https://idp.example/realms/shop", Map.of(
                "active", true, "sub", "u-1", "username", "alice", "email", "alice@example.com",
                "scope", "read write", "groups", List.of("admins", "staff"), "exp", exp.getEpochSecond(),
                "realm_access", Map.of("roles", List.of("reader"))), null);
        return new CachedDecision.Active(token, token.expiresAt().orElseThrow());
    }

    protected Optional<CachedDecision> get(String key) {
        return cache.get(key).toCompletableFuture().join();
    }

    protected void put(String key, CachedDecision decision) {
        cache.put(key, decision).toCompletableFuture().join();
    }

    @Test
    @DisplayName("An unknown key is a miss")
    void unknownKeyIsAMiss() {
        assertThat(get(newKey())).isEmpty();
    }

    @Test
    @DisplayName("An active decision comes back equal, with every claim")
    void activeRoundTrip() {
        String key = newKey();
        CachedDecision.Active decision = active(Duration.ofMinutes(2));

        put(key, decision);

        assertThat(get(key)).contains(decision);
        CachedDecision.Active back = (CachedDecision.Active) get(key).orElseThrow();
        assertThat(back.token().username()).contains("alice");
        assertThat(back.token().groups()).containsExactly("admins", "staff");
        assertThat(back.token().roles()).containsExactly("reader");
        assertThat(back.token().scopes()).containsExactly("read", "write");
    }

    @Test
    @DisplayName("An inactive decision comes back as inactive")
    void inactiveRoundTrip() {
        String key = newKey();
        CachedDecision decision = new CachedDecision.Inactive(time.instant().plusSeconds(5));

        put(key, decision);

        assertThat(get(key)).containsInstanceOf(CachedDecision.Inactive.class);
    }

    @Test
    @DisplayName("An entry is never returned once the token has expired, though the tier TTL is longer")
    void neverOutlivesTheToken() {
        String key = newKey();
        put(key, active(Duration.ofSeconds(30)));

        time.advance(Duration.ofSeconds(29));
        assertThat(get(key)).isPresent();

        time.advance(Duration.ofSeconds(1));
        assertThat(get(key)).isEmpty();
    }

    @Test
    @DisplayName("An entry is never returned after the tier TTL, though the token lives longer")
    void neverOutlivesTheTierTtl() {
        String key = newKey();
        put(key, active(Duration.ofHours(1)));

        time.advance(TTL.minusSeconds(1));
        assertThat(get(key)).isPresent();

        time.advance(Duration.ofSeconds(2));
        assertThat(get(key)).isEmpty();
    }

    @Test
    @DisplayName("A negative answer lives only until its own deadline")
    void negativeAnswerIsShortLived() {
        String key = newKey();
        put(key, new CachedDecision.Inactive(time.instant().plusSeconds(5)));

        time.advance(Duration.ofSeconds(5));

        assertThat(get(key)).isEmpty();
    }

    @Test
    @DisplayName("A decision whose deadline has passed is not stored at all")
    void expiredIsNotStored() {
        String key = newKey();

        put(key, new CachedDecision.Inactive(time.instant()));
        put(newKey(), active(Duration.ofSeconds(-1)));

        assertThat(get(key)).isEmpty();
    }

    @Test
    @DisplayName("peek (memory only) finds a stored entry or nothing, never an expired one")
    void peek() {
        String key = newKey();
        CachedDecision.Active decision = active(Duration.ofSeconds(30));
        put(key, decision);

        assertThat(cache.peek(key)).satisfiesAnyOf(
                peeked -> assertThat(peeked).isEmpty(),
                peeked -> assertThat(peeked).contains(decision));
        time.advance(Duration.ofSeconds(30));
        assertThat(cache.peek(key)).isEmpty();
    }

    @Test
    @DisplayName("A later put replaces the entry; other keys are untouched")
    void putReplaces() {
        String key = newKey();
        String other = newKey();
        put(key, active(Duration.ofMinutes(1)));
        put(other, active(Duration.ofMinutes(1)));

        put(key, new CachedDecision.Inactive(time.instant().plusSeconds(5)));

        assertThat(get(key)).containsInstanceOf(CachedDecision.Inactive.class);
        assertThat(get(other)).containsInstanceOf(CachedDecision.Active.class);
    }
}
