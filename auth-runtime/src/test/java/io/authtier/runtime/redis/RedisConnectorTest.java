package io.authtier.runtime.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.authtier.runtime.config.RedisTopology;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@DisplayName("RedisConnector: start without Redis, connect when it comes")
class RedisConnectorTest {

    @TempDir
    Path dir;

    @Test
    @DisplayName("No Redis at start: no connection and no exception; once Redis is up, the connection is made in the background")
    void connectsLater() {
        RedisServers.Server server = RedisServers.standalone(dir);
        server.stop();
        var config = RedisServers.config(RedisTopology.Standalone, List.of(server));

        try (RedisConnector connector = new RedisConnector(() -> RedisConnections.open(config, Duration.ofSeconds(2)),
                Clock.systemUTC(), Duration.ofMillis(50))) {
            assertThat(connector.current()).isEmpty();

            server.start();

            await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(20))
                    .until(() -> connector.current().isPresent());
            assertThat(connector.current().orElseThrow().strings().get("absent").toCompletableFuture().join()).isNull();
        } finally {
            server.stop();
        }
    }

    @Test
    @DisplayName("A connection whose connect completes after close() began is closed: no client left in Redis, no lettuce thread left running")
    void connectCompletingAfterCloseIsClosed() throws Exception {
        RedisServers.Server server = RedisServers.standalone(dir);
        var config = RedisServers.config(RedisTopology.Standalone, List.of(server));
        String client = "late-" + System.nanoTime();
        Set<Thread> before = Thread.getAllStackTraces().keySet();
        // The first connect, in the background, reaches Redis; its result reaches the connector only once close()
        // has begun (close() interrupts the connecting thread; a connect past lettuce's wait keeps that interrupt)
        CountDownLatch connectedToRedis = new CountDownLatch(1);
        CountDownLatch closeBegun = new CountDownLatch(1);
        Supplier<RedisConnection> opener = () -> {
            RedisConnection opened = RedisConnections.open(config, Duration.ofSeconds(2),
                    Optional.of(new RedisMetrics(new SimpleMeterRegistry(), client)));
            connectedToRedis.countDown();
            awaitUninterruptibly(closeBegun);
            return opened;
        };
        try {
            RedisConnector connector = new RedisConnector(opener, Clock.systemUTC(), Duration.ofSeconds(1));
            assertThat(connectedToRedis.await(20, TimeUnit.SECONDS)).isTrue();
            assertThat(server.command("CLIENT", "LIST")).contains("name=authtier-" + client);

            // When the connector is closed while that connect is finishing
            connector.close();
            closeBegun.countDown();

            // Then the late connection is closed, and its client's threads end
            await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
                assertThat(server.command("CLIENT", "LIST")).doesNotContain("name=authtier-" + client);
                assertThat(Thread.getAllStackTraces().keySet()).filteredOn(thread -> !before.contains(thread) && thread.isAlive())
                        .extracting(Thread::getName).noneMatch(name -> name.startsWith("lettuce-"));
            });
            assertThat(connector.current()).isEmpty();
        } finally {
            closeBegun.countDown();
            server.stop();
        }
    }

    @Test
    @DisplayName("Closed at any point of its first connect, 200 times over: no connection left in Redis, no lettuce thread left running")
    void closeDuringConnectLeavesNothing() {
        RedisServers.Server server = RedisServers.standalone(dir);
        var config = RedisServers.config(RedisTopology.Standalone, List.of(server));
        Set<Thread> before = Thread.getAllStackTraces().keySet();
        try {
            // close() interrupts the connect wherever it is: before TCP, during lettuce's handshake, or after it.
            // Before the fix one close in forty left a socket connected and nameless until the JVM exited.
            for (int i = 0; i < 200; i++) {
                RedisConnector connector = new RedisConnector(() -> RedisConnections.open(config, Duration.ofSeconds(2),
                        Optional.of(new RedisMetrics(new SimpleMeterRegistry(), "cut-short"))), Clock.systemUTC(), Duration.ofSeconds(1));
                LockSupport.parkNanos(ThreadLocalRandom.current().nextLong(TimeUnit.MILLISECONDS.toNanos(15)));
                connector.close();
            }

            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                assertThat(server.command("CLIENT", "LIST").lines()).filteredOn(client -> !client.contains("cmd=client|list")).isEmpty();
                assertThat(Thread.getAllStackTraces().keySet()).filteredOn(thread -> !before.contains(thread) && thread.isAlive())
                        .extracting(Thread::getName).noneMatch(name -> name.startsWith("lettuce-"));
            });
        } finally {
            server.stop();
        }
    }

    /** Waits for {@code latch}, keeping (not clearing) an interrupt that arrives meanwhile. */
    private static void awaitUninterruptibly(CountDownLatch latch) {
        boolean interrupted = false;
        while (true) {
            try {
                latch.await();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}
