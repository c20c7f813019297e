package io.authtier.runtime.redis;

import io.lettuce.core.event.command.CommandBaseEvent;
import io.lettuce.core.event.command.CommandFailedEvent;
import io.lettuce.core.event.command.CommandListener;
import io.lettuce.core.event.command.CommandStartedEvent;
import io.lettuce.core.event.command.CommandSucceededEvent;
import io.lettuce.core.protocol.CommandType;
import io.lettuce.core.protocol.ProtocolKeyword;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.IntSupplier;

/**
 * The metrics of one Redis client (ARCHITECTURE.md, contract 5: Redis command latency and pool use), fed by
 * lettuce: {@link RedisConnections} adds this as the client's {@link CommandListener}, so every command the
 * runtime sends through it is timed, whatever sent it (token cache, sessions, pending logins, scripts) and on
 * standalone and Cluster alike. Labels: {@code client} (which connection, {@link #TOKEN_CACHE} or
 * {@link #SESSIONS}), {@code command} (the Redis command, e.g. {@code get}, {@code evalsha}) and
 * {@code outcome} ({@code success}, {@code error}); no key or value is ever a label.
 *
 * <p>lettuce multiplexes all commands over one connection per Redis node, so there is no pool to be
 * exhausted; the honest "pool use" is the commands in flight (sent, not yet answered) and the connections
 * open. Per command: one started and one finished event, an array read for the timer; no lock.
 */
public final class RedisMetrics implements CommandListener {

    /** {@code authtier_redis_command_duration_seconds{client,command,outcome}} (histogram). */
    public static final String COMMAND_DURATION = "authtier.redis.command.duration";
    /** {@code authtier_redis_commands_in_flight{client}}: sent and not yet answered (or timed out). */
    public static final String COMMANDS_IN_FLIGHT = "authtier.redis.commands.in.flight";
    /** {@code authtier_redis_connections_open{client}}: TCP connections of the client open now. */
    public static final String CONNECTIONS_OPEN = "authtier.redis.connections.open";

    /** The {@code client} label of the L2 token cache's connection. */
    public static final String TOKEN_CACHE = "token_cache";
    /** The {@code client} label of the connection of sessions and pending logins. */
    public static final String SESSIONS = "sessions";

    private static final Duration[] BUCKETS = {Duration.ofNanos(100_000), Duration.ofNanos(250_000), Duration.ofNanos(500_000),
            Duration.ofMillis(1), Duration.ofMillis(2), Duration.ofMillis(5), Duration.ofMillis(10), Duration.ofMillis(25),
            Duration.ofMillis(100), Duration.ofMillis(250), Duration.ofSeconds(1)};

    private static final String STARTED = "authtier.started";
    private static final CommandType[] TYPES = CommandType.values();
    private static final IntSupplier NONE_OPEN = () -> 0;

    private final MeterRegistry registry;
    private final String client;
    private final AtomicInteger inFlight = new AtomicInteger();
    /** Index {@code 2 * ordinal + (error ? 1 : 0)}; filled on a command type's first use. */
    private final AtomicReferenceArray<Timer> timers = new AtomicReferenceArray<>(2 * TYPES.length);
    /** Commands lettuce does not name in {@link CommandType} (none that the runtime sends). */
    private final Map<String, Timer> otherTimers = new ConcurrentHashMap<>();
    private volatile IntSupplier openConnections = NONE_OPEN;

    /** Registers the client's gauges (at 0 until it connects); {@code client} is a fixed word such as {@link #SESSIONS}. */
    public RedisMetrics(MeterRegistry registry, String client) {
        this.registry = Objects.requireNonNull(registry, "registry");
        this.client = Objects.requireNonNull(client, "client");
        Gauge.builder(COMMANDS_IN_FLIGHT, inFlight, AtomicInteger::get)
                .description("Redis commands sent and not yet answered, by client; lettuce multiplexes them over one connection per node")
                .tag("client", client)
                .register(registry);
        Gauge.builder(CONNECTIONS_OPEN, this, metrics -> metrics.openConnections.getAsInt())
                .description("TCP connections to Redis open now, by client (one per node in use, plus topology refreshes)")
                .tag("client", client)
                .strongReference(true)
                .register(registry);
    }

    /** The {@code client} label: {@link #TOKEN_CACHE} or {@link #SESSIONS}. */
    public String client() {
        return client;
    }

    /** The client's connections, from when it is connected until it is closed. */
    void connectionsOpen(IntSupplier open) {
        this.openConnections = Objects.requireNonNull(open, "open");
    }

    /** The client was closed: no connections. */
    void closed() {
        this.openConnections = NONE_OPEN;
    }

    /** Commands in flight now. */
    public int inFlight() {
        return inFlight.get();
    }

    @Override
    public void commandStarted(CommandStartedEvent event) {
        // lettuce's own start time has millisecond resolution; Redis answers in tenths of one.
        event.getContext().put(STARTED, System.nanoTime());
        inFlight.incrementAndGet();
    }

    @Override
    public void commandSucceeded(CommandSucceededEvent event) {
        finished(event, false);
    }

    @Override
    public void commandFailed(CommandFailedEvent event) {
        finished(event, true);
    }

    private void finished(CommandBaseEvent event, boolean error) {
        long now = System.nanoTime();
        inFlight.decrementAndGet();
        if (event.getContext().get(STARTED) instanceof Long started) {
            timer(event.getCommand().getType(), error).record(now - started, TimeUnit.NANOSECONDS);
        }
    }

    private Timer timer(ProtocolKeyword type, boolean error) {
        if (!(type instanceof CommandType known)) {
            String command = type.toString().toLowerCase(Locale.ROOT);
            return otherTimers.computeIfAbsent(command + (error ? "|error" : "|success"), key -> register(command, error));
        }
        int index = 2 * known.ordinal() + (error ? 1 : 0);
        Timer timer = timers.get(index);
        if (timer == null) {
            // Registering twice returns the same meter, so a race here costs nothing but the lookup.
            timer = register(known.toString().toLowerCase(Locale.ROOT), error);
            timers.set(index, timer);
        }
        return timer;
    }

    private Timer register(String command, boolean error) {
        return Timer.builder(COMMAND_DURATION)
                .description("Redis command latency, from sending to the answer, by client, command and outcome")
                .tag("client", client).tag("command", command).tag("outcome", error ? "error" : "success")
                .serviceLevelObjectives(BUCKETS)
                .register(registry);
    }
}
