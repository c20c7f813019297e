package io.authtier.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.authtier.runtime.config.RuntimeConfig;
import io.authtier.runtime.redis.RedisServers;
import io.authtier.runtime.testsupport.FreePorts;
import io.authtier.runtime.testsupport.RedisLoginConfig;
import io.authtier.runtime.testsupport.RunningRuntime;
import io.authtier.runtime.testsupport.SigningKeys;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A runtime that cannot start closes what it had opened: embedded (tests, benchmarks) nothing would close it
 * otherwise, and in {@link RuntimeMain} a leaked non-daemon thread would keep the JVM alive. Test classes run
 * one after another in one JVM, so the threads that appear during a test are the app's.
 */
@DisplayName("RuntimeApp: a start that fails half way")
class StartFailureTest {

    /** Names of the threads the app's resources run on: Vert.x's, lettuce's, the JDK HTTP clients', the runtime's own. */
    private static final List<String> APP_THREADS = List.of("vert.x-", "vertx-", "lettuce-", "HttpClient-", "authtier-");

    @TempDir
    Path dir;
    RedisServers.Server redis;
    RuntimeApp app;

    @BeforeEach
    void startRedis() {
        redis = RedisServers.standalone(dir);
    }

    @AfterEach
    void stop() {
        if (app != null) {
            app.stop(); // only matters if the test failed: a stopped app stops at once
        }
        redis.close();
    }

    @Test
    @DisplayName("A taken management port fails start with its reason, after closing the auth port, the Redis connection and every thread")
    void portTaken() throws Exception {
        Set<Thread> before = Thread.getAllStackTraces().keySet();
        try (ServerSocket taken = new ServerSocket(0)) {
            // Given an app with sessions in Redis, its management port taken, and its Redis connection made
            int[] ports = FreePorts.next(3);
            RuntimeConfig config = RunningRuntime.config("server: {port: %d, managementPort: %d, adminPort: %d}\n"
                    .formatted(ports[0], taken.getLocalPort(), ports[1])
                    + RedisLoginConfig.standalone(unreachableIssuer(ports[2]), SigningKeys.write(dir, "k1"), redis.port()));
            app = new RuntimeApp(config, Clock.systemUTC(), RuntimeApp.defaultJwksPolicy(config));
            await().atMost(Duration.ofSeconds(20)).until(() -> !app.notReady().contains("session store (Redis) not connected"));
            assertThat(redisClients()).hasSize(1);

            // When it starts: the auth port listens, then the management port cannot
            var started = app.start().toCompletionStage().toCompletableFuture();

            // Then start fails with the reason
            assertThat(started).failsWithin(Duration.ofSeconds(60)).withThrowableThat().havingCause()
                    .withMessageStartingWith("server.managementPort " + taken.getLocalPort() + ": cannot listen on ");
            // And by then the auth port is closed, and nothing else of the app is left
            // (a plain socket: an HTTP client would start threads of its own)
            assertThatThrownBy(() -> new Socket("127.0.0.1", ports[0]).close()).isInstanceOf(ConnectException.class);
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                assertThat(redisClients()).isEmpty();
                assertThat(newAppThreads(before)).isEmpty();
            });
        }
    }

    @Test
    @DisplayName("A signing key file gone when the app is built: the constructor throws why, after closing both Redis connections")
    void constructorFails() throws Exception {
        // Given a valid configuration with the L2 token cache and sessions in Redis, whose signing key file is then
        // removed (a Secret unmounted between the check of the configuration and the start)
        Path k1 = SigningKeys.write(dir, "k1");
        Path secret = Files.writeString(dir.resolve("introspection-secret"), "s3cret");
        int[] ports = FreePorts.next(4);
        RuntimeConfig config = RunningRuntime.config("""
                server: {port: %d, managementPort: %d, adminPort: %d}
                issuers:
                - name: main
                  issuerUrl: %s
                  audiences: [shop-api]
                  introspection: {clientId: authtier, clientSecretFile: %s}
                sessions:
                  store: Redis
                  cookie:
                    signingKeys: [{id: k1, file: %s}]
                  login:
                    issuer: main
                    clientId: shop-web
                    allowedRedirectDomains: [shop.example.com]
                redis:
                  endpoints: ["127.0.0.1:%d"]
                tokenCache:
                  l2: {enabled: true}
                """.formatted(ports[0], ports[1], ports[2], unreachableIssuer(ports[3]), secret, k1, redis.port()));
        Files.delete(k1);
        Set<Thread> before = Thread.getAllStackTraces().keySet();

        // When the app is built, then it throws why
        assertThatThrownBy(() -> new RuntimeApp(config, Clock.systemUTC(), RuntimeApp.defaultJwksPolicy(config)))
                .isInstanceOf(UncheckedIOException.class).hasMessageContaining("cannot read signing key 'k1'");
        // And both Redis connections, made or still being made, are closed, with their threads
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            assertThat(redisClients()).isEmpty();
            assertThat(newAppThreads(before)).isEmpty();
        });
    }

    /** An issuer URL where nothing listens: its keys never load, which does not matter here. */
    private static String unreachableIssuer(int port) {
        return "http://127.0.0.1:" + port + "/realms/shop";
    }

    /** The clients connected to {@link #redis}, one line each, but for the connection that asks. */
    private List<String> redisClients() {
        String list = redis.command("CLIENT", "LIST");
        assertThat(list).as("CLIENT LIST").isNotNull();
        return list.lines().filter(client -> !client.contains("cmd=client|list")).toList();
    }

    /** Live threads with the app's names that were not there {@code before}. */
    private static List<String> newAppThreads(Set<Thread> before) {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(thread -> !before.contains(thread) && thread.isAlive())
                .map(Thread::getName)
                .filter(name -> APP_THREADS.stream().anyMatch(name::startsWith))
                .toList();
    }
}
