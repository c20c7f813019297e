package io.authtier.runtime.redis;

import io.authtier.runtime.config.HostAndPort;
import io.authtier.runtime.config.RedisConfig;
import io.lettuce.core.AbstractRedisClient;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisConnectionException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.SslOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulConnection;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.cluster.ClusterClientOptions;
import io.lettuce.core.cluster.ClusterTopologyRefreshOptions;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.codec.RedisCodec;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.Delay;
import io.lettuce.core.resource.EpollProvider;
import io.lettuce.core.resource.ExtendedKeepAliveSupport;
import io.lettuce.core.resource.IOUringProvider;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.IntSupplier;
import java.util.function.Supplier;

/**
 * Opens a {@link RedisConnection} for a {@link RedisConfig}: the one switch on {@code redis.topology}.
 *
 * <p>Each command has {@code commandTimeout}; standalone commands fail at once while disconnected (no
 * queue that would make requests wait for Redis), Cluster commands wait at most the timeout for a node
 * connection; reconnects are retried every 10 ms … 1 s. The
 * password is read from its file when connecting and never logged.
 *
 * <p>Dead links are given up, never waited on: a connect (TCP, TLS and lettuce's handshake) and a Cluster
 * topology refresh take at most {@link #connectTimeout}, not lettuce's 60 s; a connection whose oldest command
 * has waited {@link #replyDeadline} without an answer is closed and made anew
 * ({@link UnansweredCommandWatchdog}); an idle connection to a peer gone without a RST is found by TCP
 * keepalive ({@link #KEEPALIVE_IDLE}, then {@link #KEEPALIVE_COUNT} probes {@link #KEEPALIVE_INTERVAL} apart),
 * and one with unacknowledged bytes by TCP_USER_TIMEOUT where the transport has it (epoll, io_uring: Linux).
 */
public final class RedisConnections {

    private static final RedisCodec<String, byte[]> CODEC = RedisCodec.of(StringCodec.UTF8, ByteArrayCodec.INSTANCE);
    /** An idle connection is probed after this long without traffic… */
    static final Duration KEEPALIVE_IDLE = Duration.ofSeconds(10);
    /** …then every this long… */
    static final Duration KEEPALIVE_INTERVAL = Duration.ofSeconds(5);
    /** …and given up after this many unanswered probes (25 s in all). */
    static final int KEEPALIVE_COUNT = 3;
    /** Unacknowledged bytes are given up after as long as keepalive takes (RFC 5482; Linux only). */
    static final Duration TCP_USER_TIMEOUT = KEEPALIVE_IDLE.plus(KEEPALIVE_INTERVAL.multipliedBy(KEEPALIVE_COUNT));
    /** The least time a connect may take: a TLS handshake on a busy network needs more than the L2 cache's 250 ms. */
    static final Duration MIN_CONNECT_TIMEOUT = Duration.ofSeconds(1);

    private RedisConnections() {
    }

    /** {@link #open(RedisConfig, Duration, Optional)} without metrics: for tests and tools. */
    public static RedisConnection open(RedisConfig config, Duration commandTimeout) {
        return open(config, commandTimeout, Optional.empty());
    }

    /**
     * Connects; fails with {@link io.lettuce.core.RedisConnectionException} if Redis cannot be reached now.
     * Later outages are survived: the connection reconnects by itself.
     *
     * @param metrics times every command this connection sends and counts those in flight and the
     *                connections open (the runtime always passes them)
     */
    public static RedisConnection open(RedisConfig config, Duration commandTimeout, Optional<RedisMetrics> metrics) {
        return open(config, commandTimeout, metrics, SslOptions.create());
    }

    /**
     * As {@link #open(RedisConfig, Duration, Optional)}, with {@code tls} for {@code redis.tls: true}: the runtime
     * passes lettuce's defaults (the JVM's trust store, host name verified); tests pass a throwaway CA.
     */
    static RedisConnection open(RedisConfig config, Duration commandTimeout, Optional<RedisMetrics> metrics, SslOptions tls) {
        // Named after the client label ("authtier-sessions", "authtier-token_cache"), so that CLIENT LIST tells them apart.
        Optional<String> name = metrics.map(m -> "authtier-" + m.client());
        List<RedisURI> uris = config.endpoints().stream()
                .map(endpoint -> uri(endpoint, config, connectTimeout(commandTimeout), name)).toList();
        ClientResources resources = ClientResources.builder()
                .reconnectDelay(Delay.exponential(Duration.ofMillis(10), Duration.ofSeconds(1), 2, TimeUnit.MILLISECONDS))
                .nettyCustomizer(new ChannelSetup(List.of(
                        new UnansweredCommandWatchdog(replyDeadline(commandTimeout)), new CoalescedFlushes())))
                .build();
        // From here on connected() owns the resources: it shuts them down with the client on every failure.
        return switch (config.topology()) {
            case Standalone -> standalone(resources, uris.getFirst(), commandTimeout, metrics, tls);
            case Cluster -> cluster(resources, uris, commandTimeout, metrics, tls);
        };
    }

