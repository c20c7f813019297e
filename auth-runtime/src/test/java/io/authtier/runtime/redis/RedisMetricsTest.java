package io.authtier.runtime.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

import io.authtier.runtime.config.RedisTopology;
import io.authtier.runtime.metrics.RuntimeMetrics;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.SetArgs;
import io.lettuce.core.api.async.RedisListAsyncCommands;
import io.lettuce.core.api.async.RedisScriptingAsyncCommands;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@DisplayName("RedisMetrics: every command a client sends is timed by client, command and outcome; in flight and connections")
class RedisMetricsTest {

    @TempDir
    Path dir;

    private final PrometheusMeterRegistry registry = RuntimeMetrics.prometheusRegistry();

    @Test
    @DisplayName("Standalone: GET, SET and scripts land in the histogram with their client; an error reply counts as error")
    void standalone() {
        // Given a standalone Redis and a connection with metrics as the sessions' client
        try (RedisServers.Server server = RedisServers.standalone(dir)) {
            RedisMetrics metrics = new RedisMetrics(registry, RedisMetrics.SESSIONS);
            assertThat(scrape()).contains("authtier_redis_commands_in_flight{client=\"sessions\"} 0.0")
                    .contains("authtier_redis_connections_open{client=\"sessions\"} 0.0");
            try (RedisConnection connection = RedisConnections.open(RedisServers.config(RedisTopology.Standalone, List.of(server)),
                    Duration.ofSeconds(2), Optional.of(metrics))) {

                // When it sends a SET, a GET, a script and a script Redis does not know
                connection.strings().set("secret-key", bytes("secret-value"), SetArgs.Builder.px(10_000)).toCompletableFuture().join();
                connection.strings().get("secret-key").toCompletableFuture().join();
                scripts(connection).eval("return 1", ScriptOutputType.INTEGER, "secret-key").toCompletableFuture().join();
                Throwable noScript = catchThrowable(() -> scripts(connection)
                        .evalsha("0000000000000000000000000000000000000000", ScriptOutputType.INTEGER, "secret-key")
                        .toCompletableFuture().join());

                // Then each is a histogram series of the client, with buckets, and the unknown script an error
                // (lettuce completes the caller's future just before it tells the listener: wait for that)
                assertThat(noScript).hasMessageContaining("NOSCRIPT");
                await().untilAsserted(() -> assertThat(metrics.inFlight()).isZero());
                String text = scrape();
                for (String command : List.of("set", "get", "eval")) {
                    assertThat(count(text, "sessions", command, "success")).isEqualTo(1);
                    assertThat(text).contains(series("bucket", "sessions", command, "success") + ",le=\"0.001\"}")
                            .contains(series("bucket", "sessions", command, "success") + ",le=\"+Inf\"} 1");
                }
                assertThat(count(text, "sessions", "evalsha", "error")).isEqualTo(1);
                // And nothing is left in flight; one connection is open; no key or value is a label
                assertThat(text).contains("authtier_redis_commands_in_flight{client=\"sessions\"} 0.0")
                        .contains("authtier_redis_connections_open{client=\"sessions\"} 1.0")
                        .doesNotContain("secret-key", "secret-value");
            }
            // And once closed, no connection is open
            await().untilAsserted(() -> assertThat(scrape()).contains("authtier_redis_connections_open{client=\"sessions\"} 0.0"));
        }
    }

    @Test
    @DisplayName("A command waiting for its answer is in flight until Redis answers it")
    void inFlight() {
        // Given a standalone Redis and a connection with metrics as the token cache's client
        try (RedisServers.Server server = RedisServers.standalone(dir)) {
            RedisMetrics metrics = new RedisMetrics(registry, RedisMetrics.TOKEN_CACHE);
            try (RedisConnection connection = RedisConnections.open(RedisServers.config(RedisTopology.Standalone, List.of(server)),
                    Duration.ofSeconds(30), Optional.of(metrics))) {

                // When it sends a command that Redis answers only once another client pushes to the list
                @SuppressWarnings("unchecked")
                RedisFuture<?> waiting = ((RedisListAsyncCommands<String, byte[]>) connection.strings()).blpop(20, "queue");

                // Then it is in flight while Redis holds it, and no longer once answered
                await().untilAsserted(() -> assertThat(scrape()).contains("authtier_redis_commands_in_flight{client=\"token_cache\"} 1.0"));
                assertThat(metrics.inFlight()).isEqualTo(1);
                assertThat(server.command("RPUSH", "queue", "x")).isEqualTo(":1");
                waiting.toCompletableFuture().join();
                await().untilAsserted(() -> assertThat(metrics.inFlight()).isZero());
                assertThat(scrape()).contains("authtier_redis_commands_in_flight{client=\"token_cache\"} 0.0");
                assertThat(count(scrape(), "token_cache", "blpop", "success")).isEqualTo(1);
            }
        }
    }

    @Test
    @DisplayName("Cluster: commands to every master are timed once each, and the node connections are counted")
    void cluster() {
        // Given a 3-master cluster and a connection with metrics
        List<RedisServers.Server> nodes = RedisServers.cluster(dir);
        try {
            RedisMetrics metrics = new RedisMetrics(registry, RedisMetrics.TOKEN_CACHE);
            try (RedisConnection connection = RedisConnections.open(RedisServers.config(RedisTopology.Cluster, nodes.subList(0, 1)),
                    Duration.ofSeconds(2), Optional.of(metrics))) {

                // When it writes and reads 30 keys, spread over the slots of all masters
                for (int i = 0; i < 30; i++) {
                    connection.strings().set("key-" + i, bytes("v"), SetArgs.Builder.px(10_000)).toCompletableFuture().join();
                    assertThat(connection.strings().get("key-" + i).toCompletableFuture().join()).isNotNull();
                }

                // Then each command is one observation (not one per layer), and several node connections are open
                await().untilAsserted(() -> assertThat(metrics.inFlight()).isZero());
                String text = scrape();
                assertThat(count(text, "token_cache", "set", "success")).isEqualTo(30);
                assertThat(count(text, "token_cache", "get", "success")).isEqualTo(30);
                assertThat(text).contains(series("bucket", "token_cache", "get", "success") + ",le=\"0.001\"}");
                assertThat(text).contains("authtier_redis_commands_in_flight{client=\"token_cache\"} 0.0");
                assertThat(gauge(text, "authtier_redis_connections_open{client=\"token_cache\"}")).isGreaterThanOrEqualTo(3);
            }
        } finally {
            nodes.forEach(RedisServers.Server::stop);
        }
    }

    @SuppressWarnings("unchecked")
    private static RedisScriptingAsyncCommands<String, byte[]> scripts(RedisConnection connection) {
        return (RedisScriptingAsyncCommands<String, byte[]>) connection.strings();
    }

    private String scrape() {
        return registry.scrape();
    }

    private static String series(String suffix, String client, String command, String outcome) {
        return "authtier_redis_command_duration_seconds_" + suffix + "{client=\"" + client + "\",command=\"" + command
                + "\",outcome=\"" + outcome + "\"";
    }

    private static long count(String text, String client, String command, String outcome) {
        return (long) gauge(text, series("count", client, command, outcome) + "}");
    }

    private static double gauge(String text, String series) {
        Matcher value = Pattern.compile("(?m)^" + Pattern.quote(series) + " (\\S+)$").matcher(text);
        return value.find() ? Double.parseDouble(value.group(1)) : -1;
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
