package io.authtier.runtime.redis;

import io.authtier.runtime.config.RedisConfig;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Redis connection that may not exist yet: the runtime starts even if Redis cannot be reached (the
 * caches then work without L2), and the connection is made later, in the background. Once made, lettuce
 * keeps it alive across outages by itself.
 *
 * <p>Nothing here blocks its caller: the first attempt starts in the background when the connector is
 * made (a Redis that accepts and does not answer holds an attempt for the connect timeout, and start-up
 * must not wait for it: bearer tokens need no Redis), and {@link #current()} returns the connection if
 * there is one, and otherwise starts one background attempt unless one is running or one ended less
 * than {@code retryInterval} ago.
 *
 * <p>{@link #close()} closes the connection and cuts a connect in progress short; a connect that completes
 * after close began anyway is closed by the attempt that made it, never kept.
 */
public final class RedisConnector implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(RedisConnector.class);

    private final Supplier<RedisConnection> opener;
    private final Clock clock;
    private final long retryMillis;
    private final ExecutorService background = Executors.newSingleThreadExecutor(
            Thread.ofPlatform().name("authtier-redis-connect").daemon(true).factory());
    private final AtomicReference<RedisConnection> connection = new AtomicReference<>();
    private final AtomicBoolean attempting = new AtomicBoolean();
    private final AtomicLong nextAttempt = new AtomicLong();
    /** Written under {@link #lifecycle}, as is {@link #connection}: a connection is kept only while open. */
    private volatile boolean closed;
    private final Object lifecycle = new Object();
    private final String purpose;

    /**
     * Starts the first attempt to connect, in the background.
     *
     * @param opener        opens a connection or throws
     * @param retryInterval least time between two attempts while there is no connection
     */
    public RedisConnector(Supplier<RedisConnection> opener, Clock clock, Duration retryInterval) {
        this(opener, clock, retryInterval, "the L2 token cache");
    }

    /** @param purpose what waits for the connection, for the log lines: "the L2 token cache", "sessions" */
    public RedisConnector(Supplier<RedisConnection> opener, Clock clock, Duration retryInterval, String purpose) {
        this.purpose = Objects.requireNonNull(purpose, "purpose");
        this.opener = Objects.requireNonNull(opener, "opener");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.retryMillis = retryInterval.toMillis();
        attemptInBackground();
    }

    /** For {@code config}, with {@code commandTimeout} per command and its commands in {@code metrics}, retrying every second. */
    public static RedisConnector of(RedisConfig config, Duration commandTimeout, RedisMetrics metrics) {
        return new RedisConnector(() -> RedisConnections.open(config, commandTimeout, Optional.of(metrics)), Clock.systemUTC(),
                Duration.ofSeconds(1));
    }

    /** The connection, if made; otherwise empty, and a background attempt may start. */
    public Optional<RedisConnection> current() {
        RedisConnection open = connection.get();
        if (open != null || closed) {
            return Optional.ofNullable(open);
        }
        if (clock.millis() >= nextAttempt.get()) {
            attemptInBackground();
        }
        return Optional.empty();
    }

    private void attemptInBackground() {
        if (!attempting.compareAndSet(false, true)) {
            return;
        }
        try {
            background.execute(() -> {
                try {
                    attempt();
                } finally {
                    attempting.set(false);
                }
            });
        } catch (RuntimeException rejected) {
            attempting.set(false);
        }
    }

    private void attempt() {
        RedisConnection opened;
        try {
            opened = opener.get();
        } catch (RuntimeException e) {
            nextAttempt.set(clock.millis() + retryMillis);
            // Fixed words for the cause, not its message: short, and nothing from the wire.
            LOG.warn("Redis not reachable ({}); {} waits for it", ConnectFailure.describe(e), purpose);
            return;
        }
        synchronized (lifecycle) {
            if (!closed && connection.compareAndSet(null, opened)) {
                LOG.info("Redis connected for {}", purpose);
                return;
            }
        }
        // Made after close() began: nobody else will close it. close() interrupts this thread to cut a connect
        // short; an interrupt that arrived once the connect was made would stop lettuce's blocking shutdown half way.
        Thread.interrupted();
        opened.close();
    }

    @Override
    public void close() {
        RedisConnection open;
        synchronized (lifecycle) {
            closed = true;
            open = connection.getAndSet(null);
        }
        background.shutdownNow();
        if (open != null) {
            open.close();
        }
    }
}
