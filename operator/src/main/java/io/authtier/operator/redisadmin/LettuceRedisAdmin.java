package io.authtier.operator.redisadmin;

import io.authtier.operator.redisadmin.ClusterAction.Bootstrap;
import io.authtier.operator.redisadmin.ClusterAction.ForgetNode;
import io.authtier.operator.redisadmin.ClusterAction.MeetNode;
import io.authtier.operator.redisadmin.ClusterAction.MigrateSlots;
import io.authtier.operator.redisadmin.ClusterAction.Refuse;
import io.authtier.operator.redisadmin.ClusterAction.RemeetNode;
import io.authtier.operator.redisadmin.ClusterAction.ReplicateMaster;
import io.authtier.operator.redisadmin.ClusterAction.SlotAssignment;
import io.authtier.operator.redisadmin.ClusterAction.Wait;
import io.authtier.operator.redisadmin.NodeObservation.Failure;
import io.authtier.operator.redisadmin.NodeObservation.Reachable;
import io.authtier.operator.redisadmin.NodeObservation.Unreachable;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.MigrateArgs;
import io.lettuce.core.Range;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.SslOptions;
import io.lettuce.core.SslVerifyMode;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link RedisAdmin} over lettuce: one short-lived connection per node and action, no cluster client (the
 * cluster may not exist yet). Decisions are {@link ClusterPlanner}'s; this class only talks to Redis.
 */
public final class LettuceRedisAdmin implements RedisAdmin {

  private static final Logger LOG = LoggerFactory.getLogger(LettuceRedisAdmin.class);

  /**
   * @param commandTimeout connect and command timeout per node
   * @param migrateBatch keys per {@code MIGRATE} call
   * @param migrateTimeout {@code MIGRATE}'s own timeout for one batch
   */
  public record Settings(Duration commandTimeout, int migrateBatch, Duration migrateTimeout) {
    public Settings {
      Objects.requireNonNull(commandTimeout, "commandTimeout");
      Objects.requireNonNull(migrateTimeout, "migrateTimeout");
      if (migrateBatch < 1) {
        throw new IllegalArgumentException("migrateBatch must be at least 1, got " + migrateBatch);
      }
    }

    public static Settings defaults() {
      return new Settings(Duration.ofSeconds(5), 100, Duration.ofSeconds(10));
    }
  }

  /**
   * TLS to Redis. When enabled, the peer is verified (certificate chain and host name) against the trust
   * material of {@code options}; {@link #jvmTrustStore()} uses the JVM's default trust store.
   */
  public record Tls(boolean enabled, SslOptions options) {
    public Tls {
      Objects.requireNonNull(options, "options");
    }

    public static Tls off() {
      return new Tls(false, SslOptions.create());
    }

    public static Tls jvmTrustStore() {
      return new Tls(true, SslOptions.create());
    }

    /** TLS that trusts what {@code options} trust (a test's own CA), without touching JVM-wide settings. */
    public static Tls trusting(SslOptions options) {
      return new Tls(true, options);
    }
  }

  private final Settings settings;
  private final Tls tls;
  private final RedisPassword password;
  private final ClusterPlanner planner;
  private final Clock clock;
  private final ClientResources resources;
  private final RedisClient client;

  /** Without TLS. */
  public LettuceRedisAdmin(Settings settings, RedisPassword password, ClusterPlanner planner, Clock clock) {
    this(settings, Tls.off(), password, planner, clock);
  }

  public LettuceRedisAdmin(Settings settings, Tls tls, RedisPassword password, ClusterPlanner planner, Clock clock) {
    this.settings = Objects.requireNonNull(settings, "settings");
    this.tls = Objects.requireNonNull(tls, "tls");
    this.password = Objects.requireNonNull(password, "password");
    this.planner = Objects.requireNonNull(planner, "planner");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.resources = DefaultClientResources.builder().ioThreadPoolSize(2).computationThreadPoolSize(2).build();
    this.client = RedisClient.create(resources);
    this.client.setOptions(ClientOptions.builder()
        .autoReconnect(false)
        .sslOptions(tls.options())
        .socketOptions(SocketOptions.builder().connectTimeout(settings.commandTimeout()).build())
        .build());
  }

