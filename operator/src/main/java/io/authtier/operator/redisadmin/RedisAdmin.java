package io.authtier.operator.redisadmin;

import java.util.List;

/**
 * Administration of one Redis Cluster: observe the nodes, plan with {@link ClusterPlanner}, execute.
 * The reconciler calls {@link #reconcile} once per reconcile; its tests stub this interface.
 */
public interface RedisAdmin extends AutoCloseable {

  /** Asks every node about itself and its view of the cluster; a node that does not answer is Unreachable. */
  ClusterObservation observe(List<RedisNodeAddress> nodes);

  /** The pure decision for one observation. */
  List<ClusterAction> plan(ClusterObservation observation, DesiredCluster desired);

  /**
   * Runs the actions that change Redis, in order; {@link ClusterAction.Refuse} and {@link ClusterAction.Wait}
   * are skipped.
   *
   * @throws RedisAdminException when a command fails; the actions before it have taken effect
   */
  void execute(List<ClusterAction> actions);

  /** One round: observe, plan, execute. Returns what was observed and decided, for status and events. */
  default Round reconcile(List<RedisNodeAddress> nodes, DesiredCluster desired) {
    ClusterObservation observation = observe(nodes);
    List<ClusterAction> actions = plan(observation, desired);
    execute(actions);
    return new Round(observation, actions);
  }

  /**
   * The outcome of one round. The cluster has converged when {@link #actions()} is empty; it needs a person
   * when it holds a {@link ClusterAction.Refuse}.
   */
  record Round(ClusterObservation observation, List<ClusterAction> actions) {
    public Round {
      actions = List.copyOf(actions);
    }

    public boolean converged() {
      return actions.isEmpty();
    }

    public List<String> refusals() {
      return actions.stream()
          .filter(ClusterAction.Refuse.class::isInstance)
          .map(a -> ((ClusterAction.Refuse) a).reason())
          .toList();
    }
  }

  @Override
  void close();
}
