package io.authtier.operator.redisadmin;

import static org.assertj.core.api.Assertions.assertThat;

import io.authtier.operator.redisadmin.ClusterAction.Bootstrap;
import io.authtier.operator.redisadmin.ClusterAction.ForgetNode;
import io.authtier.operator.redisadmin.ClusterAction.MeetNode;
import io.authtier.operator.redisadmin.ClusterAction.MigrateSlots;
import io.authtier.operator.redisadmin.ClusterAction.Refuse;
import io.authtier.operator.redisadmin.ClusterAction.RemeetNode;
import io.authtier.operator.redisadmin.ClusterAction.ReplicateMaster;
import io.authtier.operator.redisadmin.ClusterAction.SlotAssignment;
import io.authtier.operator.redisadmin.ClusterAction.Wait;
import io.authtier.operator.redisadmin.NodeObservation.Reachable;
import io.authtier.operator.redisadmin.NodeObservation.Unreachable;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiPredicate;
import java.util.function.Consumer;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("ClusterPlanner decides from an observation alone")
class ClusterPlannerTest {

  private static final DesiredCluster THREE_BY_TWO = new DesiredCluster(3, 1);
  private final ClusterPlanner planner = new ClusterPlanner(ReplicaPlacement.anyOtherNode());

  // ---------------------------------------------------------------- bootstrap

  @Test
  @DisplayName("bootstraps six fresh nodes: three masters with an even third of the slots each")
  void bootstrapsFreshNodes() {
    // Given six empty nodes that know only themselves
    ClusterObservation observation = observe(fresh(1), fresh(2), fresh(3), fresh(4), fresh(5), fresh(6));

    // When planning for 3 masters with 1 replica each
    List<ClusterAction> plan = planner.plan(observation, THREE_BY_TWO);

    // Then one Bootstrap spreads 16384 slots over the first three nodes and meets the other three
    assertThat(plan).containsExactly(new Bootstrap(
        List.of(new SlotAssignment(addr(1), List.of(new SlotRange(0, 5461))),
            new SlotAssignment(addr(2), List.of(new SlotRange(5462, 10922))),
            new SlotAssignment(addr(3), List.of(new SlotRange(10923, 16383)))),
        List.of(addr(4), addr(5), addr(6))));
  }

  @Test
  @DisplayName("refuses to bootstrap when one node holds keys, naming that node")
  void refusesBootstrapOverData() {
    // Given five fresh nodes and one that holds keys (and took the slot of its key when it started)
    Reachable withData = new Reachable(addr(4), true, id(4), "fail", 1, 3, List.of(
        ClusterNodeEntry.parse(line(4, "myself,master", null, "866"))));
    ClusterObservation observation = observe(fresh(1), fresh(2), fresh(3), withData, fresh(5), fresh(6));

    // When planning
    List<ClusterAction> plan = planner.plan(observation, THREE_BY_TWO);

    // Then nothing but a refusal that names the node and why
    assertThat(plan).singleElement().isInstanceOfSatisfying(Refuse.class, r -> assertThat(r.reason())
        .contains("127.0.0.1:7004").contains("holds 3 keys").contains("serves 1 slots"));
  }

  @Test
  @DisplayName("refuses to bootstrap a node that already knows other nodes")
  void refusesBootstrapOfClusterMember() {
    // Given a node that knows two others but serves no slot (a cluster without slots yet)
    Reachable member = new Reachable(addr(2), true, id(2), "fail", 3, 0, List.of(
        ClusterNodeEntry.parse(line(2, "myself,master", null, "")),
        ClusterNodeEntry.parse(line(8, "master", null, "")),
        ClusterNodeEntry.parse(line(9, "master", null, ""))));

    // When planning
    List<ClusterAction> plan = planner.plan(observe(fresh(1), member, fresh(3)), new DesiredCluster(3, 0));

    // Then it refuses, naming the node
    assertThat(plan).singleElement().isInstanceOfSatisfying(Refuse.class,
        r -> assertThat(r.reason()).contains("127.0.0.1:7002").contains("belongs to another cluster"));
  }

  @Test
  @DisplayName("waits for every node before bootstrap")
  void waitsForUnreachableBeforeBootstrap() {
    ClusterObservation observation = observe(fresh(1), fresh(2), fresh(3), fresh(4), fresh(5),
        new Unreachable(addr(6), "Connection refused"));

    assertThat(planner.plan(observation, THREE_BY_TWO)).singleElement().isInstanceOfSatisfying(Wait.class,
        w -> assertThat(w.reason()).contains("127.0.0.1:7006"));
  }

