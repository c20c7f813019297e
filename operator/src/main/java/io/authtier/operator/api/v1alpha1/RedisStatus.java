package io.authtier.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** Observed state of the Redis, asked directly on every reconcile. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record RedisStatus(
    @JsonPropertyDescription("Standalone, Cluster or External, from spec.redis.mode.")
    String mode,

    @JsonPropertyDescription("Where the runtime connects: host:port of the Service (Standalone), or the node addresses (Cluster, External), comma-separated.")
    String endpoint,

    @JsonPropertyDescription("cluster_state as the cluster's nodes report it (ok or fail), or absent when no cluster has formed; only for clusters.")
    String clusterState,

    @JsonPropertyDescription("Slots served by masters that are not failing, of 16384; only for clusters.")
    Integer slotsAssigned,

    @JsonPropertyDescription("Masters that serve slots and are not failing; only for clusters.")
    Integer readyMasters,

    @JsonPropertyDescription("Connected replicas of ready masters; only for clusters.")
    Integer readyReplicas,

    @JsonPropertyDescription("Nodes (or endpoints) that answered, out of those asked, as reachable/asked.")
    String reachable) {}
