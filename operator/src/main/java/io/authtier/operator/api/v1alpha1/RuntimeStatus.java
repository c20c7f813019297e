package io.authtier.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** Observed state of the auth-runtime Deployment. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record RuntimeStatus(
    @JsonPropertyDescription("Pods wanted.")
    Integer replicas,

    @JsonPropertyDescription("Pods ready.")
    Integer readyReplicas,

    @JsonPropertyDescription("ready/wanted, for kubectl get.")
    String replicaSummary,

    @JsonPropertyDescription("In-cluster URL of the runtime, for the ingress's auth-url.")
    String endpoint,

    @JsonPropertyDescription("A hash of the pod template that every runtime pod ran when its last rollout completed. The"
        + " HPA changing the Deployment's replicas keeps the template, so that is not taken for a rollout.")
    String rolledOutTemplate) {}
