package io.authtier.runtime.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.authtier.runtime.config.RedisTopology;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Real Redis for one test class, as a JUnit extension: {@code @RegisterExtension static final RedisFixture
 * redis = RedisFixture.standalone();} (or {@link #cluster()}, 3 masters) starts the servers before the
 * class, opens one connection (to the first node) and stops everything after it.
 */
public final class RedisFixture implements BeforeAllCallback, AfterAllCallback {

    private final RedisTopology topology;
    private Path dir;
    private List<RedisServers.Server> servers;
    private RedisConnection connection;

    private RedisFixture(RedisTopology topology) {
        this.topology = topology;
    }

    public static RedisFixture standalone() {
        return new RedisFixture(RedisTopology.Standalone);
    }

    public static RedisFixture cluster() {
        return new RedisFixture(RedisTopology.Cluster);
    }

    @Override
    public void beforeAll(ExtensionContext context) throws IOException {
        dir = Files.createTempDirectory("redis-fixture-");
        servers = topology == RedisTopology.Cluster ? RedisServers.cluster(dir) : List.of(RedisServers.standalone(dir));
        connection = RedisConnections.open(RedisServers.config(topology, servers.subList(0, 1)), Duration.ofSeconds(2));
    }

    @Override
    public void afterAll(ExtensionContext context) throws IOException {
        if (connection != null) {
            connection.close();
        }
        if (servers != null) {
            servers.forEach(RedisServers.Server::stop);
        }
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (UncheckedIOException e) {
            // a leftover temporary file is harmless
        }
    }

    /** The connection to the servers (the first node, for a cluster). */
    public RedisConnection connection() {
        return connection;
    }

    /** The servers: one, or the cluster's masters. */
    public List<RedisServers.Server> servers() {
        return servers;
    }

    /** The key's PTTL in ms (−2 if absent, −1 if it has none), asked of the node that holds it. */
    public long pttl(String key) {
        return connection.keys().pttl(key).toCompletableFuture().join();
    }

    /** Asserts that {@code key}, written a moment ago with {@code ttl}, expires in (ttl − 5 s, ttl]. */
    public void assertExpiresIn(String key, Duration ttl) {
        assertThat(pttl(key)).isPositive().isLessThanOrEqualTo(ttl.toMillis()).isGreaterThan(ttl.toMillis() - 5_000);
    }

    /** The (first) server. */
    public RedisServers.Server server() {
        return servers.getFirst();
    }
}
