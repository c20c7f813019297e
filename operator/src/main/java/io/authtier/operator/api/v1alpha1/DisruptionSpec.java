package io.authtier.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;

/** The PodDisruptionBudget of the runtime. */
public record DisruptionSpec(
    @Default("1")
    @Min(0)
    @Max(RuntimeSpec.MAX_REPLICAS)
    @JsonPropertyDescription("Most runtime pods that voluntary disruptions (node drains) may take down at once. 0 lets"
        + " no drain evict a runtime pod: a node that runs one cannot be drained until this changes.")
    Integer maxUnavailable) {

  public DisruptionSpec {
    maxUnavailable = maxUnavailable == null ? 1 : maxUnavailable;
  }
}