  // ---------------------------------------------------------------- steady state and heal

  @Test
  @DisplayName("plans nothing for a healthy 3 + 3 cluster")
  void healthyClusterNeedsNothing() {
    ClusterObservation observation = cluster(healthy()).observe();

    assertThat(planner.plan(observation, THREE_BY_TWO)).isEmpty();
  }

  @Test
  @DisplayName("attaches replicas after bootstrap once they know their masters")
  void attachesReplicasAfterBootstrap() {
    // Given three masters with slots and three empty masters, all met
    Cluster c = cluster(List.of(
        master(1, "0-5461"), master(2, "5462-10922"), master(3, "10923-16383"),
        master(4, ""), master(5, ""), master(6, "")));

    // When planning
    List<ClusterAction> plan = planner.plan(c.observe(), THREE_BY_TWO);

    // Then each empty node replicates a different master
    assertThat(plan).containsExactly(
        new ReplicateMaster(addr(4), id(1), addr(1)),
        new ReplicateMaster(addr(5), id(2), addr(2)),
        new ReplicateMaster(addr(6), id(3), addr(3)));
  }

  @Test
  @DisplayName("respects the placement hook when choosing a master for a replica")
  void placementHook() {
    // Given a placement that forbids node 4 from replicating node 1 (same Kubernetes node, say)
    ClusterPlanner placed = new ClusterPlanner((replica, master) -> !(replica.equals(addr(4)) && master.equals(addr(1))));
    Cluster c = cluster(List.of(
        master(1, "0-5461"), master(2, "5462-10922"), master(3, "10923-16383"),
        master(4, ""), master(5, ""), master(6, "")));

    // Then node 4 goes to master 2 and the others fill the rest
    assertThat(placed.plan(c.observe(), THREE_BY_TWO)).containsExactly(
        new ReplicateMaster(addr(4), id(2), addr(2)),
        new ReplicateMaster(addr(5), id(1), addr(1)),
        new ReplicateMaster(addr(6), id(3), addr(3)));
  }

  // ---------------------------------------------------------------- placement across Kubernetes nodes

  @Test
  @DisplayName("three Kubernetes nodes, pods round-robin: every replica lands on another node than its master, even where the first choice would strand the last")
  void spreadsOverThreeNodes() {
    // Given pods 1..6 round-robin over three nodes (1,4 on a; 2,5 on b; 3,6 on c) and three empty spares
    KubernetesNodePlacement nodes = onNodes("a", "b", "c", "a", "b", "c");

    // When planning replicas
    List<ClusterAction> plan = replicasPlanned(nodes);

    // Then greedy picks 4→2 and 5→1, which would leave 6 only master 3 on its own node; the planner moves 5 to 3
    assertThat(plan).containsExactlyElementsOf(replicating(4, 2, 5, 3, 6, 1));
    assertThat(plan).allSatisfy(a -> assertThat(nodes.preferred(((ReplicateMaster) a).replica(),
        ((ReplicateMaster) a).master())).isTrue());
  }

  @Test
  @DisplayName("masters on one node and spares on another: each spare takes a master across the node boundary")
  void mastersTogetherSparesApart() {
    // Given the masters on node a and the spares on node b
    KubernetesNodePlacement nodes = onNodes("a", "a", "a", "b", "b", "b");

    // When planning, then every pair crosses nodes, one replica per master
    assertThat(replicasPlanned(nodes)).containsExactlyElementsOf(replicating(4, 1, 5, 2, 6, 3));
  }

  @Test
  @DisplayName("one Kubernetes node only: falls back to any other pod, as without placement, and reports the shared node")
  void oneNodeFallsBack() {
    // Given every pod on node a
    KubernetesNodePlacement nodes = onNodes("a", "a", "a", "a", "a", "a");

    // When planning
    List<ClusterAction> plan = replicasPlanned(nodes);

    // Then replicas are still attached, exactly as with no placement at all
    assertThat(plan).containsExactlyElementsOf(planner.plan(mastersAndSpares().observe(), THREE_BY_TWO));
    // And once they replicate, the shared node is reported for each pair
    assertThat(nodes.sharedNodes(cluster(healthy()).observe())).containsExactly(
        "pod-4 with master pod-1 on a", "pod-5 with master pod-2 on a", "pod-6 with master pod-3 on a");
  }

