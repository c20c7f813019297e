package io.authtier.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Pattern;

/** Persistent volumes for an operator-run Redis. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record PersistenceSpec(
    @Default("true")
    @JsonPropertyDescription("Whether Redis keeps its data (AOF) on a persistent volume.")
    Boolean enabled,

    @Default("1Gi")
    @Pattern(PersistenceSpec.SIZE_PATTERN)
    @JsonPropertyDescription("Size of each volume.")
    String size,

    @JsonPropertyDescription("StorageClass of the volumes; the cluster's default when left out.")
    String storageClassName) {

  /** A volume size as the CRD takes it: a plain number and a binary or decimal suffix, no exponents or milli. */
  public static final String SIZE_PATTERN = "^[0-9]+(\\.[0-9]+)?(Ki|Mi|Gi|Ti|k|M|G|T)?$";

  public PersistenceSpec {
    enabled = enabled == null ? Boolean.TRUE : enabled;
    size = size == null ? "1Gi" : size;
  }
}
