package io.authtier.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Size;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import java.util.List;

/** The auth-runtime pods. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record RuntimeSpec(
    @Default(RuntimeSpec.DEFAULT_IMAGE)
    @JsonPropertyDescription("Container image of the auth-runtime.")
    String image,

    @Default("IfNotPresent")
    @JsonPropertyDescription("Image pull policy: Always, IfNotPresent or Never.")
    PullPolicy imagePullPolicy,

    @Default("2")
    @Min(1)
    @Max(MAX_REPLICAS)
    @JsonPropertyDescription("Number of pods when autoscaling is off. With autoscaling on, the HPA sets it.")
    Integer replicas,

    @JsonPropertyDescription("CPU and memory of each pod. Default: requests 250m CPU and 256Mi, limit 512Mi memory.")
    ResourceRequirements resources,

    @Size(max = 32)
    @JsonPropertyDescription("CIDRs of the proxies (ingress controllers) whose X-Forwarded-* headers the runtime trusts, such as 10.0.0.0/8. Empty: trusted from nobody.")
    List<String> trustedProxies) {
  /** Most pods of a tier (replicas, HPA bounds, PDB): Kubernetes counts them in 32-bit integers, the operator in Java ints. */
  public static final int MAX_REPLICAS = 1000;


  public static final String DEFAULT_IMAGE = "ghcr.io/authtier/auth-runtime:0.1.0";

  public RuntimeSpec {
    image = image == null ? DEFAULT_IMAGE : image;
    imagePullPolicy = imagePullPolicy == null ? PullPolicy.IfNotPresent : imagePullPolicy;
    replicas = replicas == null ? 2 : replicas;
    trustedProxies = trustedProxies == null ? List.of() : List.copyOf(trustedProxies);
  }

  /** Kubernetes image pull policies. */
  public enum PullPolicy { Always, IfNotPresent, Never }
}