  @Test
  @DisplayName("two nodes, four pods on one: the pairs that can cross do, the one left over shares its master's node")
  void twoUnevenNodesFallBackForTheRest() {
    // Given masters 1, 2, 3 and spare 4 on node a, spares 5 and 6 on node b
    KubernetesNodePlacement nodes = onNodes("a", "a", "a", "a", "b", "b");

    // When planning, then 5 and 6 cross to masters 1 and 2, and 4 takes the master left, on its own node
    assertThat(replicasPlanned(nodes)).containsExactlyElementsOf(replicating(4, 3, 5, 1, 6, 2));
    assertThat(nodes.sharedNodes(cluster(List.of(master(1, "0-5461"), master(2, "5462-10922"),
        master(3, "10923-16383"), replica(4, 3), replica(5, 1), replica(6, 2))).observe()))
        .containsExactly("pod-4 with master pod-3 on a");
  }

  @Test
  @DisplayName("a pod whose node is not known is never preferred, and still gets a master by fallback")
  void unknownNodeFallsBack() {
    // Given pods on three nodes but node 6's pod not (yet) scheduled
    Map<RedisNodeAddress, KubernetesNodePlacement.PodOnNode> pods = new HashMap<>(onNodes("a", "b", "c", "b", "c", "a").pods());
    pods.remove(addr(6));
    KubernetesNodePlacement nodes = new KubernetesNodePlacement(pods);

    // When planning
    List<ClusterAction> plan = replicasPlanned(nodes);

    // Then 4 and 5 cross nodes, and 6 takes the master that is left
    assertThat(nodes.preferred(addr(6), addr(1))).isFalse();
    assertThat(plan).containsExactlyElementsOf(replicating(4, 1, 5, 2, 6, 3));
  }

  @Test
  @DisplayName("heal: a replacement node replicates the master that lacks a replica, across nodes when it can")
  void healPrefersAnotherNode() {
    // Given a healthy cluster whose master 1 lost its replica 4; node 4's replacement is met and empty
    Cluster c = cluster(List.of(master(1, "0-5461"), master(2, "5462-10922"), master(3, "10923-16383"),
        master(4, ""), replica(5, 2), replica(6, 3)));

    // When pod 4 runs on master 1's node, it still replicates master 1 (the only one lacking a replica)
    assertThat(new ClusterPlanner(onNodes("a", "b", "c", "a", "c", "a")).plan(c.observe(), THREE_BY_TWO))
        .containsExactly(new ReplicateMaster(addr(4), id(1), addr(1)));
  }

  @Test
  @DisplayName("forgets a failed master that a fresh node replaced, and meets the fresh node")
  void forgetsReplacedNodeAndMeetsItsSuccessor() {
    // Given master 1 failed, its replica 4 promoted, and a fresh node (new id) answering at 1's address
    List<Spec> specs = new ArrayList<>(healthy());
    specs.set(0, new Spec(1, "master,fail", null, "", true));
    specs.set(3, master(4, "0-5461"));
    Cluster c = cluster(specs);
    c.replaceWithFresh(1);

    // When planning
    List<ClusterAction> plan = planner.plan(c.observe(), THREE_BY_TWO);

    // Then the old id is forgotten on every member and the newcomer is met
    assertThat(plan).containsExactly(
        new ForgetNode(id(1), "127.0.0.1:7001", List.of(addr(2), addr(3), addr(4), addr(5), addr(6))),
        new MeetNode(addr(1), addr(2)));
  }

  @Test
  @DisplayName("makes the met newcomer a replica of the master that lacks one")
  void replicatesTheMasterLackingAReplica() {
    // Given master 4 (promoted) without replica and the newcomer at 1 met, empty
    List<Spec> specs = new ArrayList<>(healthy());
    specs.set(0, new Spec(1, "master", null, "", true));
    specs.set(3, master(4, "0-5461"));
    Cluster c = cluster(specs);

    assertThat(planner.plan(c.observe(), THREE_BY_TWO))
        .containsExactly(new ReplicateMaster(addr(1), id(4), addr(4)));
  }

  @Test
  @DisplayName("keeps a failed node that may come back with its data: its address is desired but silent")
  void keepsSilentFailedReplica() {
    List<Spec> specs = new ArrayList<>(healthy());
    specs.set(4, new Spec(5, "slave,fail", 2, "", false));

    assertThat(planner.plan(cluster(specs).observe(), THREE_BY_TWO)).isEmpty();
  }