  // ---------------------------------------------------------------- observe

  @Override
  public ClusterObservation observe(List<RedisNodeAddress> nodes) {
    Instant at = clock.instant();
    return new ClusterObservation(at, nodes.stream().map(this::observe).toList());
  }

  private NodeObservation observe(RedisNodeAddress address) {
    try (StatefulRedisConnection<byte[], byte[]> connection = connect(address)) {
      RedisCommands<byte[], byte[]> redis = connection.sync();
      long dbSize = redis.dbsize();
      String info;
      try {
        info = redis.clusterInfo();
      } catch (RedisCommandExecutionException e) {
        if (e.getMessage() != null && e.getMessage().contains("cluster support disabled")) {
          return new Reachable(address, false, "", "disabled", 1, dbSize, List.of());
        }
        throw e;
      }
      Map<String, String> fields = info.lines()
          .filter(l -> l.indexOf(':') > 0)
          .collect(Collectors.toMap(l -> l.substring(0, l.indexOf(':')), l -> l.substring(l.indexOf(':') + 1).trim(),
              (a, b) -> b));
      return new Reachable(
          address,
          true,
          redis.clusterMyId(),
          fields.getOrDefault("cluster_state", "unknown"),
          Integer.parseInt(fields.getOrDefault("cluster_known_nodes", "1")),
          dbSize,
          ClusterNodeEntry.parseAll(redis.clusterNodes()),
          resolve(address));
    } catch (RedisException e) {
      return new Unreachable(address, failure(e), describe(e));
    }
  }

  // ---------------------------------------------------------------- plan

  @Override
  public List<ClusterAction> plan(ClusterObservation observation, DesiredCluster desired) {
    return planner.plan(observation, desired);
  }

  // ---------------------------------------------------------------- execute

  @Override
  public void execute(List<ClusterAction> actions) {
    for (ClusterAction action : actions) {
      Instant start = clock.instant();
      switch (action) {
        case Bootstrap b -> bootstrap(b);
        case MeetNode m -> on(m.via(), "CLUSTER MEET " + m.node(), r -> meet(r, m.node()));
        case RemeetNode m ->
            on(m.via(), "CLUSTER MEET " + m.node() + " (" + m.nodeId() + ", listed at " + m.listedAt() + ")",
                r -> meet(r, m.node()));
        case ReplicateMaster r ->
            on(r.replica(), "CLUSTER REPLICATE " + r.masterId() + " (" + r.master() + ")",
                c -> c.clusterReplicate(r.masterId()));
        case ForgetNode f -> forget(f);
        case MigrateSlots m -> migrate(m);
        case Refuse r -> LOG.warn("Redis cluster: refused: {}", r.reason());
        case Wait w -> LOG.info("Redis cluster: waiting: {}", w.reason());
      }
      if (action.changesRedis()) {
        LOG.info("Redis cluster: {} done in {} ms", summary(action), Duration.between(start, clock.instant()).toMillis());
      }
    }
  }

  private void bootstrap(Bootstrap bootstrap) {
    List<SlotAssignment> masters = bootstrap.masters();
    for (int i = 0; i < masters.size(); i++) {
      SlotAssignment m = masters.get(i);
      long epoch = i + 1L;
      on(m.master(), "bootstrap slots " + m.slots(), redis -> {
        redis.clusterSetConfigEpoch(epoch);
        for (SlotRange r : m.slots()) {
          redis.clusterAddSlotsRange(Range.create(r.start(), r.end()));
        }
        return "OK";
      });
    }
    RedisNodeAddress first = masters.getFirst().master();
    List<RedisNodeAddress> rest = new ArrayList<>();
    masters.stream().skip(1).forEach(m -> rest.add(m.master()));
    rest.addAll(bootstrap.others());
    on(first, "bootstrap CLUSTER MEET " + rest, redis -> {
      for (RedisNodeAddress node : rest) {
        meet(redis, node);
      }
      return "OK";
    });
  }

  private void forget(ForgetNode forget) {
    for (RedisNodeAddress node : forget.on()) {
      try {
        on(node, "CLUSTER FORGET " + forget.nodeId(), r -> r.clusterForget(forget.nodeId()));
      } catch (RedisAdminException e) {
        if (!String.valueOf(e.getCause().getMessage()).contains("Unknown node")) {
          throw e;
        }
      }
    }
  }

