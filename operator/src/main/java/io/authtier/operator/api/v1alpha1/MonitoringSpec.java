package io.authtier.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;

/** Prometheus Operator objects for the runtime: a ServiceMonitor and alerting rules. */
public record MonitoringSpec(
    @Default("true")
    @JsonPropertyDescription("Whether to create a ServiceMonitor and a PrometheusRule, when the cluster has their CRDs.")
    Boolean serviceMonitor,

    @Default("{}")
    @JsonPropertyDescription("Alert thresholds.")
    Alerts alerts) {

  public MonitoringSpec {
    serviceMonitor = serviceMonitor == null ? Boolean.TRUE : serviceMonitor;
    alerts = alerts == null ? new Alerts(null, null, null, null) : alerts;
  }

  /** Alert thresholds of the PrometheusRule. */
  public record Alerts(
      @Default("500ms")
      @Pattern(Patterns.DURATION)
      @JsonPropertyDescription("Warn when the p99 response time of /auth is above this.")
      String responseTimeWarning,

      @Default("5")
      @Min(1)
      @Max(100)
      @JsonPropertyDescription("Critical when this percentage of requests fail with 5xx.")
      Integer errorRateCritical,

      @Default("80")
      @Min(1)
      @Max(100)
      @JsonPropertyDescription("Warn when the token cache hit rate falls below this percentage.")
      Integer cacheHitRateWarning,

      @Default("85")
      @Min(1)
      @Max(100)
      @JsonPropertyDescription("Critical when a pod uses this percentage of its memory limit.")
      Integer memoryCritical) {

    public Alerts {
      responseTimeWarning = responseTimeWarning == null ? "500ms" : responseTimeWarning;
      errorRateCritical = errorRateCritical == null ? 5 : errorRateCritical;
      cacheHitRateWarning = cacheHitRateWarning == null ? 80 : cacheHitRateWarning;
      memoryCritical = memoryCritical == null ? 85 : memoryCritical;
    }
  }
}