  @Test
  @DisplayName("waits while a failed master's replica takes over; refuses when none can")
  void failedMasterWithSlots() {
    List<Spec> withReplica = new ArrayList<>(healthy());
    withReplica.set(0, new Spec(1, "master,fail", null, "0-5461", false));
    assertThat(planner.plan(cluster(withReplica).observe(), THREE_BY_TWO)).singleElement().isInstanceOf(Wait.class);

    List<Spec> noReplica = new ArrayList<>(withReplica);
    noReplica.set(3, new Spec(4, "slave,fail", 1, "", false));
    assertThat(planner.plan(cluster(noReplica).observe(), THREE_BY_TWO))
        .filteredOn(Refuse.class::isInstance).singleElement()
        .isInstanceOfSatisfying(Refuse.class, r -> assertThat(r.reason()).contains("127.0.0.1:7001").contains("5462 slots"));
  }

  @Test
  @DisplayName("waits, without refusing, on a master marked failed whose node answers with its data")
  void failedMasterThatAnswers() {
    // Given master 1 and its replica 4 marked failed (the others could not reach them yet), both answering;
    // master 2 comes first, so it is the anchor (a node never marks itself failed)
    List<Spec> specs = List.of(master(2, "5462-10922"), master(3, "10923-16383"),
        new Spec(1, "master,fail", null, "0-5461", true), new Spec(4, "slave,fail?", 1, "", true),
        replica(5, 2), replica(6, 3));

    // Then the planner waits for the cluster to reach it: its slots are not lost, a person need not act
    assertThat(planner.plan(cluster(specs).observe(), THREE_BY_TWO)).singleElement()
        .satisfies(outcome(Wait.class, "127.0.0.1:7001", "answers"));
  }

  @Test
  @DisplayName("refuses a stranger with data next to a healthy cluster, and still heals the rest")
  void refusesStrangerWithData() {
    Cluster c = cluster(healthy());
    Reachable stranger = new Reachable(addr(9), true, id(9), "ok", 1, 10, List.of(
        ClusterNodeEntry.parse(line(9, "myself,master", null, "0-16383"))));
    List<NodeObservation> nodes = new ArrayList<>(c.observe().nodes());
    nodes.add(stranger);

    List<ClusterAction> plan = planner.plan(new ClusterObservation(Instant.EPOCH, nodes), THREE_BY_TWO);

    assertThat(plan).singleElement().isInstanceOfSatisfying(Refuse.class,
        r -> assertThat(r.reason()).contains("127.0.0.1:7009").contains("holds 10 keys").contains("not met"));
  }

  @Test
  @DisplayName("refuses scale-in")
  void refusesScaleIn() {
    List<Spec> four = List.of(master(1, "0-4095"), master(2, "4096-8191"), master(3, "8192-12287"),
        master(4, "12288-16383"));

    assertThat(planner.plan(cluster(four).observe(), new DesiredCluster(3, 0)))
        .singleElement().isInstanceOfSatisfying(Refuse.class, r -> assertThat(r.reason()).contains("scale-in"));
  }

  // ---------------------------------------------------------------- every node restarted with a new address

  @Test
  @DisplayName("whole restart with new addresses: every member meets every other at its new address, and nothing else")
  void remeetsEveryMovedMember() {
    // Given the healthy 3 + 3 cluster restarted at ports 8001..8006, each node listing the others at 700n
    ClusterObservation restarted = moved(healthy(), (viewer, listed) -> false);

    // When planning
    List<ClusterAction> plan = planner.plan(restarted, THREE_BY_TWO);

    // Then each node is met by each other node at its new address, under its known id; no bootstrap, no forget
    List<RemeetNode> expected = new ArrayList<>();
    for (int via = 1; via <= 6; via++) {
      for (int node = 1; node <= 6; node++) {
        if (via != node) {
          expected.add(new RemeetNode(movedAddr(node), id(node), "127.0.0.1:" + (7000 + node), movedAddr(via)));
        }
      }
    }
    assertThat(plan).containsExactlyInAnyOrderElementsOf(expected);
  }

