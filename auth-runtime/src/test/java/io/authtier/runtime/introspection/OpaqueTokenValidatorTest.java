package io.authtier.runtime.introspection;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.authtier.runtime.cache.FakeTime;
import io.authtier.runtime.cache.redis.RedisDecisionCache;
import io.authtier.runtime.config.LoadResult;
import io.authtier.runtime.config.RuntimeConfig;
import io.authtier.runtime.config.RuntimeConfigLoader;
import io.authtier.runtime.redis.RedisServers;
import io.authtier.runtime.resilience.BreakerTuning;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * The opaque-token path end to end with real parts: a real IdP over HTTP ({@link TestIdp}), a real
 * {@code redis-server}, the validator built from a configuration file by {@link OpaqueTokenValidators}.
 * Every log line of the whole class is captured; the last test checks that none holds a token or the secret.
 */
@DisplayName("Opaque token validation (RFC 7662) with a real IdP and a real Redis")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class OpaqueTokenValidatorTest {

    private static final String SECRET = "s3cr3t-" + UUID.randomUUID();
    private static final BreakerTuning SMALL_WINDOW = new BreakerTuning(4, 4, 1);
    // Timeouts (IdP 10 s, Redis 5 s) are far above what a loaded 2-core machine needs: no test waits for them,
    // except the hanging-IdP test, which sets 300 ms.
    private static final Set<String> TOKENS_SEEN = ConcurrentHashMap.newKeySet();
    private static final Set<String> WRONG_SECRETS = ConcurrentHashMap.newKeySet();
    private static final ListAppender<ILoggingEvent> LOGS = new ListAppender<>();
    private static Level authtierLevel;

    @TempDir
    static Path dir;
    static RedisServers.Server redis;

    private final List<OpaqueTokenValidator> validators = new ArrayList<>();
    private TestIdp idp;
    private FakeTime time;
    private MeterRegistry registry;

    @BeforeAll
    static void startRedisAndCaptureLogs() {
        Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        LOGS.start();
        root.addAppender(LOGS);
        Logger authtier = (Logger) LoggerFactory.getLogger("io.authtier");
        authtierLevel = authtier.getLevel();
        authtier.setLevel(Level.DEBUG);
        redis = RedisServers.standalone(dir);
    }

    @AfterAll
    static void stopRedis() {
        ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).detachAppender(LOGS);
        ((Logger) LoggerFactory.getLogger("io.authtier")).setLevel(authtierLevel);
        if (redis != null) {
            redis.stop();
        }
    }

    @BeforeEach
    void startIdp() {
        idp = new TestIdp(SECRET);
        time = new FakeTime();
        registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    }

    @AfterEach
    void stopAll() {
        validators.forEach(OpaqueTokenValidator::close);
        idp.close();
    }

    /**
     * A validator for the test IdP: L1, plus L2 in the test Redis if {@code l2}. L2 connects in the background;
     * while Redis is up, this returns once that connection is made (a Redis client newer than any before).
     */
    private OpaqueTokenValidator validator(boolean l2, String timeout) {
        long newest = newestTokenCacheClient();
        OpaqueTokenValidator validator = OpaqueTokenValidators.create(config(l2, timeout), registry, time, time, SMALL_WINDOW,
                Duration.ofSeconds(5));
        validators.add(validator);
        if (l2 && redis.command("PING") != null) {
            await().atMost(Duration.ofSeconds(10)).until(() -> newestTokenCacheClient() > newest);
        }
        return validator;
    }

    /** The id of the newest connection named as the L2 cache's in Redis (ids only grow); 0 if none, -1 if Redis is down. */
    private static long newestTokenCacheClient() {
        String clients = redis.command("CLIENT", "LIST");
        return clients == null ? -1 : clients.lines().filter(line -> line.contains(" name=authtier-token_cache "))
                .mapToLong(line -> Long.parseLong(line.substring("id=".length(), line.indexOf(' ')))).max().orElse(0);
    }

    private RuntimeConfig config(boolean l2, String timeout) {
        return config(l2, timeout, SECRET);
    }

    private RuntimeConfig config(boolean l2, String timeout, String secret) {
        Path secretFile = dir.resolve("client-secret-" + UUID.randomUUID());
        try {
            Files.writeString(secretFile, secret + "\n");
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        String yaml = """
                issuers:
                - name: main
                  issuerUrl: %s
                  audiences: [api]
                  introspection:
                    clientId: %s
                    clientSecretFile: %s
                tokenCache:
                  l1: {maxEntries: 1000, ttl: 5m}
                  l2: {enabled: %s, ttl: 5m}
                  negativeTtl: 5s
                resilience:
                  timeout: %s
                  retry: {maxAttempts: 3, initialBackoff: 10ms}
                  circuitBreaker: {failureRateThreshold: 50, waitInOpenState: 30s}
                  maxConnections: 200
                sessions: {store: Memory}
                redis: {topology: Standalone, endpoints: ["127.0.0.1:%d"]}
                """.formatted(idp.issuerUrl(), TestIdp.CLIENT_ID, secretFile, l2, timeout, redis.port());
        return switch (new RuntimeConfigLoader().parse(yaml)) {
            case LoadResult.Loaded(RuntimeConfig config) -> config;
            case LoadResult.Invalid invalid -> throw new IllegalStateException(invalid.problems().toString());
        };
    }

    private static String newToken() {
        String token = "opaque-" + UUID.randomUUID();
        TOKENS_SEEN.add(token);
        return token;
    }

    private Map<String, Object> claims(Duration expiresIn) {
        return Map.of("sub", "u-42", "client_id", "shop", "username", "alice", "email", "alice@example.com",
                "scope", "orders:read orders:write", "groups", List.of("staff"),
                "exp", time.instant().plus(expiresIn).getEpochSecond());
    }

    private static IntrospectionOutcome validate(OpaqueTokenValidator validator, String token) {
        return validator.validate("main", token).toCompletableFuture().join();
    }

    private String scrape() {
        return ((PrometheusMeterRegistry) registry).scrape();
    }

    @Test
    @Order(1)
    @DisplayName("An active token gives its identity; the secret file's trailing newline is not part of the secret")
    void activeToken() {
        OpaqueTokenValidator validator = validator(false, "10s");
        String token = newToken();
        idp.active(token, claims(Duration.ofMinutes(10)));

        IntrospectionOutcome outcome = validate(validator, token);

        assertThat(outcome).isInstanceOf(IntrospectionOutcome.Active.class);
        IntrospectedToken identity = ((IntrospectionOutcome.Active) outcome).token();
        assertThat(identity.subject()).contains("u-42");
        assertThat(identity.username()).contains("alice");
        assertThat(identity.email()).contains("alice@example.com");
        assertThat(identity.clientId()).contains("shop");
        assertThat(identity.scopes()).containsExactly("orders:read", "orders:write");
        assertThat(identity.groups()).containsExactly("staff");
        assertThat(identity.issuer()).isEqualTo(idp.issuerUrl());
        assertThat(identity.expiresAt()).contains(time.instant().plus(Duration.ofMinutes(10)));
        assertThat(identity.claims()).doesNotContainKeys("active", "token").doesNotContainValue(token);
        assertThat(validate(validator, newToken())).isInstanceOf(IntrospectionOutcome.Inactive.class);
    }

    @Test
    @Order(1)
    @DisplayName("Right after start, the IdP call and cache counters exist at 0, so that alerts have series")
    void countersAtZero() {
        validator(true, "10s");

        String text = scrape();

        for (String outcome : IntrospectionMetrics.IDP_OUTCOMES) {
            assertThat(text).contains("authtier_idp_calls_total{issuer=\"main\",outcome=\"" + outcome + "\"} 0.0");
        }
        for (String tier : List.of("l1", "l2")) {
            assertThat(text).contains("authtier_cache_requests_total{result=\"hit\",tier=\"" + tier + "\"} 0.0")
                    .contains("authtier_cache_requests_total{result=\"miss\",tier=\"" + tier + "\"} 0.0");
        }
        assertThat(text).contains("authtier_redis_commands_in_flight{client=\"token_cache\"} 0.0");
    }

    @Test
    @Order(2)
    @DisplayName("An L1 hit makes no IdP call")
    void l1Hit() {
        OpaqueTokenValidator validator = validator(false, "10s");
        String token = newToken();
        idp.active(token, claims(Duration.ofMinutes(10)));
        validate(validator, token);

        IntrospectionOutcome again = validate(validator, token);

        assertThat(again).isInstanceOf(IntrospectionOutcome.Active.class);
        assertThat(idp.introspections()).isEqualTo(1);
        assertThat(scrape()).contains("authtier_cache_requests_total{result=\"hit\",tier=\"l1\"} 1.0")
                .contains("authtier_cache_requests_total{result=\"miss\",tier=\"l1\"} 1.0");
    }

    @Test
    @Order(3)
    @DisplayName("An L2 hit (answer stored by another replica) makes no IdP call; Redis holds a hash, never the token")
    void l2Hit() {
        OpaqueTokenValidator replicaA = validator(true, "10s");
        OpaqueTokenValidator replicaB = validator(true, "10s");
        String token = newToken();
        idp.active(token, claims(Duration.ofMinutes(10)));
        validate(replicaA, token);
        String redisKey = RedisDecisionCache.KEY_PREFIX + TokenKeys.key("main", token);
        await().until(() -> inRedis(token));

        IntrospectionOutcome onB = validate(replicaB, token);

        assertThat(onB).isInstanceOf(IntrospectionOutcome.Active.class);
        assertThat(idp.introspections()).isEqualTo(1);
        assertThat(scrape()).contains("authtier_cache_requests_total{result=\"hit\",tier=\"l2\"} 1.0");
        // And the L2 commands are timed as the token cache's client, as histograms; none is left in flight
        await().untilAsserted(() -> assertThat(scrape())
                .contains("authtier_redis_commands_in_flight{client=\"token_cache\"} 0.0")
                .contains("authtier_redis_command_duration_seconds_bucket{client=\"token_cache\",command=\"get\",outcome=\"success\",le=\"0.001\"}")
                .contains("authtier_redis_command_duration_seconds_bucket{client=\"token_cache\",command=\"set\",outcome=\"success\",le=\"0.001\"}")
                .contains("authtier_redis_connections_open{client=\"token_cache\"} 1.0"));
        assertThat(redis.command("GET", redisKey)).doesNotContain(token);
        assertThat(Long.parseLong(redis.command("PTTL", redisKey).substring(1))).isBetween(1L, 300_000L);
        assertThat(redisKey).doesNotContain(token);
    }

    @Test
    @Order(4)
    @DisplayName("A cached answer never outlives the token: after exp the IdP is asked again, and the token is refused")
    void neverOutlivesTheToken() {
        OpaqueTokenValidator validator = validator(false, "10s");
        String token = newToken();
        idp.active(token, claims(Duration.ofSeconds(60)));
        assertThat(validate(validator, token)).isInstanceOf(IntrospectionOutcome.Active.class);

        time.advance(Duration.ofSeconds(60));

        assertThat(validate(validator, token)).isInstanceOf(IntrospectionOutcome.Inactive.class);
        assertThat(idp.introspections()).isEqualTo(2);
    }

    @Test
    @Order(4)
    @DisplayName("An active answer whose exp is no NumericDate is not trusted: the token's lifetime is unknown")
    void expThatIsNoNumber() {
        OpaqueTokenValidator validator = validator(false, "10s");
        for (Object exp : List.of("abc", true, "9999999999")) {
            String token = newToken();
            idp.active(token, Map.of("sub", "u-42", "exp", exp));
            assertThat(validate(validator, token)).as("exp %s", exp).isInstanceOf(IntrospectionOutcome.Inactive.class);
        }
    }

    @Test
    @Order(5)
    @DisplayName("A revoked token is refused, that answer is cached for negativeTtl only, then asked again")
    void revokedToken() {
        OpaqueTokenValidator validator = validator(false, "10s");
        String token = newToken();
        idp.revoke(token);

        assertThat(validate(validator, token)).isInstanceOf(IntrospectionOutcome.Inactive.class);
        time.advance(Duration.ofSeconds(4));
        assertThat(validate(validator, token)).isInstanceOf(IntrospectionOutcome.Inactive.class);
        assertThat(idp.introspections()).isEqualTo(1);

        idp.active(token, claims(Duration.ofMinutes(10)));
        time.advance(Duration.ofSeconds(1));

        assertThat(validate(validator, token)).isInstanceOf(IntrospectionOutcome.Active.class);
        assertThat(idp.introspections()).isEqualTo(2);
    }

    @Test
    @Order(6)
    @DisplayName("100 concurrent requests for one new token make exactly one IdP call (L1 + L2)")
    void singleFlight() {
        OpaqueTokenValidator validator = validator(true, "10s");
        String token = newToken();
        idp.active(token, claims(Duration.ofMinutes(10)));
        idp.closeGate();

        List<CompletableFuture<IntrospectionOutcome>> answers = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            answers.add(validator.validate("main", token).toCompletableFuture());
        }
        await().until(() -> idp.introspections() == 1);
        idp.open();

        assertThat(answers).allSatisfy(answer -> assertThat(answer.join()).isInstanceOf(IntrospectionOutcome.Active.class));
        assertThat(idp.introspections()).isEqualTo(1);
    }

    @Test
    @Order(7)
    @DisplayName("IdP failing with 500: retried, then the breaker opens; uncached tokens get Unavailable without a call, cached ones stay Active; recovery closes it")
    void breakerOpensAndCloses() {
        OpaqueTokenValidator validator = validator(false, "10s");
        String cached = newToken();
        idp.active(cached, claims(Duration.ofMinutes(10)));
        assertThat(validate(validator, cached)).isInstanceOf(IntrospectionOutcome.Active.class);
        int before = idp.introspections();

        // When: the IdP fails; the validation is tried maxAttempts (3) times. With the earlier success
        // that fills the breaker's window of 4 at 75 % failures (threshold 50 %): it opens.
        idp.mode(TestIdp.Mode.FAIL_500);
        IntrospectionOutcome first = validate(validator, newToken());
        assertThat(first).isInstanceOf(IntrospectionOutcome.Unavailable.class);
        assertThat(idp.introspections() - before).isEqualTo(3);
        assertThat(scrape()).contains("authtier_circuit_breaker_state{endpoint=\"introspection\",issuer=\"main\",state=\"open\"} 1.0");

        // Then: an uncached token is refused with no network call, Retry-After the rest of the open period
        int calls = idp.introspections();
        IntrospectionOutcome refused = validate(validator, newToken());
        assertThat(refused).isInstanceOfSatisfying(IntrospectionOutcome.Unavailable.class, unavailable -> {
            assertThat(unavailable.reason()).contains("circuit breaker open");
            assertThat(unavailable.retryAfter()).isEqualTo(Duration.ofSeconds(30));
        });
        assertThat(idp.introspections()).isEqualTo(calls);
        assertThat(validate(validator, cached)).isInstanceOf(IntrospectionOutcome.Active.class);
        assertThat(scrape()).contains("authtier_idp_calls_total{issuer=\"main\",outcome=\"circuit_open\"} 1.0")
                .contains("authtier_idp_calls_total{issuer=\"main\",outcome=\"error\"} 1.0")
                .contains("authtier_idp_call_duration_seconds_count{issuer=\"main\",outcome=\"error\"} 1")
                .contains("authtier_idp_call_duration_seconds_bucket{issuer=\"main\",outcome=\"error\",le=\"10.0\"} 1")
                .contains("authtier_idp_call_duration_seconds_bucket{issuer=\"main\",outcome=\"error\",le=\"0.005\"}");

        // When: the IdP recovers and the open period has passed
        idp.mode(TestIdp.Mode.ANSWER);
        time.advance(Duration.ofSeconds(31));
        String fresh = newToken();
        idp.active(fresh, claims(Duration.ofMinutes(10)));

        // Then: the half-open trial call succeeds and the breaker closes
        assertThat(validate(validator, fresh)).isInstanceOf(IntrospectionOutcome.Active.class);
        assertThat(scrape()).contains("authtier_circuit_breaker_state{endpoint=\"introspection\",issuer=\"main\",state=\"closed\"} 1.0");
    }

    @Test
    @Order(8)
    @DisplayName("An IdP that hangs: the call times out once (no retry) and the token gets Unavailable")
    void hangingIdp() {
        OpaqueTokenValidator validator = validator(false, "300ms");
        idp.mode(TestIdp.Mode.HANG);

        IntrospectionOutcome outcome = validate(validator, newToken());

        assertThat(outcome).isInstanceOfSatisfying(IntrospectionOutcome.Unavailable.class, unavailable -> {
            assertThat(unavailable.reason()).contains("timed out");
            assertThat(unavailable.retryAfter()).isGreaterThanOrEqualTo(Duration.ofSeconds(1));
        });
        assertThat(idp.introspections()).isEqualTo(1);
        assertThat(scrape()).contains("authtier_idp_calls_total{issuer=\"main\",outcome=\"timeout\"} 1.0");
        idp.releaseHung();
    }

    @Test
    @Order(8)
    @DisplayName("An IdP that sends its headers and then stalls in the body: resilience.timeout bounds the whole call")
    void stallingBody() {
        OpaqueTokenValidator validator = validator(false, "300ms");
        idp.mode(TestIdp.Mode.STALL_BODY);

        IntrospectionOutcome outcome = validate(validator, newToken());

        assertThat(outcome).isInstanceOfSatisfying(IntrospectionOutcome.Unavailable.class,
                unavailable -> assertThat(unavailable.reason()).contains("timed out"));
        assertThat(scrape()).contains("authtier_idp_calls_total{issuer=\"main\",outcome=\"timeout\"} 1.0");
        idp.releaseHung();
    }

    @Test
    @Order(8)
    @DisplayName("An answer over 1 MiB is refused as it arrives (Unavailable), never parsed nor cached")
    void hugeAnswer() {
        OpaqueTokenValidator validator = validator(false, "2s");
        idp.mode(TestIdp.Mode.HUGE);
        String token = newToken();

        assertThat(validate(validator, token)).isInstanceOf(IntrospectionOutcome.Unavailable.class);
        idp.mode(TestIdp.Mode.ANSWER);
        idp.active(token, claims(Duration.ofMinutes(5)));
        assertThat(validate(validator, token)).isInstanceOf(IntrospectionOutcome.Active.class);
    }

    @Test
    @Order(8)
    @DisplayName("An answer that is not typed application/json is not the IdP's verdict: Unavailable, never Active, and the log names the type")
    void notJson() {
        OpaqueTokenValidator validator = validator(false, "2s");
        idp.mode(TestIdp.Mode.HTML);

        IntrospectionOutcome outcome = validate(validator, newToken());

        idp.mode(TestIdp.Mode.ANSWER);
        assertThat(outcome).isInstanceOf(IntrospectionOutcome.Unavailable.class);
        assertThat(List.copyOf(LOGS.list)).extracting(ILoggingEvent::getFormattedMessage)
                .anyMatch(line -> line.contains("Content-Type text/html; charset=utf-8, not application/json"));
    }

    @Test
    @Order(9)
    @DisplayName("Redis killed mid-test: validations keep being answered (L1 + IdP); after a restart L2 is used again")
    void redisKilledAndRestarted() {
        OpaqueTokenValidator validator = validator(true, "10s");
        String known = newToken();
        idp.active(known, claims(Duration.ofMinutes(10)));
        assertThat(validate(validator, known)).isInstanceOf(IntrospectionOutcome.Active.class);

        redis.stop();
        try {
            assertThat(validate(validator, known)).isInstanceOf(IntrospectionOutcome.Active.class);
            String during = newToken();
            idp.active(during, claims(Duration.ofMinutes(10)));
            assertThat(validate(validator, during)).isInstanceOf(IntrospectionOutcome.Active.class);
            assertThat(idp.introspections()).isEqualTo(2);
        } finally {
            redis.start();
        }

        // Then: once reconnected, new answers reach Redis again (each poll validates one more new token)
        List<String> after = new ArrayList<>();
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(50)).untilAsserted(() -> {
            String token = newToken();
            after.add(token);
            idp.active(token, claims(Duration.ofMinutes(10)));
            assertThat(validate(validator, token)).isInstanceOf(IntrospectionOutcome.Active.class);
            assertThat(after).anyMatch(OpaqueTokenValidatorTest::inRedis);
        });
        // and another replica finds it there, without asking the IdP
        String stored = after.stream().filter(OpaqueTokenValidatorTest::inRedis).findFirst().orElseThrow();
        int calls = idp.introspections();
        OpaqueTokenValidator replica = validator(true, "10s");
        assertThat(validate(replica, stored)).isInstanceOf(IntrospectionOutcome.Active.class);
        assertThat(idp.introspections()).isEqualTo(calls);
    }

    @Test
    @Order(11)
    @DisplayName("Redis down when the validator starts: it starts and answers (L1 + IdP), and uses L2 once Redis is up")
    void redisDownAtStart() {
        redis.stop();
        OpaqueTokenValidator validator;
        String token = newToken();
        idp.active(token, claims(Duration.ofMinutes(10)));
        try {
            validator = validator(true, "10s");
            assertThat(validate(validator, token)).isInstanceOf(IntrospectionOutcome.Active.class);
            assertThat(validate(validator, token)).isInstanceOf(IntrospectionOutcome.Active.class);
            assertThat(idp.introspections()).isEqualTo(1);
        } finally {
            redis.start();
        }

        List<String> after = new ArrayList<>();
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(50)).untilAsserted(() -> {
            String next = newToken();
            after.add(next);
            idp.active(next, claims(Duration.ofMinutes(10)));
            assertThat(validate(validator, next)).isInstanceOf(IntrospectionOutcome.Active.class);
            assertThat(after).anyMatch(OpaqueTokenValidatorTest::inRedis);
        });
    }

    private static boolean inRedis(String token) {
        String value = redis.command("GET", RedisDecisionCache.KEY_PREFIX + TokenKeys.key("main", token));
        return value != null && !"$-1".equals(value);
    }

    @Test
    @Order(10)
    @DisplayName("A wrong client secret: the IdP answers 401, not retried; Unavailable, and the secret is in no message")
    void wrongClientSecret() {
        String wrong = "wrong-" + UUID.randomUUID();
        WRONG_SECRETS.add(wrong);
        OpaqueTokenValidator validator = OpaqueTokenValidators.create(config(false, "10s", wrong), registry, time, time,
                SMALL_WINDOW, Duration.ofSeconds(5));
        validators.add(validator);
        String token = newToken();
        idp.active(token, claims(Duration.ofMinutes(10)));

        IntrospectionOutcome outcome = validate(validator, token);

        assertThat(outcome).isInstanceOfSatisfying(IntrospectionOutcome.Unavailable.class,
                unavailable -> assertThat(unavailable.reason()).doesNotContain(wrong).doesNotContain(token));
        assertThat(idp.introspections()).isEqualTo(1);
    }

    @Test
    @Order(Integer.MAX_VALUE)
    @DisplayName("No log line of this class (nor any Unavailable reason) holds a token or the client secret")
    void noSecretsInLogs() {
        OpaqueTokenValidator validator = validator(false, "10s");
        idp.mode(TestIdp.Mode.FAIL_500);
        String token = newToken();
        IntrospectionOutcome outcome = validate(validator, token);

        assertThat(outcome).isInstanceOfSatisfying(IntrospectionOutcome.Unavailable.class,
                unavailable -> assertThat(unavailable.reason()).doesNotContain(token).doesNotContain(SECRET));
        List<ILoggingEvent> events = List.copyOf(LOGS.list);
        assertThat(events).as("captured log events").isNotEmpty();
        assertThat(TOKENS_SEEN).hasSizeGreaterThan(10);
        for (ILoggingEvent event : events) {
            StringBuilder text = new StringBuilder(event.getFormattedMessage());
            for (var t = event.getThrowableProxy(); t != null; t = t.getCause()) {
                text.append(' ').append(t.getClassName()).append(' ').append(t.getMessage());
            }
            assertThat(text.toString()).doesNotContain(SECRET);
            WRONG_SECRETS.forEach(secret -> assertThat(text.toString()).doesNotContain(secret));
            TOKENS_SEEN.forEach(seen -> assertThat(text.toString()).doesNotContain(seen));
        }
    }
}