  private void migrate(MigrateSlots m) {
    try (StatefulRedisConnection<byte[], byte[]> sourceConnection = connect(m.source());
        StatefulRedisConnection<byte[], byte[]> targetConnection = connect(m.target())) {
      RedisCommands<byte[], byte[]> source = sourceConnection.sync();
      RedisCommands<byte[], byte[]> target = targetConnection.sync();
      long timeoutMillis = settings.migrateTimeout().toMillis();
      for (int slot : SlotRange.slots(m.slots())) {
        target.clusterSetSlotImporting(slot, m.sourceId());
        source.clusterSetSlotMigrating(slot, m.targetId());
        while (true) {
          List<byte[]> keys = source.clusterGetKeysInSlot(slot, settings.migrateBatch());
          if (keys.isEmpty()) {
            break;
          }
          MigrateArgs<byte[]> args = MigrateArgs.Builder.keys(keys);
          password.chars().ifPresent(args::auth);
          source.migrate(m.target().host(), m.target().port(), 0, timeoutMillis, args);
        }
        target.clusterSetSlotNode(slot, m.targetId());
        source.clusterSetSlotNode(slot, m.targetId());
      }
    } catch (RedisException e) {
      throw new RedisAdminException("Redis cluster: moving slots " + m.slots() + " from " + m.source() + " to "
          + m.target() + " failed: " + describe(e) + "; the next round resumes the open slot", e);
    }
  }

  // ---------------------------------------------------------------- plumbing

  private String on(RedisNodeAddress node, String what, Function<RedisCommands<byte[], byte[]>, String> command) {
    try (StatefulRedisConnection<byte[], byte[]> connection = connect(node)) {
      return command.apply(connection.sync());
    } catch (RedisException e) {
      throw new RedisAdminException("Redis cluster: " + what + " on " + node + " failed: " + describe(e), e);
    }
  }

  private StatefulRedisConnection<byte[], byte[]> connect(RedisNodeAddress node) {
    RedisURI.Builder uri = RedisURI.builder()
        .withHost(node.host())
        .withPort(node.port())
        .withTimeout(settings.commandTimeout());
    password.chars().ifPresent(uri::withPassword);
    if (tls.enabled()) {
      uri.withSsl(true).withVerifyPeer(SslVerifyMode.FULL);
    }
    return client.connect(ByteArrayCodec.INSTANCE, uri.build());
  }

  private static String meet(RedisCommands<byte[], byte[]> redis, RedisNodeAddress node) {
    return redis.clusterMeet(ip(node), node.port());
  }

  /** CLUSTER MEET takes an IP address, not a host name: resolve the stable DNS name now. */
  private static String ip(RedisNodeAddress node) {
    try {
      return InetAddress.getByName(node.host()).getHostAddress();
    } catch (UnknownHostException e) {
      throw new RedisAdminException("Redis cluster: cannot resolve " + node.host() + " to meet it", e);
    }
  }

  /** Observed with each node: a peer that lists the node at another IP than this one lists a stale address. */
  private static Optional<String> resolve(RedisNodeAddress node) {
    try {
      return Optional.of(ip(node));
    } catch (RedisAdminException e) {
      return Optional.empty();
    }
  }

  private static Failure failure(RedisException e) {
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof SSLException) {
        return Failure.TLS;
      }
      String message = String.valueOf(t.getMessage());
      if (t instanceof RedisCommandExecutionException
          && (message.startsWith("WRONGPASS") || message.startsWith("NOAUTH"))) {
        return Failure.AUTHENTICATION;
      }
    }
    return Failure.NO_ANSWER;
  }

  private static String describe(RedisException e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    return root.getMessage() != null ? root.getMessage() : root.getClass().getSimpleName();
  }

  private static String summary(ClusterAction action) {
    return switch (action) {
      case MigrateSlots m -> "MigrateSlots " + m.slotCount() + " slots " + m.source() + " -> " + m.target();
      default -> action.toString();
    };
  }

  @Override
  public void close() {
    client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
    resources.shutdown(0, 2, java.util.concurrent.TimeUnit.SECONDS);
  }
}
