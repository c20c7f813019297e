package io.authtier.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.crd.generator.annotation.SchemaFrom;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import java.util.List;

/** The auth-runtime pods. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record RuntimeSpec(
    @Default(RuntimeSpec.DEFAULT_IMAGE)
    @Pattern(Patterns.IMAGE)
    @JsonPropertyDescription("Container image of the auth-runtime, without spaces.")
    String image,

    @Default("IfNotPresent")
    @JsonPropertyDescription("Image pull policy: Always, IfNotPresent or Never.")
    PullPolicy imagePullPolicy,

    @Default("2")
    @Min(1)
    @Max(MAX_REPLICAS)
    @JsonPropertyDescription("Number of pods when autoscaling is off. With autoscaling on, the HPA sets it.")
    Integer replicas,

    @SchemaFrom(type = RuntimeResourcesSchema.class)
    @JsonPropertyDescription("CPU and memory of each pod. Each of requests.cpu (default " + DEFAULT_CPU_REQUEST
        + "), requests.memory (" + DEFAULT_MEMORY_REQUEST + ") and limits.memory (" + DEFAULT_MEMORY_LIMIT + ") that is left out"
        + " takes its default on its own; what is set is kept. A defaulted request is lowered to the limit set for it, and"
        + " a defaulted memory limit is raised to the memory request set, so requests never exceed limits. There is always"
        + " a memory request and limit: the HPA's memory target is a share of the request, and the JVM heap (75 %) and the"
        + " memory alert are shares of the limit. No CPU limit unless set.")
    ResourceRequirements resources,

    @Size(max = 32)
    @JsonPropertyDescription("CIDRs of the proxies (ingress controllers) whose X-Forwarded-* headers the runtime trusts, such as 10.0.0.0/8. Empty: trusted from nobody.")
    List<String> trustedProxies,

    @Default("8192")
    @Min(MIN_TOKEN_BYTES)
    @Max(MAX_TOKEN_BYTES)
    @JsonPropertyDescription("Longest token, in bytes, that the runtime reads (server.maxTokenBytes): a longer bearer token gets 401"
        + " (too_large) unread, and the runtime takes request headers of up to this plus 8 KiB. Raise it for an IdP whose access"
        + " tokens carry many groups or roles (Keycloak's can pass 8 KiB); the ingress must pass headers that large too"
        + " (nginx: large_client_header_buffers, 8k by default).")
    Integer maxTokenBytes) {
  /** Most pods of a tier (replicas, HPA bounds, PDB): Kubernetes counts them in 32-bit integers, the operator in Java ints. */
  public static final int MAX_REPLICAS = 1000;

  /** The runtime's bounds and default for server.maxTokenBytes. */
  public static final int MIN_TOKEN_BYTES = 256;
  public static final int MAX_TOKEN_BYTES = 65536;
  public static final int DEFAULT_MAX_TOKEN_BYTES = 8192;

  public static final String DEFAULT_IMAGE = "ghcr.io/authtier/auth-runtime:0.1.0";
  /** Defaults of resources, each applied on its own by the Deployment (the schema cannot default map entries). */
  public static final String DEFAULT_CPU_REQUEST = "250m";
  public static final String DEFAULT_MEMORY_REQUEST = "256Mi";
  public static final String DEFAULT_MEMORY_LIMIT = "512Mi";

  public RuntimeSpec {
    image = image == null ? DEFAULT_IMAGE : image;
    imagePullPolicy = imagePullPolicy == null ? PullPolicy.IfNotPresent : imagePullPolicy;
    replicas = replicas == null ? 2 : replicas;
    trustedProxies = trustedProxies == null ? List.of() : List.copyOf(trustedProxies);
    maxTokenBytes = maxTokenBytes == null ? DEFAULT_MAX_TOKEN_BYTES : maxTokenBytes;
  }

  /** Kubernetes image pull policies. */
  public enum PullPolicy { Always, IfNotPresent, Never }
}
