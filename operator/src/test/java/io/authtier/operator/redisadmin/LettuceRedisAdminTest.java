package io.authtier.operator.redisadmin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.authtier.operator.redisadmin.ClusterAction.Bootstrap;
import io.authtier.operator.redisadmin.ClusterAction.ForgetNode;
import io.authtier.operator.redisadmin.ClusterAction.MeetNode;
import io.authtier.operator.redisadmin.ClusterAction.RemeetNode;
import io.authtier.operator.redisadmin.NodeObservation.Reachable;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.cluster.ClusterClientOptions;
import io.lettuce.core.cluster.ClusterTopologyRefreshOptions;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.cluster.api.sync.RedisAdvancedClusterCommands;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@DisplayName("LettuceRedisAdmin against real redis-server processes")
class LettuceRedisAdminTest {

  private static final DesiredCluster THREE_BY_TWO = new DesiredCluster(3, 1);
  private static final Duration CONVERGE = Duration.ofSeconds(60);

  @TempDir Path dir;

  private LocalRedisNodes redis;
  private LettuceRedisAdmin admin;
  private ClientResources resources;
  private final List<AutoCloseable> clients = new ArrayList<>();

  @BeforeEach
  void startAdmin() {
    redis = new LocalRedisNodes(dir);
    resources = DefaultClientResources.builder().ioThreadPoolSize(2).computationThreadPoolSize(2).build();
    admin = new LettuceRedisAdmin(
        new LettuceRedisAdmin.Settings(Duration.ofSeconds(2), 100, Duration.ofSeconds(5)),
        RedisPassword.none(),
        new ClusterPlanner(ReplicaPlacement.anyOtherNode()),
        Clock.systemUTC());
  }

  @AfterEach
  void stopEverything() throws Exception {
    for (AutoCloseable c : clients.reversed()) {
      c.close();
    }
    admin.close();
    resources.shutdown(0, 2, TimeUnit.SECONDS);
    redis.close();
  }

  @Test
  @DisplayName("bootstraps 3 masters + 3 replicas, then heals a lost master with a fresh node and loses no key")
  void bootstrapAndHealAfterMasterLoss() {
    // Given six fresh nodes
    List<RedisNodeAddress> nodes = redis.startFresh(6);

    // When the admin converges them
    long bootstrapStart = System.nanoTime();
    converge(nodes, THREE_BY_TWO);
    awaitReady(nodes, THREE_BY_TWO);
    long bootstrapMillis = (System.nanoTime() - bootstrapStart) / 1_000_000;

    // Then the cluster is whole: every slot served, three masters with one replica each
    ClusterObservation formed = admin.observe(nodes);
    assertThat(formed.health()).isEqualTo(new ClusterHealth("ok", 16384, 3, 3, List.of()));
    assertThat(replicasPerMaster(formed)).hasSize(3).allSatisfy((master, replicas) -> assertThat(replicas).isOne());

    // And data written through a cluster client is replicated
    RedisAdvancedClusterCommands<String, String> data = clusterClient(nodes).sync();
    write(data, "k", 1000);
    awaitReplicated(nodes, 1000);

    // When a master dies
    Reachable master = formed.reachable().stream().filter(r -> r.slotCount() > 0).findFirst().orElseThrow();
    Reachable replica = formed.reachable().stream()
        .filter(r -> r.masterId().equals(java.util.Optional.of(master.nodeId()))).findFirst().orElseThrow();
    long lossStart = System.nanoTime();
    redis.kill(master.address());

    // Then its replica takes over
    await("replica " + replica.address() + " promoted").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
        .until(() -> admin.observe(List.of(replica.address())).reachable().stream()
            .anyMatch(r -> r.isMaster() && r.slotCount() > 0 && "ok".equals(r.clusterState())));
    long failoverMillis = (System.nanoTime() - lossStart) / 1_000_000;

    // When a fresh, empty node starts in the dead master's place and the admin heals
    redis.startFreshAt(master.address());
    long healStart = System.nanoTime();
    converge(nodes, THREE_BY_TWO);
    awaitReady(nodes, THREE_BY_TWO);
    long healMillis = (System.nanoTime() - healStart) / 1_000_000;

    // Then the new node replicates the promoted master, the old id is forgotten everywhere, no key is lost
    ClusterObservation healed = admin.observe(nodes);
    Reachable newcomer = healed.at(master.address()).orElseThrow();
    assertThat(newcomer.nodeId()).isNotEqualTo(master.nodeId());
    assertThat(newcomer.isMaster()).isFalse();
    assertThat(newcomer.masterId()).contains(replica.nodeId());
    assertThat(healed.reachable()).noneMatch(r -> r.knows(master.nodeId()));
    assertThat(replicasPerMaster(healed)).hasSize(3).allSatisfy((m, replicas) -> assertThat(replicas).isOne());
    // The test's own client learns the new topology by its periodic refresh (1 s); until then a slot of the
    // dead master may have no partition in its view. A lost key would fail this for good.
    await("every key readable through the healed cluster").atMost(Duration.ofSeconds(15)).ignoreExceptions()
        .untilAsserted(() -> assertAllKeys(data, "k", 1000));
    awaitReplicated(nodes, 1000);

    System.out.printf("[redisadmin] 6-node bootstrap to ready: %d ms; master loss -> replica promoted: %d ms;"
        + " fresh node started -> healed and ready: %d ms%n", bootstrapMillis, failoverMillis, healMillis);
  }