  @Test
  @DisplayName("whole restart after nodes.conf saved failures: a failed master and replica are met again, not forgotten nor refused")
  void remeetsMovedNodesSavedAsFailed() {
    // Given nodes.conf saved master 1 (with its slots) and replica 5 as failed before everything stopped
    List<Spec> specs = new ArrayList<>(healthy());
    specs.set(0, new Spec(1, "master,fail", null, "0-5461", true));
    specs.set(4, new Spec(5, "slave,fail", 2, "", true));

    // When planning
    List<ClusterAction> plan = planner.plan(moved(specs, (viewer, listed) -> false), THREE_BY_TWO);

    // Then the failures are only stale addresses: both are met again, nothing is forgotten, refused or awaited
    assertThat(plan).hasSize(30).allMatch(RemeetNode.class::isInstance);
    assertThat(plan).contains(new RemeetNode(movedAddr(1), id(1), "127.0.0.1:7001", movedAddr(2)),
        new RemeetNode(movedAddr(5), id(5), "127.0.0.1:7005", movedAddr(3)));
  }

  @Test
  @DisplayName("whole restart, half re-learned: only the pairs still listed at an old address are met; none once all are")
  void remeetsOnlyWhatIsStillStale() {
    // Given every node already re-learned every address except node 2, which still lists node 6 at 7006
    BiPredicate<Integer, Integer> stale = (viewer, listed) -> viewer == 2 && listed == 6;

    // Then exactly that pair is met again
    assertThat(planner.plan(moved(healthy(), stale.negate()), THREE_BY_TWO))
        .containsExactly(new RemeetNode(movedAddr(6), id(6), "127.0.0.1:7006", movedAddr(2)));
    // And once it too is re-learned, the cluster needs nothing
    assertThat(planner.plan(moved(healthy(), (viewer, listed) -> true), THREE_BY_TWO)).isEmpty();
  }

  @Test
  @DisplayName("a handshake to the new address under way is waited for, not started again")
  void waitsForRemeetHandshake() {
    // Given node 2 still lists node 6 at 7006 but is already shaking hands with 127.0.0.1:8006
    List<NodeObservation> nodes = movedNodes((viewer, listed) -> !(viewer == 2 && listed == 6));
    Reachable two = (Reachable) nodes.get(1);
    List<ClusterNodeEntry> view = new ArrayList<>(two.view());
    view.add(ClusterNodeEntry.parse("f".repeat(40) + " 127.0.0.1:8006@18006 handshake - 0 0 0 connected"));
    nodes.set(1, new Reachable(two.address(), true, two.nodeId(), "fail", 7, two.dbSize(), view));

    // Then the planner waits instead of meeting again
    assertThat(planFor(nodes)).noneMatch(ClusterPlannerTest::meets)
        .anySatisfy(outcome(Wait.class, "127.0.0.1:8002", "127.0.0.1:8006"));
  }

  @Test
  @DisplayName("never meets a node that does not list the member in turn, nor a node of another cluster")
  void remeetsOnlyNodesOfThisCluster() {
    // Given the moved cluster, where node 6 answers with its id but knows none of the others (reset, or another
    // cluster's node that kept the id), and a stranger knowing only nodes of its own cluster sits at 8009
    List<NodeObservation> nodes = movedNodes((viewer, listed) -> listed != 6);
    nodes.set(5, new Reachable(movedAddr(6), true, id(6), "ok", 1, 0,
        List.of(ClusterNodeEntry.parse(movedLine(6, "myself,master", "")))));
    nodes.add(new Reachable(movedAddr(9), true, id(9), "ok", 2, 10, List.of(
        ClusterNodeEntry.parse(movedLine(9, "myself,master", "0-16383")),
        ClusterNodeEntry.parse(line(8, "master", null, "")))));

    // When planning, then neither is met; the stranger is refused as before
    assertThat(planFor(nodes)).noneMatch(ClusterPlannerTest::meets)
        .anySatisfy(outcome(Refuse.class, "127.0.0.1:8009", "not met"));
  }

  @Test
  @DisplayName("refuses to re-meet a node id that answers at two addresses (a copied volume)")
  void refusesDuplicateNodeId() {
    // Given the moved cluster plus a second node answering with node 6's id and view at 8016
    List<NodeObservation> nodes = movedNodes((viewer, listed) -> listed != 6);
    Reachable six = (Reachable) nodes.get(5);
    nodes.add(new Reachable(new RedisNodeAddress("127.0.0.1", 8016), true, six.nodeId(), "fail", 6, 0, six.view()));

    // When planning, then node 6's id is refused, naming both addresses, and is not met at either
    assertThat(planFor(nodes)).noneMatch(ClusterPlannerTest::meets)
        .anySatisfy(outcome(Refuse.class, id(6), "127.0.0.1:8006", "127.0.0.1:8016"));
  }

