package io.authtier.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.List;

/** What the auth tier is, observed by the operator on every reconcile. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record AuthTierStatus(
    @JsonPropertyDescription("The metadata.generation that this status describes.")
    Long observedGeneration,

    @JsonPropertyDescription("Ready, Reconciling and Stalled (kstatus), and RuntimeReady, AutoscalingReady, RedisReady, MonitoringAvailable.")
    List<Condition> conditions,

    @JsonPropertyDescription("The auth-runtime Deployment.")
    RuntimeStatus runtime,

    @JsonPropertyDescription("The Redis, observed live on every reconcile; absent without spec.redis.")
    RedisStatus redis) {

  public AuthTierStatus {
    conditions = conditions == null ? List.of() : List.copyOf(conditions);
  }
}