  @Test
  @DisplayName("after every node restarts from its nodes.conf, nothing is bootstrapped again and the data is intact")
  void restartFromNodesConf() {
    // Given a formed cluster holding data
    List<RedisNodeAddress> nodes = formedWithKeys("r", 500);

    // When every node stops and starts again from its own directory
    nodes.forEach(redis::stop);
    nodes.forEach(redis::restart);

    // Then no round ever plans a bootstrap or a meet, the cluster is ready again and the keys are there
    await("restarted cluster converged").atMost(CONVERGE).pollInterval(Duration.ofMillis(200)).until(() -> {
      RedisAdmin.Round round = admin.reconcile(nodes, THREE_BY_TWO);
      assertThat(round.actions())
          .noneMatch(a -> a instanceof Bootstrap || a instanceof MeetNode || a instanceof RemeetNode);
      assertThat(round.refusals()).isEmpty();
      return round.converged();
    });
    awaitReady(nodes, THREE_BY_TWO);
    assertAllKeys(clusterClient(nodes).sync(), "r", 500);
  }

  @Test
  @DisplayName("after every node restarts on a new port, the admin meets the members again: cluster ok, all slots, every key")
  void restartWithNewAddresses() {
    // Given a formed cluster holding data
    List<RedisNodeAddress> nodes = formedWithKeys("m", 500);
    List<String> ids = admin.observe(nodes).reachable().stream().map(Reachable::nodeId).toList();

    // When every node stops and starts again from its own directory (nodes.conf, AOF), each on a new port
    nodes.forEach(redis::stop);
    List<RedisNodeAddress> moved = nodes.stream().map(redis::restartElsewhere).toList();

    // Then each keeps its id but lists its peers at their old ports, and on their own the nodes stay failed
    assertThat(admin.observe(moved).reachable()).map(Reachable::nodeId).containsExactlyElementsOf(ids);
    await("restarted nodes stay apart on their own").during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(10))
        .pollInterval(Duration.ofMillis(200))
        .until(() -> admin.observe(moved).reachable().stream().allMatch(r -> "fail".equals(r.clusterState())
            && r.view().stream().filter(e -> !e.myself()).noneMatch(e -> moved.stream().anyMatch(e::isAt))));

