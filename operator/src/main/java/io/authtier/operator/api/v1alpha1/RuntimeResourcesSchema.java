package io.authtier.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.kubernetes.api.model.Quantity;
import java.util.List;
import java.util.Map;

/**
 * The CRD schema of {@code spec.runtime.resources}, which the model reads as fabric8's ResourceRequirements:
 * that class carries no descriptions, so {@code kubectl explain} would show its fields bare. Schema only; never
 * instantiated.
 */
public record RuntimeResourcesSchema(
    @JsonPropertyDescription("What each runtime pod is given and scheduled by, as Kubernetes quantities: cpu (such as"
        + " 250m or 1), memory (256Mi, 1Gi), ephemeral-storage, hugepages-<size> (such as hugepages-2Mi), or an extended"
        + " resource named with its domain (such as example.com/device; whole numbers, and its limit must be set to the"
        + " same amount). cpu and memory left out take their defaults.")
    Map<String, Quantity> requests,

    @JsonPropertyDescription("The most each runtime pod may use, as quantities of the same resources as requests; a"
        + " request must not exceed its limit. memory left out takes its default; cpu has no limit unless set.")
    Map<String, Quantity> limits,

    @JsonPropertyDescription("Not supported: dynamic resource claims need resourceClaims on the pod, which the runtime's"
        + " pods do not have. The operator refuses any entry (Stalled, InvalidSpec).")
    List<Claim> claims) {

  /** One claim, as Kubernetes defines it. */
  public record Claim(
      @JsonPropertyDescription("Name of one of the pod's resourceClaims (the runtime's pods have none).")
      String name,

      @JsonPropertyDescription("Name of one request within that claim; empty for the whole claim.")
      String request) {}
}
