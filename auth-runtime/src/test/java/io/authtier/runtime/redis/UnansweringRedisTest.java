package io.authtier.runtime.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

import io.authtier.runtime.config.HostAndPort;
import io.authtier.runtime.config.RedisConfig;
import io.authtier.runtime.config.RedisTopology;
import io.authtier.runtime.testsupport.TcpProxy;
import io.lettuce.core.RedisConnectionException;
import io.lettuce.core.SetArgs;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A Redis link that accepts and never answers (a {@link TcpProxy} in blackhole mode): connecting is
 * bounded by the command timeout, and a connection whose commands go unanswered is dropped and made
 * anew, so that commands work again within seconds of the link passing bytes again.
 */
@DisplayName("Redis that accepts and never answers: bounded connects, connections made anew")
class UnansweringRedisTest {

    private static final Duration TIMEOUT = Duration.ofMillis(500);

    @TempDir
    Path dir;
    RedisServers.Server server;
    TcpProxy proxy;

    @AfterEach
    void stop() {
        if (proxy != null) {
            proxy.close();
        }
        if (server != null) {
            server.stop();
        }
    }

    private RedisConfig viaProxy() {
        return new RedisConfig(RedisTopology.Standalone, List.of(new HostAndPort("127.0.0.1", proxy.port())), Optional.empty(), false);
    }

    @Test
    @DisplayName("Commands time out while the link is a blackhole, and work again within seconds once it passes bytes")
    void recoversAfterBlackhole() {
        server = RedisServers.standalone(dir);
        proxy = new TcpProxy(server.port());
        try (RedisConnection connection = RedisConnections.open(viaProxy(), TIMEOUT)) {
            connection.strings().set("k", bytes("v"), SetArgs.Builder.px(60_000)).toCompletableFuture().join();

            // When the link swallows every byte for a while, with commands sent meanwhile
            proxy.blackhole(true);
            for (int i = 0; i < 5; i++) {
                Throwable failed = catchThrowable(() -> connection.strings().get("k").toCompletableFuture().join());
                assertThat(failed).isInstanceOf(CompletionException.class);
            }

            // Then, once it passes bytes again, the same connection object answers again, and rightly
            proxy.blackhole(false);
            long healed = System.nanoTime();
            await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100)).ignoreExceptions()
                    .until(() -> "v".equals(string(connection.strings().get("k").toCompletableFuture().join())));
            System.out.printf("commands answered again %d ms after the link healed%n",
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - healed));
            assertThat(string(connection.strings().get("k").toCompletableFuture().join())).isEqualTo("v");
        }
    }

    @Test
    @DisplayName("Connecting to a Redis that accepts and never answers fails within a few command timeouts, not lettuce's 60 s")
    void connectIsBounded() {
        server = RedisServers.standalone(dir);
        proxy = new TcpProxy(server.port());
        proxy.blackhole(true);

        long start = System.nanoTime();
        Throwable failure = catchThrowable(() -> RedisConnections.open(viaProxy(), TIMEOUT).close());
        Duration took = Duration.ofNanos(System.nanoTime() - start);

        assertThat(failure).isInstanceOf(RedisConnectionException.class);
        assertThat(took).isLessThan(Duration.ofSeconds(5));
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static String string(byte[] value) {
        return value == null ? null : new String(value, StandardCharsets.UTF_8);
    }
}
