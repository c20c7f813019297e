package io.authtier.operator.redisadmin;

import static org.assertj.core.api.Assertions.assertThat;

import io.authtier.operator.redisadmin.NodeObservation.Reachable;
import io.authtier.operator.redisadmin.NodeObservation.Unreachable;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("ClusterObservation.health() reports the truth for status.redis")
class ClusterHealthTest {

  private static final DesiredCluster THREE_BY_TWO = new DesiredCluster(3, 1);

  @Test
  @DisplayName("a whole 3 + 3 cluster is ready")
  void wholeCluster() {
    ClusterHealth health = observe(view("", ""), "ok", "ok").health();

    assertThat(health).isEqualTo(new ClusterHealth("ok", 16384, 3, 3, List.of()));
    assertThat(health.ready(THREE_BY_TWO)).isTrue();
  }

  @Test
  @DisplayName("a dead master is not ready at once: unreachable, then failing with its slots uncounted")
  void deadMaster() {
    // Given master 1 does not answer and the others already flag it as failing
    List<NodeObservation> nodes = new ArrayList<>(observe(view("fail?", ""), "ok", "ok").nodes());
    nodes.set(0, new Unreachable(addr(1), "Connection refused"));

    ClusterHealth health = new ClusterObservation(Instant.EPOCH, nodes).health();

    assertThat(health.readyMasters()).isEqualTo(2);
    assertThat(health.slotsAssigned()).isEqualTo(16384 - 5462);
    assertThat(health.readyReplicas()).isEqualTo(2);
    assertThat(health.unreachable()).containsExactly("127.0.0.1:7001");
    assertThat(health.ready(THREE_BY_TWO)).isFalse();
  }

  @Test
  @DisplayName("one member that reports cluster_state fail makes the cluster fail, even if the anchor says ok")
  void oneMemberDown() {
    ClusterHealth health = observe(view("", ""), "ok", "fail").health();

    assertThat(health.clusterState()).isEqualTo("fail");
    assertThat(health.ready(THREE_BY_TWO)).isFalse();
  }

  @Test
  @DisplayName("before bootstrap the cluster is absent")
  void absent() {
    Reachable fresh = new Reachable(addr(1), true, id(1), "fail", 1, 0,
        List.of(ClusterNodeEntry.parse(id(1) + " 127.0.0.1:7001@17001 myself,master - 0 0 0 connected")));

    assertThat(new ClusterObservation(Instant.EPOCH, List.of(fresh)).health().clusterState()).isEqualTo("absent");
  }

  /** Six nodes sharing one view; master 1 carries {@code master1Flags}, replica 4 {@code replica4Flags}. */
  private static List<String> view(String master1Flags, String replica4Flags) {
    String m1 = master1Flags.isEmpty() ? "master" : "master," + master1Flags;
    String r4 = replica4Flags.isEmpty() ? "slave" : "slave," + replica4Flags;
    return List.of(
        line(1, m1, "-", "0-5461"), line(2, "master", "-", "5462-10922"), line(3, "master", "-", "10923-16383"),
        line(4, r4, id(1), ""), line(5, "slave", id(2), ""), line(6, "slave", id(3), ""));
  }

  /** Nodes 1..5 report {@code state}, node 6 {@code lastState}. */
  private static ClusterObservation observe(List<String> lines, String state, String lastState) {
    List<NodeObservation> nodes = new ArrayList<>();
    for (int n = 1; n <= 6; n++) {
      int self = n;
      List<ClusterNodeEntry> view = lines.stream()
          .map(l -> l.startsWith(id(self)) ? l.replaceFirst(" (master|slave)", " myself,$1") : l)
          .map(ClusterNodeEntry::parse)
          .toList();
      nodes.add(new Reachable(addr(n), true, id(n), n == 6 ? lastState : state, 6, 0, view));
    }
    return new ClusterObservation(Instant.EPOCH, nodes);
  }

  private static String line(int n, String flags, String master, String slots) {
    return (id(n) + " 127.0.0.1:" + (7000 + n) + "@" + (17000 + n) + " " + flags + " " + master
        + " 0 0 1 connected " + slots).trim();
  }

  private static RedisNodeAddress addr(int n) {
    return new RedisNodeAddress("127.0.0.1", 7000 + n);
  }

  private static String id(int n) {
    return String.format("%040d", n);
  }
}