  @Test
  @DisplayName("with announced host names, a peer listed at its old IP is met again; the resolved IP decides, not the name")
  void comparesResolvedIpNotHostName() {
    // Given two members announcing host names; node 1 lists node 2 at its old IP 10.0.0.2
    RedisNodeAddress a = new RedisNodeAddress("redis-0.h", 6379);
    RedisNodeAddress b = new RedisNodeAddress("redis-1.h", 6379);
    String one = id(1) + " 10.0.1.1:6379@16379,redis-0.h myself,master - 0 0 1 connected 0-8191";
    String two = id(2) + " 10.0.0.2:6379@16379,redis-1.h master,fail? - 0 0 2 disconnected 8192-16383";
    Reachable first = new Reachable(a, true, id(1), "fail", 2, 1, List.of(ClusterNodeEntry.parse(one),
        ClusterNodeEntry.parse(two)), Optional.of("10.0.1.1"));
    Reachable second = new Reachable(b, true, id(2), "fail", 2, 1, List.of(
        ClusterNodeEntry.parse(two.replace("master,fail?", "myself,master").replace("10.0.0.2", "10.0.1.2")),
        ClusterNodeEntry.parse(one.replace("myself,master", "master"))),
        Optional.of("10.0.1.2"));

    // When planning, then only node 2 is met, by node 1, at its host name (resolved when the meet is sent)
    assertThat(planner.plan(observe(first, second), new DesiredCluster(3, 0)))
        .filteredOn(RemeetNode.class::isInstance)
        .containsExactly(new RemeetNode(b, id(2), "10.0.0.2:6379", a));
  }

  @Test
  @DisplayName("an IPv6 address listed compressed and resolved in full is the same address")
  void ipv6ListedCompressed() {
    Reachable node = new Reachable(new RedisNodeAddress("redis-0.h", 6379), true, id(1), "ok", 1, 0, List.of(),
        Optional.of("fd00:0:0:0:0:0:0:5"));

    assertThat(node.listedHereBy(ClusterNodeEntry.parse(id(1) + " fd00::5:6379@16379 master - 0 0 1 connected")))
        .isTrue();
    assertThat(node.listedHereBy(ClusterNodeEntry.parse(id(1) + " fd00::6:6379@16379 master - 0 0 1 connected")))
        .isFalse();
    assertThat(node.listedHereBy(ClusterNodeEntry.parse(id(1) + " :6379@16379 master,noaddr - 0 0 1 connected")))
        .isFalse();
  }

  // ---------------------------------------------------------------- scale out

  @Test
  @DisplayName("scales 3 to 4 masters: one empty node becomes a master and receives a balanced share")
  void scalesOut() {
    // Given a healthy 3 + 3 cluster and two more empty nodes, met
    List<Spec> specs = new ArrayList<>(healthy());
    specs.add(master(7, ""));
    specs.add(master(8, ""));
    Cluster c = cluster(specs);

    // When planning for 4 masters
    List<ClusterAction> plan = planner.plan(c.observe(), new DesiredCluster(4, 1));

    // Then node 8 replicates node 7, and slots move to node 7 only, leaving every master at 4096
    assertThat(plan).filteredOn(ReplicateMaster.class::isInstance)
        .containsExactly(new ReplicateMaster(addr(8), id(7), addr(7)));
    List<MigrateSlots> moves = plan.stream().filter(MigrateSlots.class::isInstance).map(MigrateSlots.class::cast).toList();
    assertThat(moves).allSatisfy(m -> assertThat(m.target()).isEqualTo(addr(7)));
    Map<RedisNodeAddress, Integer> after = new HashMap<>(Map.of(addr(1), 5462, addr(2), 5461, addr(3), 5461, addr(7), 0));
    moves.forEach(m -> {
      after.merge(m.source(), -m.slotCount(), Integer::sum);
      after.merge(m.target(), m.slotCount(), Integer::sum);
    });
    assertThat(after.values()).containsOnly(4096);
    int[] moved = moves.stream().flatMapToInt(m -> java.util.Arrays.stream(SlotRange.slots(m.slots()))).toArray();
    assertThat(moved).doesNotHaveDuplicates().hasSize(4096);
  }

  @Test
  @DisplayName("plans no move when slots are within one of an even split")
  void balancedWithinOneSlot() {
    assertThat(planner.plan(cluster(healthy()).observe(), THREE_BY_TWO)).noneMatch(MigrateSlots.class::isInstance);
  }