    private static RedisConnection standalone(ClientResources resources, RedisURI uri, Duration commandTimeout,
            Optional<RedisMetrics> metrics, SslOptions tls) {
        CountingRedisClient client = new CountingRedisClient(resources, uri);
        metrics.ifPresent(client::addListener);
        client.setOptions(ClientOptions.builder()
                .sslOptions(tls)
                .autoReconnect(true)
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                .socketOptions(socketOptions(commandTimeout))
                .timeoutOptions(TimeoutOptions.enabled(commandTimeout))
                .build());
        return connected(client, () -> client.connectAsync(CODEC, uri).toCompletableFuture(), StatefulRedisConnection::async,
                connection -> WriteConfirmation.NONE, client::openChannels, resources, metrics);
    }

    private static RedisConnection cluster(ClientResources resources, List<RedisURI> seeds, Duration commandTimeout,
            Optional<RedisMetrics> metrics, SslOptions tls) {
        CountingClusterClient client = new CountingClusterClient(resources, seeds);
        metrics.ifPresent(client::addListener);
        client.setOptions(ClusterClientOptions.builder()
                .sslOptions(tls)
                .autoReconnect(true)
                // Not REJECT_COMMANDS: lettuce opens node connections lazily and would reject the first
                // command to each node. A disconnected node costs at most commandTimeout instead.
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.ACCEPT_COMMANDS)
                .socketOptions(socketOptions(commandTimeout))
                .timeoutOptions(TimeoutOptions.enabled(commandTimeout))
                // Adaptive refresh (MOVED, ASK, reconnects) is on by default in lettuce 7; add a periodic one.
                .topologyRefreshOptions(ClusterTopologyRefreshOptions.builder()
                        .enablePeriodicRefresh(Duration.ofSeconds(30))
                        .build())
                .build());
        // WAIT answers in half the command timeout, so that its own answer (0 replicas) comes before lettuce gives up on it.
        return connected(client, () -> client.refreshPartitionsAsync().toCompletableFuture()
                        .thenCompose(topology -> client.connectAsync(CODEC)), StatefulRedisClusterConnection::async,
                connection -> new ClusterWriteConfirmation(connection, commandTimeout.dividedBy(2)), client::openChannels, resources,
                metrics);
    }

    /**
     * Connects through {@code client}; the connection's close also shuts the client and {@code resources} down, and so
     * does every failure.
     *
     * <p>A connect cut short (the connecting thread interrupted by {@link RedisConnector#close()}) returns at once, but
     * the client is shut down only once lettuce's connect has ended: shut down under a connect still in flight, Netty
     * could end the event loop with the new socket open and connected, and Redis kept it as a client without a name
     * until the runtime exited (one such close in forty).
     */
    private static <C extends StatefulConnection<String, byte[]>> RedisConnection connected(AbstractRedisClient client,
            Supplier<? extends CompletableFuture<C>> connect, Function<C, ? extends RedisClusterAsyncCommands<String, byte[]>> async,
            Function<C, WriteConfirmation> confirmation, IntSupplier openChannels, ClientResources resources, Optional<RedisMetrics> metrics) {
        Runnable shutdown = () -> {
            // Each step even if the one before fails (an interrupted thread makes lettuce's shutdown throw):
            // the resources' threads must end whatever happened to the client.
            try {
                client.shutdown();
            } finally {
                resources.shutdown(0, 1, TimeUnit.SECONDS);
            }
        };
        CompletableFuture<C> connecting;
        try {
            connecting = connect.get();
        } catch (RuntimeException e) {
            shutDownAfter(e, shutdown);
            throw e;
        }
        C connection;
        try {
            connection = connecting.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            // Runs on an event loop when the connect ends: nothing here may block.
            connecting.handle((late, failed) -> late == null ? CompletableFuture.completedFuture(null) : late.closeAsync())
                    .thenCompose(closed -> closed)
                    .whenComplete((closed, error) -> client.shutdownAsync(0, 1, TimeUnit.SECONDS)
                            .whenComplete((done, failure) -> resources.shutdown(0, 1, TimeUnit.SECONDS)));
            throw RedisConnectionException.create(e);
        } catch (ExecutionException e) {
            RedisConnectionException failure = RedisConnectionException.create(e.getCause());
            shutDownAfter(failure, shutdown);
            throw failure;
        }
        metrics.ifPresent(m -> m.connectionsOpen(openChannels));
        RedisClusterAsyncCommands<String, byte[]> commands = async.apply(connection);
        return new RedisConnection(commands, commands, confirmation.apply(connection), () -> {
            try {
                metrics.ifPresent(RedisMetrics::closed);
                connection.close();
            } finally {
                shutdown.run();
            }
        });
    }

    /** Runs {@code shutdown} after {@code failure}, which stays the exception thrown: a shutdown's own failure is added to it. */
    private static void shutDownAfter(RuntimeException failure, Runnable shutdown) {
        try {
            shutdown.run();
        } catch (RuntimeException e) {
            failure.addSuppressed(e);
        }
    }

    /** A {@link RedisClient} that tells how many connections it has open (lettuce keeps the count, not public). */
    private static final class CountingRedisClient extends RedisClient {

        CountingRedisClient(ClientResources resources, RedisURI uri) {
            super(resources, uri);
        }

        int openChannels() {
            return getChannelCount();
        }
    }

    /** A {@link RedisClusterClient} that tells how many node connections it has open. */
    private static final class CountingClusterClient extends RedisClusterClient {

        CountingClusterClient(ClientResources resources, List<RedisURI> seeds) {
            super(resources, seeds);
        }

        int openChannels() {
            return getChannelCount();
        }
    }

    /**
     * How long a connect may take: the command timeout, at least {@link #MIN_CONNECT_TIMEOUT}. Lettuce takes
     * the RedisURI's timeout (60 s by default) for its handshake after TCP and TLS, and a Redis that accepts
     * and does not answer would hold every reconnect that long.
     */
    static Duration connectTimeout(Duration commandTimeout) {
        return commandTimeout.compareTo(MIN_CONNECT_TIMEOUT) < 0 ? MIN_CONNECT_TIMEOUT : commandTimeout;
    }

    /**
     * How long the oldest command of a connection may wait before the connection is made anew: twice the
     * command timeout, at least a second, so that one slow answer (a Redis fork, a long script) does not
     * cost the connection, while one that never comes costs it within seconds.
     */
    static Duration replyDeadline(Duration commandTimeout) {
        Duration twice = commandTimeout.multipliedBy(2);
        return twice.compareTo(Duration.ofSeconds(1)) < 0 ? Duration.ofSeconds(1) : twice;
    }

    /** Lettuce refuses to connect if asked for a socket option its transport lacks, so each is asked for only where it exists. */
    private static SocketOptions socketOptions(Duration commandTimeout) {
        SocketOptions.Builder options = SocketOptions.builder().connectTimeout(connectTimeout(commandTimeout));
        if (ExtendedKeepAliveSupport.isSupported()) {
            options.keepAlive(SocketOptions.KeepAliveOptions.builder().enable()
                    .idle(KEEPALIVE_IDLE).interval(KEEPALIVE_INTERVAL).count(KEEPALIVE_COUNT).build());
        } else {
            options.keepAlive(true); // the OS's own timing (hours on macOS); the watchdog still closes unanswered connections
        }
        return options.tcpUserTimeout(SocketOptions.TcpUserTimeoutOptions.builder()
                        .enable(EpollProvider.isAvailable() || IOUringProvider.isAvailable())
                        .tcpUserTimeout(TCP_USER_TIMEOUT).build())
                .build();
    }

    private static RedisURI uri(HostAndPort endpoint, RedisConfig config, Duration connectTimeout, Optional<String> clientName) {
        RedisURI.Builder builder = RedisURI.builder().withHost(endpoint.host()).withPort(endpoint.port()).withSsl(config.tls())
                .withTimeout(connectTimeout);
        clientName.ifPresent(builder::withClientName);
        password(config.passwordFile()).ifPresent(builder::withPassword);
        return builder.build();
    }

    private static Optional<char[]> password(Optional<Path> file) {
        return file.map(path -> {
            try {
                return stripTrailingNewline(Files.readString(path)).toCharArray();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read redis.passwordFile (" + e.getClass().getSimpleName() + ")", e);
            }
        });
    }

    /** The content of a secret file without its trailing CR/LF, as {@code kubectl create secret} may add one. */
    static String stripTrailingNewline(String text) {
        int end = text.length();
        while (end > 0 && (text.charAt(end - 1) == '\n' || text.charAt(end - 1) == '\r')) {
            end--;
        }
        return text.substring(0, end);
    }
}
