package io.authtier.operator.redisadmin;

import java.util.List;

/**
 * What {@code status.redis} reports, from live Redis.
 *
 * @param clusterState {@code ok} when every member that answers reports {@code cluster_state:ok}, else the first
 *     other state reported ({@code fail}); {@code absent} before bootstrap
 * @param slotsAssigned slots served by masters that are not failing (16384 when fully covered)
 * @param readyMasters masters that serve slots and are not failing
 * @param readyReplicas connected, non-failing replicas of those masters
 * @param unreachable addresses that did not answer
 */
public record ClusterHealth(
    String clusterState, int slotsAssigned, int readyMasters, int readyReplicas, List<String> unreachable) {

  public ClusterHealth {
    unreachable = List.copyOf(unreachable);
  }

  public boolean ready(DesiredCluster desired) {
    return "ok".equals(clusterState)
        && slotsAssigned == SlotRange.SLOTS
        && readyMasters >= desired.masters()
        && readyReplicas >= desired.masters() * desired.replicasPerMaster()
        && unreachable.isEmpty();
  }
}