  @Test
  @DisplayName("resumes a slot left open by an interrupted migration")
  void resumesOpenSlot() {
    List<Spec> specs = new ArrayList<>(healthy());
    specs.set(0, master(1, "0-5461 [5461->-" + id(2) + "]"));
    specs.set(1, master(2, "5462-10922 [5461-<-" + id(1) + "]"));

    assertThat(planner.plan(cluster(specs).observe(), THREE_BY_TWO))
        .containsExactly(new MigrateSlots(addr(1), id(1), addr(2), id(2), List.of(SlotRange.single(5461))));
  }

  @Test
  @DisplayName("reads host names, flags and open slots from CLUSTER NODES")
  void parsesClusterNodes() {
    ClusterNodeEntry e = ClusterNodeEntry.parse(
        "abc 10.0.0.5:6379@16379,redis-0.redis.ns.svc myself,master - 0 0 3 connected 0-10 12 [13->-def] [14-<-ghi]");

    assertThat(e.hostname()).contains("redis-0.redis.ns.svc");
    assertThat(e.isAt(new RedisNodeAddress("redis-0.redis.ns.svc", 6379))).isTrue();
    assertThat(e.isAt(new RedisNodeAddress("10.0.0.5", 6379))).isTrue();
    assertThat(e.slots()).containsExactly(new SlotRange(0, 10), SlotRange.single(12));
    assertThat(e.migrating()).containsEntry(13, "def");
    assertThat(e.importing()).containsEntry(14, "ghi");
    assertThat(e.myself()).isTrue();
    assertThat(e.masterId()).isEmpty();
  }

  // ---------------------------------------------------------------- fixtures

  /** Three masters with slots and three empty masters, all met: where replicas are chosen. */
  private static Cluster mastersAndSpares() {
    return cluster(List.of(master(1, "0-5461"), master(2, "5462-10922"), master(3, "10923-16383"),
        master(4, ""), master(5, ""), master(6, "")));
  }

  private static List<ClusterAction> replicasPlanned(KubernetesNodePlacement nodes) {
    return new ClusterPlanner(nodes).plan(mastersAndSpares().observe(), THREE_BY_TWO);
  }

  /** ReplicateMaster actions from pairs of node numbers: replica, master, replica, master... */
  private static List<ReplicateMaster> replicating(int... pairs) {
    List<ReplicateMaster> actions = new ArrayList<>();
    for (int i = 0; i < pairs.length; i += 2) {
      actions.add(new ReplicateMaster(addr(pairs[i]), id(pairs[i + 1]), addr(pairs[i + 1])));
    }
    return actions;
  }

  /** Pod n (pod-n) on the n-th given Kubernetes node. */
  private static KubernetesNodePlacement onNodes(String... nodes) {
    Map<RedisNodeAddress, KubernetesNodePlacement.PodOnNode> pods = new HashMap<>();
    for (int n = 1; n <= nodes.length; n++) {
      pods.put(addr(n), new KubernetesNodePlacement.PodOnNode("pod-" + n, nodes[n - 1]));
    }
    return new KubernetesNodePlacement(pods);
  }

  private record Spec(int n, String flags, Integer masterOf, String slots, boolean reachable) {}

  private static Spec master(int n, String slots) {
    return new Spec(n, "master", null, slots, true);
  }

  private static Spec replica(int n, int master) {
    return new Spec(n, "slave", master, "", true);
  }

  private static List<Spec> healthy() {
    return List.of(master(1, "0-5461"), master(2, "5462-10922"), master(3, "10923-16383"),
        replica(4, 1), replica(5, 2), replica(6, 3));
  }

  private static Cluster cluster(List<Spec> specs) {
    return new Cluster(specs);
  }

  /** Every reachable node sees every spec'd node the same way; a replaced node answers with a new id. */
  private static final class Cluster {
    private final List<Spec> specs;
    private final Map<Integer, Reachable> replaced = new HashMap<>();

    Cluster(List<Spec> specs) {
      this.specs = specs;
    }

    void replaceWithFresh(int n) {
      replaced.put(n, new Reachable(addr(n), true, "fresh" + n, "fail", 1, 0,
          List.of(ClusterNodeEntry.parse(line(n, "myself,master", null, "").replace(id(n), "fresh" + n)))));
    }