    // When the admin runs its rounds
    long recoveryStart = System.nanoTime();
    List<ClusterAction> executed = new ArrayList<>();
    AtomicInteger rounds = new AtomicInteger();
    await("cluster recovered at the new addresses").atMost(CONVERGE).pollInterval(Duration.ofMillis(100)).until(() -> {
      RedisAdmin.Round round = admin.reconcile(moved, THREE_BY_TWO);
      rounds.incrementAndGet();
      assertThat(round.refusals()).isEmpty();
      executed.addAll(round.actions());
      return round.converged() && round.observation().health().ready(THREE_BY_TWO);
    });
    long recoveryMillis = (System.nanoTime() - recoveryStart) / 1_000_000;

    // Then it only met known members again: nothing bootstrapped, met as new, or forgotten
    assertThat(executed).filteredOn(RemeetNode.class::isInstance).isNotEmpty()
        .allSatisfy(a -> assertThat(ids).contains(((RemeetNode) a).nodeId()));
    assertThat(executed).noneMatch(a -> a instanceof Bootstrap || a instanceof MeetNode || a instanceof ForgetNode);
    // And the same six ids form the cluster, every node listing every other at its new address
    ClusterObservation recovered = admin.observe(moved);
    assertThat(recovered.health()).isEqualTo(new ClusterHealth("ok", 16384, 3, 3, List.of()));
    assertThat(recovered.reachable()).map(Reachable::nodeId).containsExactlyElementsOf(ids);
    assertThat(recovered.reachable()).allSatisfy(r -> assertThat(r.view())
        .allMatch(e -> moved.stream().anyMatch(e::isAt), "listed at a new address"));
    // And every key is readable through the cluster at its new addresses, and replicated again
    assertAllKeys(clusterClient(moved).sync(), "m", 500);
    awaitReplicated(moved, 500);
    System.out.printf("[redisadmin] every node restarted on a new port -> admin rounds until ready: %d ms"
        + " (%d rounds, %d re-meets)%n", recoveryMillis, rounds.get(),
        executed.stream().filter(RemeetNode.class::isInstance).count());
  }

  @Test
  @DisplayName("scales 3 to 4 masters under a write load: slots balanced, no key lost, no write failed beyond its retries")
  void scaleOutUnderLoad() throws InterruptedException {
    // Given a formed cluster with data and two more fresh nodes
    List<RedisNodeAddress> nodes = new ArrayList<>(redis.startFresh(6));
    converge(nodes, THREE_BY_TWO);
    awaitReady(nodes, THREE_BY_TWO);
    RedisAdvancedClusterCommands<String, String> data = clusterClient(nodes).sync();
    write(data, "s", 2000);
    nodes.addAll(redis.startFresh(2));
    DesiredCluster fourMasters = new DesiredCluster(4, 1);

    // And a writer that keeps writing through its own cluster client
    BoundedWriter writer = new BoundedWriter(clusterClient(nodes).sync(), 1_000_000);
    Thread thread = Thread.ofPlatform().name("redis-writer").start(writer);
    await("writer under way").atMost(Duration.ofSeconds(10)).until(() -> writer.written() > 100);

    // When the admin scales the cluster out
    long scaleStart = System.nanoTime();
    try {
      converge(nodes, fourMasters);
      awaitReady(nodes, fourMasters);
    } finally {
      writer.stop();
      thread.join(Duration.ofSeconds(30));
    }
    long scaleMillis = (System.nanoTime() - scaleStart) / 1_000_000;

    // Then four masters hold 4096 slots each, with a replica each
    ClusterObservation scaled = admin.observe(nodes);
    assertThat(scaled.reachable().stream().filter(r -> r.slotCount() > 0).map(Reachable::slotCount))
        .hasSize(4).allMatch(slots -> slots == 4096);
    assertThat(replicasPerMaster(scaled)).hasSize(4).allSatisfy((m, replicas) -> assertThat(replicas).isOne());

    // And every acknowledged write is there, and no write failed beyond its retry budget
    assertThat(thread.isAlive()).isFalse();
    assertThat(writer.failedBeyondBudget()).isZero();
    assertThat(writer.written()).isLessThan(1_000_000); // the load lasted until the scaling was done
    assertAllKeys(data, "s", 2000);
    assertThat(writer.keysNotHoldingTheirLastWrite(data)).isEmpty();
    assertThat(masterKeys(scaled)).isEqualTo(2000L + writer.keysWritten());
    System.out.printf("[redisadmin] scale 3 -> 4 masters (4096 slots moved): %d ms, %d writes during it,"
        + " %d retried, 0 failed beyond the budget%n", scaleMillis, writer.written(), writer.retried());
  }

  @Test
  @DisplayName("refuses a node that holds data: no bootstrap over it, no meeting it into a cluster")
  void refusesNodesWithData() {
    // Given three fresh nodes, one node that holds keys from an earlier life, and one without cluster support
    List<RedisNodeAddress> fresh = redis.startFresh(3);
    RedisNodeAddress withData = redis.startStandalone();
    RedisClient client = RedisClient.create(resources, RedisURI.create(withData.host(), withData.port()));
    clients.add(() -> client.shutdown(Duration.ZERO, Duration.ofSeconds(2)));
    try (StatefulRedisConnection<String, String> c = client.connect()) {
      c.sync().set("left-over", "value");
    }
    redis.stop(withData);
    redis.restart(withData); // now cluster-enabled, loads its AOF
    RedisNodeAddress standalone = redis.startStandalone();
    List<RedisNodeAddress> all = new ArrayList<>(fresh);
    all.add(withData);
    DesiredCluster three = new DesiredCluster(3, 0);

    // When the admin is asked to form a cluster of all four
    RedisAdmin.Round beforeBootstrap = admin.reconcile(all, three);

    // Then it refuses, naming the node, and forms nothing
    assertThat(beforeBootstrap.refusals()).singleElement().asString()
        .contains(withData.toString()).contains("holds 1 keys").contains("serves 1 slots")
        .contains("no cluster is formed");
    assertThat(beforeBootstrap.actions()).noneMatch(Bootstrap.class::isInstance);
    assertThat(admin.observe(fresh).reachable()).allMatch(Reachable::isFresh);

    // When the three fresh nodes form a cluster and the node with data is then listed with them
    converge(fresh, three);
    awaitReady(fresh, three);
    List<RedisNodeAddress> withStrangers = new ArrayList<>(all);
    withStrangers.add(standalone);
    RedisAdmin.Round round = admin.reconcile(withStrangers, three);

    // Then it is refused by address, never met, and the node without cluster support is refused too
    assertThat(round.refusals()).hasSize(2);
    assertThat(round.refusals()).anySatisfy(r -> assertThat(r).contains(withData.toString()).contains("not met"));
    assertThat(round.refusals()).anySatisfy(r -> assertThat(r).contains(standalone.toString()).contains("cluster mode"));
    assertThat(round.actions()).noneMatch(a -> a instanceof MeetNode || a instanceof RemeetNode);
    assertThat(admin.observe(List.of(withData)).reachable()).singleElement()
        .satisfies(r -> assertThat(r.knownNodes()).isOne());
  }

  @Test
  @DisplayName("forms and scales a cluster whose nodes require a password, read from a file")
  void passwordProtectedCluster() throws Exception {
    // Given nodes that require a password, and the password in a file as the operator mounts it
    char[] secret = "s3cret-from-a-secret".toCharArray();
    Path file = java.nio.file.Files.writeString(dir.resolve("redis-password"), new String(secret) + "\n");
    try (LocalRedisNodes guarded = new LocalRedisNodes(dir.resolve("guarded"), java.util.Optional.of(new String(secret)));
        LettuceRedisAdmin withPassword = new LettuceRedisAdmin(
            new LettuceRedisAdmin.Settings(Duration.ofSeconds(2), 100, Duration.ofSeconds(5)),
            RedisPassword.fromFile(file),
            new ClusterPlanner(ReplicaPlacement.anyOtherNode()),
            Clock.systemUTC())) {
      List<RedisNodeAddress> nodes = new ArrayList<>(guarded.startFresh(3));
      DesiredCluster three = new DesiredCluster(3, 0);

      // When it converges three masters, then a fourth (keys move with MIGRATE ... AUTH)
      convergeWith(withPassword, nodes, three);
      await("cluster ready").atMost(CONVERGE).pollInterval(Duration.ofMillis(100))
          .until(() -> withPassword.observe(nodes).health().ready(three));
      RedisAdvancedClusterCommands<String, String> data = clusterClient(nodes, secret).sync();
      write(data, "p", 300);
      nodes.addAll(guarded.startFresh(1));
      DesiredCluster four = new DesiredCluster(4, 0);
      convergeWith(withPassword, nodes, four);
      await("cluster ready").atMost(CONVERGE).pollInterval(Duration.ofMillis(100))
          .until(() -> withPassword.observe(nodes).health().ready(four));

      // Then every key survived the move, and the admin without the password sees nothing
      assertAllKeys(data, "p", 300);
      assertThat(admin.observe(nodes).unreachable()).hasSize(4)
          .allSatisfy(u -> assertThat(u.reason()).doesNotContain(new String(secret)));
    }
  }

  // ---------------------------------------------------------------- helpers

  /** Six fresh nodes formed into 3 + 3, holding {@code keys} keys {@code prefix:i}, replicated. */
  private List<RedisNodeAddress> formedWithKeys(String prefix, int keys) {
    List<RedisNodeAddress> nodes = redis.startFresh(6);
    converge(nodes, THREE_BY_TWO);
    awaitReady(nodes, THREE_BY_TWO);
    write(clusterClient(nodes).sync(), prefix, keys);
    awaitReplicated(nodes, keys);
    return nodes;
  }

  /** Rounds of observe → plan → execute until a round plans nothing; any refusal fails the test. */
  private void converge(List<RedisNodeAddress> nodes, DesiredCluster desired) {
    convergeWith(admin, nodes, desired);
  }

  private static void convergeWith(RedisAdmin admin, List<RedisNodeAddress> nodes, DesiredCluster desired) {
    await("cluster converged").atMost(CONVERGE).pollInterval(Duration.ofMillis(100)).until(() -> {
      RedisAdmin.Round round = admin.reconcile(nodes, desired);
      if (!round.refusals().isEmpty()) {
        throw new AssertionError("refused: " + round.refusals());
      }
      return round.converged();
    });
  }

  private void awaitReady(List<RedisNodeAddress> nodes, DesiredCluster desired) {
    await("cluster ready").atMost(CONVERGE).pollInterval(Duration.ofMillis(100))
        .until(() -> admin.observe(nodes).health().ready(desired));
  }

  private void awaitReplicated(List<RedisNodeAddress> nodes, long keys) {
    await("replicas hold every key").atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(100))
        .until(() -> admin.observe(nodes).reachable().stream()
            .filter(r -> !r.isMaster()).mapToLong(Reachable::dbSize).sum() == keys);
  }

  private static Map<String, Long> replicasPerMaster(ClusterObservation observation) {
    Map<String, Long> counts = new java.util.TreeMap<>();
    observation.reachable().stream().filter(r -> r.slotCount() > 0).forEach(m -> counts.put(m.nodeId(), 0L));
    observation.reachable().stream().filter(r -> !r.isMaster())
        .forEach(r -> counts.merge(r.masterId().orElseThrow(), 1L, Long::sum));
    return counts;
  }

  private static long masterKeys(ClusterObservation observation) {
    return observation.reachable().stream().filter(Reachable::isMaster).mapToLong(Reachable::dbSize).sum();
  }

  private StatefulRedisClusterConnection<String, String> clusterClient(List<RedisNodeAddress> nodes) {
    return clusterClient(nodes, null);
  }

  private StatefulRedisClusterConnection<String, String> clusterClient(List<RedisNodeAddress> nodes, char[] password) {
    RedisClusterClient client = RedisClusterClient.create(resources, nodes.stream().map(n -> {
      RedisURI.Builder uri = RedisURI.builder().withHost(n.host()).withPort(n.port()).withTimeout(Duration.ofSeconds(2));
      if (password != null) {
        uri.withPassword(password);
      }
      return uri.build();
    }).toList());
    client.setOptions(ClusterClientOptions.builder()
        .topologyRefreshOptions(ClusterTopologyRefreshOptions.builder()
            .enablePeriodicRefresh(Duration.ofSeconds(1))
            .enableAllAdaptiveRefreshTriggers()
            .build())
        .build());
    clients.add(() -> client.shutdown(Duration.ZERO, Duration.ofSeconds(2)));
    StatefulRedisClusterConnection<String, String> connection = client.connect();
    clients.add(connection);
    return connection;
  }

  private static void write(RedisAdvancedClusterCommands<String, String> data, String prefix, int count) {
    IntStream.range(0, count).forEach(i -> data.set(prefix + ":" + i, "v" + i));
  }

  private static void assertAllKeys(RedisAdvancedClusterCommands<String, String> data, String prefix, int count) {
    List<Integer> missing = IntStream.range(0, count)
        .filter(i -> !("v" + i).equals(data.get(prefix + ":" + i)))
        .boxed().toList();
    assertThat(missing).as("keys %s:* missing or wrong", prefix).isEmpty();
  }

  /**
   * Writes {@code w:0 .. w:(KEYS-1)} round and round, each time with a new value, from one thread, until
   * stopped (at most {@code limit} writes), so the load lasts as long as the scaling does. The retry budget:
   * a failed write is retried up to {@link #ATTEMPTS} attempts in all, {@link #BACKOFF} apart (lettuce itself
   * follows MOVED and ASK redirects within one attempt); a write that fails every attempt counts as failed
   * beyond the budget and stops the writer. The last acknowledged value of every key is remembered.
   */
  private static final class BoundedWriter implements Runnable {
    static final int KEYS = 5000;
    static final int ATTEMPTS = 3;
    static final Duration BACKOFF = Duration.ofMillis(50);

    private final RedisAdvancedClusterCommands<String, String> data;
    private final int limit;
    private final int[] lastAcknowledged = new int[KEYS];
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final AtomicInteger written = new AtomicInteger();
    private final AtomicInteger retried = new AtomicInteger();
    private final AtomicInteger failed = new AtomicInteger();

    BoundedWriter(RedisAdvancedClusterCommands<String, String> data, int limit) {
      this.data = data;
      this.limit = limit;
      java.util.Arrays.fill(lastAcknowledged, -1);
    }

    @Override
    public void run() {
      for (int i = 0; i < limit && running.get(); i++) {
        boolean ok = false;
        for (int attempt = 1; attempt <= ATTEMPTS && !ok; attempt++) {
          try {
            data.set("w:" + (i % KEYS), "v" + i);
            ok = true;
          } catch (RuntimeException e) {
            if (attempt < ATTEMPTS) {
              retried.incrementAndGet();
              LockSupport.parkNanos(BACKOFF.toNanos()); // retry backoff of the load, not test synchronisation
            }
          }
        }
        if (!ok) {
          failed.incrementAndGet();
          return;
        }
        lastAcknowledged[i % KEYS] = i;
        written.incrementAndGet();
      }
    }

    void stop() {
      running.set(false);
    }

    /** Read after the writer thread has been joined. */
    List<Integer> keysNotHoldingTheirLastWrite(RedisAdvancedClusterCommands<String, String> reader) {
      return IntStream.range(0, KEYS)
          .filter(k -> lastAcknowledged[k] >= 0 && !("v" + lastAcknowledged[k]).equals(reader.get("w:" + k)))
          .boxed()
          .toList();
    }

    int keysWritten() {
      return (int) java.util.Arrays.stream(lastAcknowledged).filter(v -> v >= 0).count();
    }

    int written() {
      return written.get();
    }

    int retried() {
      return retried.get();
    }

    int failedBeyondBudget() {
      return failed.get();
    }
  }
}
