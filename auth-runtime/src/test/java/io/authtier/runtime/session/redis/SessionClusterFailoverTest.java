package io.authtier.runtime.session.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.authtier.runtime.config.RedisTopology;
import io.authtier.runtime.redis.RedisConnection;
import io.authtier.runtime.redis.RedisConnections;
import io.authtier.runtime.redis.RedisServers;
import io.authtier.runtime.session.EncryptedSessionStore;
import io.authtier.runtime.session.Session;
import io.authtier.runtime.session.SessionLookup;
import io.authtier.runtime.session.SessionStore;
import io.authtier.runtime.session.SessionTicket;
import io.authtier.runtime.session.SessionTokens;
import io.authtier.runtime.session.SessionUser;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Sessions in a Redis Cluster of 3 masters and 3 replicas when a master dies: its replica is promoted and
 * every session survives. While the cluster fails over (node timeout 2 s here, then the election), loads
 * of the dead master's slots fail (the runtime answers 503); the test records how long that lasted.
 */
@DisplayName("Sessions survive a Redis Cluster failover")
class SessionClusterFailoverTest {

    @TempDir
    Path dir;
    List<RedisServers.Server> nodes = List.of();
    RedisConnection connection;

    @AfterEach
    void stop() {
        if (connection != null) {
            connection.close();
        }
        nodes.forEach(RedisServers.Server::close);
    }

    @Test
    @DisplayName("A master killed, its replica promoted: every session is still there, read by the same runtime")
    void masterKilled() {
        nodes = RedisServers.cluster(dir, 1);
        connection = RedisConnections.open(RedisServers.config(RedisTopology.Cluster, nodes.subList(0, 3)), Duration.ofSeconds(1));
        SessionStore store = new EncryptedSessionStore(new RedisSessionBytes(connection, false), Duration.ofHours(24),
                Duration.ofDays(7), Clock.systemUTC(), new SecureRandom());
        List<SessionTicket> tickets = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            SessionUser user = new SessionUser("https://idp.example", "user-" + i);
            Session session = Session.start(user, Optional.empty(), Optional.empty(), Optional.empty(), List.of(),
                    new SessionTokens("at-" + i, Optional.empty(), Optional.empty(), Instant.now().plusSeconds(300)), Instant.now());
            tickets.add(store.create(session).toCompletableFuture().join());
        }
        // Replication is asynchronous: wait until every replica has what its master wrote.
        await().atMost(Duration.ofSeconds(20)).until(() -> nodes.stream().filter(node -> role(node).equals("master"))
                .allMatch(SessionClusterFailoverTest::replicasCaughtUp));

        // When one master dies
        RedisServers.Server victim = nodes.stream().filter(node -> role(node).equals("master")).findFirst().orElseThrow();
        victim.stop();
        long killedAt = System.nanoTime();

        // Then, once its replica has taken over, every session loads again
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100)).until(() -> tickets.stream().allMatch(ticket -> {
            try {
                return store.load(ticket).toCompletableFuture().join() instanceof SessionLookup.Found;
            } catch (CompletionException e) {
                return false; // the dead master's slots, until the failover
            }
        }));
        Duration unavailable = Duration.ofNanos(System.nanoTime() - killedAt);
        System.out.printf("sessions of the dead master's slots unavailable for %d ms%n", unavailable.toMillis());
        assertThat(tickets).allSatisfy(ticket -> assertThat(store.load(ticket).toCompletableFuture().join())
                .isInstanceOf(SessionLookup.Found.class));
        // And new sessions are written again
        assertThat(store.create(Session.start(new SessionUser("https://idp.example", "after"), Optional.empty(), Optional.empty(),
                Optional.empty(), List.of(), new SessionTokens("at", Optional.empty(), Optional.empty(), Instant.now().plusSeconds(300)),
                Instant.now())).toCompletableFuture().join()).isNotNull();
    }

    private static String role(RedisServers.Server node) {
        String info = node.command("INFO", "replication");
        if (info == null) {
            return "down";
        }
        return info.contains("role:master") ? "master" : "replica";
    }

    /** Whether every replica of {@code master} reports the master's replication offset. */
    private static boolean replicasCaughtUp(RedisServers.Server master) {
        String info = master.command("INFO", "replication");
        String offset = info.lines().filter(l -> l.startsWith("master_repl_offset:")).findFirst().orElseThrow().substring(19).strip();
        List<String> replicas = info.lines().filter(l -> l.matches("slave\\d+:.*")).toList();
        return !replicas.isEmpty() && replicas.stream().allMatch(l -> l.contains("offset=" + offset + ","));
    }
}