    ClusterObservation observe() {
      List<NodeObservation> nodes = new ArrayList<>();
      for (Spec s : specs) {
        if (replaced.containsKey(s.n())) {
          nodes.add(replaced.get(s.n()));
          continue;
        }
        if (!s.reachable()) {
          nodes.add(new Unreachable(addr(s.n()), "Connection refused"));
          continue;
        }
        List<ClusterNodeEntry> view = specs.stream()
            .map(o -> ClusterNodeEntry.parse(line(o.n(), (o == s ? "myself," : "") + o.flags(), o.masterOf(), o.slots())))
            .toList();
        int slots = view.stream().filter(ClusterNodeEntry::myself).mapToInt(ClusterNodeEntry::slotCount).sum();
        nodes.add(new Reachable(addr(s.n()), true, id(s.n()), "ok", specs.size(), slots > 0 ? 100 : 0, view));
      }
      return new ClusterObservation(Instant.EPOCH, nodes);
    }
  }

  /**
   * The cluster of {@code specs} after every node restarted at port 8000 + n, keeping its nodes.conf: node n
   * lists node m at its new address when {@code relearned(n, m)}, else at its old one (7000 + m), failing
   * and disconnected.
   */
  private static ClusterObservation moved(List<Spec> specs, BiPredicate<Integer, Integer> relearned) {
    List<NodeObservation> nodes = new ArrayList<>();
    for (Spec s : specs) {
      List<ClusterNodeEntry> view = new ArrayList<>();
      for (Spec o : specs) {
        boolean stale = o != s && !relearned.test(s.n(), o.n());
        String flags = (o == s ? "myself," : "") + o.flags() + (stale && !o.flags().contains("fail") ? ",fail?" : "");
        String line = line(o.n(), flags, o.masterOf(), o.slots());
        view.add(ClusterNodeEntry.parse(stale ? line : toMovedPort(line, o.n())));
      }
      boolean ok = view.stream().noneMatch(ClusterNodeEntry::failing);
      int slots = view.stream().filter(ClusterNodeEntry::myself).mapToInt(ClusterNodeEntry::slotCount).sum();
      nodes.add(new Reachable(movedAddr(s.n()), true, id(s.n()), ok ? "ok" : "fail", specs.size(),
          slots > 0 ? 100 : 0, view));
    }
    return new ClusterObservation(Instant.EPOCH, nodes);
  }

  /** {@link #moved} of the healthy cluster, as a list to change. */
  private static List<NodeObservation> movedNodes(BiPredicate<Integer, Integer> relearned) {
    return new ArrayList<>(moved(healthy(), relearned).nodes());
  }

  /** A master's line at its new port (8000 + n). */
  private static String movedLine(int n, String flags, String slots) {
    return toMovedPort(line(n, flags, null, slots), n);
  }

  private static String toMovedPort(String line, int n) {
    return line.replace(":" + (7000 + n) + "@" + (17000 + n), ":" + (8000 + n) + "@" + (18000 + n));
  }

  private List<ClusterAction> planFor(List<NodeObservation> nodes) {
    return planner.plan(new ClusterObservation(Instant.EPOCH, nodes), THREE_BY_TWO);
  }

  /** Whether the action brings a node into a cluster: bootstrap, meet, or meet again. */
  private static boolean meets(ClusterAction action) {
    return action instanceof Bootstrap || action instanceof MeetNode || action instanceof RemeetNode;
  }

  /** The action is a {@code type} (a Refuse or Wait) whose reason names every one of {@code parts}. */
  private static Consumer<ClusterAction> outcome(Class<? extends ClusterAction> type, String... parts) {
    return a -> assertThat(a).isInstanceOf(type).asString().contains(parts);
  }

  private static RedisNodeAddress movedAddr(int n) {
    return new RedisNodeAddress("127.0.0.1", 8000 + n);
  }

  private static Reachable fresh(int n) {
    return new Reachable(addr(n), true, id(n), "fail", 1, 0,
        List.of(ClusterNodeEntry.parse(line(n, "myself,master", null, ""))));
  }

  private static ClusterObservation observe(NodeObservation... nodes) {
    return new ClusterObservation(Instant.EPOCH, List.of(nodes));
  }

  private static String line(int n, String flags, Integer masterOf, String slots) {
    return String.format("%s 127.0.0.1:%d@%d %s %s 0 0 1 %s %s", id(n), 7000 + n, 17000 + n, flags,
        masterOf == null ? "-" : id(masterOf), flags.contains("fail") ? "disconnected" : "connected", slots).trim();
  }

  private static RedisNodeAddress addr(int n) {
    return new RedisNodeAddress("127.0.0.1", 7000 + n);
  }

  private static String id(int n) {
    return String.format("%040d", n);
  }

  @SuppressWarnings("unused")
  private static Optional<String> none() {
    return Optional.empty();
  }
}
