package io.authtier.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** One condition, after the Kubernetes API conventions (metav1.Condition). */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Condition(
    @JsonPropertyDescription("Type of the condition, such as Ready.")
    String type,

    @JsonPropertyDescription("True, False or Unknown.")
    String status,

    @JsonPropertyDescription("The metadata.generation that the condition was set for.")
    Long observedGeneration,

    @JsonPropertyDescription("When status last changed, RFC 3339.")
    String lastTransitionTime,

    @JsonPropertyDescription("Machine-readable reason for the last change, in CamelCase.")
    String reason,

    @JsonPropertyDescription("What a person should know, and do.")
    String message) {}
