package io.authtier.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.ValidationRule;

/** A HorizontalPodAutoscaler for the runtime, on CPU, memory and request queue length. */
@ValidationRule(value = "self.minReplicas <= self.maxReplicas",
    message = "autoscaling.minReplicas must not exceed autoscaling.maxReplicas")
public record AutoscalingSpec(
    @Default("true")
    @JsonPropertyDescription("Whether the operator keeps an HPA for the runtime. Turned off, the HPA is removed and runtime.replicas applies.")
    Boolean enabled,

    @Default("2")
    @Min(1)
    @Max(RuntimeSpec.MAX_REPLICAS)
    @JsonPropertyDescription("Fewest pods.")
    Integer minReplicas,

    @Default("20")
    @Min(1)
    @Max(RuntimeSpec.MAX_REPLICAS)
    @JsonPropertyDescription("Most pods.")
    Integer maxReplicas,

    @Default("70")
    @Min(1)
    @Max(100)
    @JsonPropertyDescription("Target average CPU utilisation, in percent of the request.")
    Integer cpuUtilization,

    @Default("80")
    @Min(1)
    @Max(100)
    @JsonPropertyDescription("Target average memory utilisation, in percent of the request.")
    Integer memoryUtilization,

    @Default("100")
    @Min(0)
    @Max(MAX_REQUEST_QUEUE_LENGTH)
    @JsonPropertyDescription("Target average of in-flight requests per pod (metric authtier_http_requests_in_flight, served to the HPA by a"
        + " metrics adapter such as prometheus-adapter). Without an adapter the HPA scales up but never down (a metric it cannot read"
        + " blocks every scale-down): set 0 to scale on CPU and memory only.")
    Integer requestQueueLength) {
  public static final int MAX_REQUEST_QUEUE_LENGTH = 1_000_000;


  public AutoscalingSpec {
    enabled = enabled == null ? Boolean.TRUE : enabled;
    minReplicas = minReplicas == null ? 2 : minReplicas;
    maxReplicas = maxReplicas == null ? 20 : maxReplicas;
    cpuUtilization = cpuUtilization == null ? 70 : cpuUtilization;
    memoryUtilization = memoryUtilization == null ? 80 : memoryUtilization;
    requestQueueLength = requestQueueLength == null ? 100 : requestQueueLength;
  }
}
