package io.authtier.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.crdv2.generator.v1.SchemaCustomizer;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaProps;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.util.List;
import java.util.Map;

/**
 * The CRD schema of {@code spec.runtime.resources}, which the model reads as fabric8's ResourceRequirements:
 * that class carries no descriptions, so {@code kubectl explain} would show its fields bare, nor the rules
 * Kubernetes applies to a container's quantities. Schema only; never instantiated. The operator checks the rest
 * (resource names, integers in YAML, requests against limits) before it writes anything, see {@code ResourceRules}.
 */
@SchemaCustomizer(value = RuntimeResourcesSchema.QuantityPattern.class, input = Patterns.QUANTITY)
public record RuntimeResourcesSchema(
    @JsonPropertyDescription("What each runtime pod is given and scheduled by, as Kubernetes quantities: cpu (such as"
        + " 250m or 1), memory (256Mi, 1Gi), ephemeral-storage, hugepages-<size> (such as hugepages-2Mi), or an extended"
        + " resource named with its domain (such as example.com/device; whole numbers, and its limit must be set to the"
        + " same amount). Not negative. cpu and memory left out take their defaults.")
    Map<String, Quantity> requests,

    @JsonPropertyDescription("The most each runtime pod may use, as quantities of the same resources as requests; a"
        + " request must not exceed its limit. memory left out takes its default; cpu has no limit unless set.")
    Map<String, Quantity> limits,

    @JsonPropertyDescription("Not supported: dynamic resource claims need resourceClaims on the pod, which the runtime's"
        + " pods do not have. The operator refuses any entry (Stalled, InvalidSpec).")
    List<Claim> claims) {

  /**
   * Puts {@code input} as the pattern of each quantity in requests and limits, where controller-gen puts it for
   * resource.Quantity: the generator drops a pattern on a map of Quantity (int-or-string), and a JSON merge patch
   * would replace the properties whole. Read by crd-generator-maven-plugin only.
   */
  public static final class QuantityPattern implements SchemaCustomizer.Customizer {
    @Override
    public JSONSchemaProps apply(JSONSchemaProps schema, String input, KubernetesSerialization serialization) {
      for (var map : List.of("requests", "limits")) {
        schema.getProperties().get(map).getAdditionalProperties().getSchema().setPattern(input);
      }
      return schema;
    }
  }

  /** One claim, as Kubernetes defines it. */
  public record Claim(
      @JsonPropertyDescription("Name of one of the pod's resourceClaims (the runtime's pods have none).")
      String name,

      @JsonPropertyDescription("Name of one request within that claim; empty for the whole claim.")
      String request) {}
}
