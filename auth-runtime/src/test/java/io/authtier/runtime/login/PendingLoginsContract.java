package io.authtier.runtime.login;

import static io.authtier.runtime.testsupport.Concurrently.concurrently;
import static org.assertj.core.api.Assertions.assertThat;

import io.authtier.runtime.testsupport.MutableClock;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletionStage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The contract of {@link PendingLogins}, run against memory, Redis standalone and Redis Cluster. Time is a
 * {@link MutableClock}; every key is new per test, so stores shared between tests do not interfere.
 */
public abstract class PendingLoginsContract {

    protected static final Duration TEN_MINUTES = Duration.ofMinutes(10);

    protected MutableClock clock;
    protected PendingLogins logins;

    /** A store of the kind under test, using {@code clock} where it keeps time itself. */
    protected abstract PendingLogins newLogins(MutableClock clock);

    /**
     * Shows that the login just put under {@code key} for {@code ttl} ends {@code ttl} after the put: memory
     * by moving {@link #clock}, Redis by the key's PTTL (Redis keeps its own time).
     */
    protected abstract void assertEndsAfter(String key, Duration ttl);

    @BeforeEach
    void createLogins() {
        clock = new MutableClock(Instant.now().truncatedTo(ChronoUnit.MILLIS));
        logins = newLogins(clock);
    }

    @AfterEach
    void closeLogins() {
        logins.close();
    }

    /** A fresh key, as the login flow makes them: base64url of a hash, never the raw state. */
    protected static String newKey() {
        return UUID.randomUUID().toString().replace("-", "");
    }

    protected static byte[] value(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    protected static <T> T join(CompletionStage<T> stage) {
        return stage.toCompletableFuture().join();
    }

    protected Optional<byte[]> take(String key) {
        return join(logins.take(key));
    }

    @Test
    @DisplayName("A pending login is taken once: the first take returns it, a second finds nothing")
    void takenOnce() {
        String key = newKey();
        join(logins.put(key, value("sealed-verifier-nonce-url"), TEN_MINUTES));

        assertThat(take(key)).hasValueSatisfying(v -> assertThat(v).isEqualTo(value("sealed-verifier-nonce-url")));
        assertThat(take(key)).isEmpty();
    }

    @Test
    @DisplayName("A key never put finds nothing; another key's login is untouched by a take")
    void unknownKey() {
        String kept = newKey();
        join(logins.put(kept, value("kept"), TEN_MINUTES));

        assertThat(take(newKey())).isEmpty();
        assertThat(take(kept)).isPresent();
    }

    @Test
    @DisplayName("A pending login ends by its TTL")
    void expires() {
        String key = newKey();
        Duration ttl = Duration.ofMinutes(5);
        join(logins.put(key, value("short-lived"), ttl));

        assertEndsAfter(key, ttl);
    }

    @Test
    @DisplayName("Of 20 concurrent takes of one key exactly one gets the value (a replayed callback loses)")
    void concurrentTakes() throws Exception {
        String key = newKey();
        join(logins.put(key, value("once"), TEN_MINUTES));

        List<Optional<byte[]>> taken = concurrently(20, i -> take(key));

        assertThat(taken.stream().filter(Optional::isPresent).map(Optional::get).toList())
                .singleElement().isEqualTo(value("once"));
    }

    @Test
    @DisplayName("Of 20 concurrent claims of one key exactly one stores it, the others learn what it holds; once taken, it can be claimed again")
    void claimOnce() throws Exception {
        String key = newKey();

        List<Optional<byte[]>> claims = concurrently(20, i -> join(logins.claim(key, value("claim-" + i), TEN_MINUTES)));

        assertThat(claims.stream().filter(Optional::isEmpty)).hasSize(1);
        byte[] stored = take(key).orElseThrow();
        assertThat(claims.stream().filter(Optional::isPresent).map(Optional::get)).hasSize(19).allSatisfy(held -> assertThat(held).isEqualTo(stored));
        assertThat(join(logins.claim(key, value("after"), TEN_MINUTES))).isEmpty();
        assertThat(join(logins.claim(key, value("again"), TEN_MINUTES))).hasValueSatisfying(held -> assertThat(held).isEqualTo(value("after")));
    }

    @Test
    @DisplayName("A claimed key ends by its TTL too")
    void claimExpires() {
        String key = newKey();
        Duration ttl = Duration.ofMinutes(5);
        assertThat(join(logins.claim(key, value("jti"), ttl))).isEmpty();

        assertEndsAfter(key, ttl);
    }

    @Test
    @DisplayName("A release removes the claim only while it holds that exact value: never what was written in its place")
    void releaseOnlyOwnClaim() {
        String key = newKey();
        join(logins.claim(key, value("mine"), TEN_MINUTES));

        assertThat(join(logins.release(key, value("another")))).isFalse();
        assertThat(join(logins.release(key, value("mine")))).isTrue();
        assertThat(join(logins.release(key, value("mine")))).isFalse();
        assertThat(join(logins.claim(key, value("next"), TEN_MINUTES))).isEmpty();

        join(logins.put(key, value("used"), TEN_MINUTES));
        assertThat(join(logins.release(key, value("next")))).isFalse();
        assertThat(take(key)).hasValueSatisfying(held -> assertThat(held).isEqualTo(value("used")));
    }
}
