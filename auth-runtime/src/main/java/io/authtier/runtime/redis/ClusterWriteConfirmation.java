package io.authtier.runtime.redis;

import io.lettuce.core.RedisURI;
import io.lettuce.core.cluster.SlotHash;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.cluster.models.partitions.Partitions;
import io.lettuce.core.cluster.models.partitions.RedisClusterNode;
import java.time.Duration;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * {@link WriteConfirmation} in a Redis Cluster: {@code WAIT 1 timeout} on each master that serves one of the
 * keys and has a replica that is not marked failing. Replication is asynchronous; a master acknowledges a
 * DEL before any replica has it, and a failover to a replica that lags promotes a copy in which the
 * session still lives. WAIT makes the master answer once a replica has acknowledged every write that this
 * client sent before it.
 *
 * <p>WAIT counts the writes of the client (the connection) it is sent on, so it goes over the connection
 * that carried the writes: lettuce keeps one write connection per master, keyed by the master's host and
 * port, and {@code getConnectionAsync(host, port)} returns that one. A master without a live replica needs
 * no WAIT: nothing could be promoted in its place.
 */
final class ClusterWriteConfirmation implements WriteConfirmation {

    private final StatefulRedisClusterConnection<String, byte[]> connection;
    private final long timeoutMillis;

    /** @param timeout how long each master waits for a replica; below the command timeout, so that WAIT answers first */
    ClusterWriteConfirmation(StatefulRedisClusterConnection<String, byte[]> connection, Duration timeout) {
        this.connection = Objects.requireNonNull(connection, "connection");
        this.timeoutMillis = Math.max(1, timeout.toMillis());
    }

    @Override
    public CompletionStage<Void> confirm(Collection<String> keys) {
        Partitions partitions = connection.getPartitions();
        Map<String, RedisClusterNode> masters = new LinkedHashMap<>();
        for (String key : keys) {
            RedisClusterNode master = partitions.getMasterBySlot(SlotHash.getSlot(key));
            if (master != null && hasLiveReplica(partitions, master)) {
                masters.putIfAbsent(master.getNodeId(), master);
            }
        }
        return CompletableFuture.allOf(masters.values().stream().map(this::await).toArray(CompletableFuture[]::new));
    }

    private CompletableFuture<Void> await(RedisClusterNode master) {
        RedisURI uri = master.getUri();
        return connection.getConnectionAsync(uri.getHost(), uri.getPort())
                .thenCompose(node -> node.async().waitForReplication(1, timeoutMillis))
                .thenAccept(acknowledged -> {
                    if (acknowledged < 1) {
                        throw new ReplicationNotConfirmedException(uri.getHost() + ":" + uri.getPort(), timeoutMillis);
                    }
                });
    }

    private static boolean hasLiveReplica(Partitions partitions, RedisClusterNode master) {
        return partitions.stream().anyMatch(node -> node.is(RedisClusterNode.NodeFlag.REPLICA)
                && master.getNodeId().equals(node.getSlaveOf())
                && !node.is(RedisClusterNode.NodeFlag.FAIL) && !node.is(RedisClusterNode.NodeFlag.EVENTUAL_FAIL));
    }
}
