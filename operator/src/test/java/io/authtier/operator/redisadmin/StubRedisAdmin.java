package io.authtier.operator.redisadmin;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;

/**
 * A {@link RedisAdmin} for the operator's tests: it answers {@link #observe} from a function of the node
 * list that the test controls, plans with the real {@link ClusterPlanner}, and records what it was asked to
 * execute instead of talking to Redis.
 */
public final class StubRedisAdmin implements RedisAdmin {

  private final ClusterPlanner planner;
  private volatile Function<List<RedisNodeAddress>, ClusterObservation> observations;
  private final List<ClusterAction> executed = new ArrayList<>();

  public StubRedisAdmin(ClusterPlanner planner, Function<List<RedisNodeAddress>, ClusterObservation> observations) {
    this.planner = Objects.requireNonNull(planner, "planner");
    this.observations = Objects.requireNonNull(observations, "observations");
  }

  /** Every node unreachable: what a cluster whose pods have not started looks like. */
  public static StubRedisAdmin allUnreachable() {
    return new StubRedisAdmin(new ClusterPlanner(ReplicaPlacement.anyOtherNode()), nodes -> new ClusterObservation(
        Instant.EPOCH,
        nodes.stream().<NodeObservation>map(n -> new NodeObservation.Unreachable(n, "Connection refused")).toList()));
  }

  /** Changes what later observations return (a master dies, a node comes back). */
  public void answerWith(Function<List<RedisNodeAddress>, ClusterObservation> observations) {
    this.observations = Objects.requireNonNull(observations, "observations");
  }

  @Override
  public ClusterObservation observe(List<RedisNodeAddress> nodes) {
    return observations.apply(List.copyOf(nodes));
  }

  @Override
  public List<ClusterAction> plan(ClusterObservation observation, DesiredCluster desired) {
    return planner.plan(observation, desired);
  }

  @Override
  public synchronized void execute(List<ClusterAction> actions) {
    actions.stream().filter(ClusterAction::changesRedis).forEach(executed::add);
  }

  public synchronized List<ClusterAction> executed() {
    return List.copyOf(executed);
  }

  @Override
  public void close() {}
}
