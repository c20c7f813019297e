package io.authtier.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.ValidationRule;

/**
 * Shape of an operator-run Redis Cluster. Masters and replicas can be added (slots move to new masters) but
 * not removed.
 */
@ValidationRule(value = "self.masters >= oldSelf.masters",
    message = "redis.cluster.masters cannot shrink: scale-in is not supported in this version; raise it, or keep it")
@ValidationRule(value = "self.replicasPerMaster >= oldSelf.replicasPerMaster",
    message = "redis.cluster.replicasPerMaster cannot shrink: the StatefulSet would remove its highest pods, which may hold a "
        + "master and its only replica; raise it, or keep it")
public record RedisClusterSpec(
    @Default("3")
    @Min(3)
    @Max(64)
    @JsonPropertyDescription("Number of masters; the 16384 slots are spread over them.")
    Integer masters,

    @Default("1")
    @Min(0)
    @Max(5)
    @JsonPropertyDescription("Replicas of each master, placed on other nodes than their master.")
    Integer replicasPerMaster) {

  public RedisClusterSpec {
    masters = masters == null ? 3 : masters;
    replicasPerMaster = replicasPerMaster == null ? 1 : replicasPerMaster;
  }
}
