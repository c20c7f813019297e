package io.authtier.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;
import java.time.Duration;
import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/** Prometheus Operator objects for the runtime: a ServiceMonitor and alerting rules. */
public record MonitoringSpec(
    @Default("true")
    @JsonPropertyDescription("Whether to create a ServiceMonitor and a PrometheusRule, when the cluster has their CRDs.")
    Boolean serviceMonitor,

    @Default("{}")
    @JsonPropertyDescription("Alert thresholds.")
    Alerts alerts,

    @Size(max = MonitoringSpec.MAX_LABELS)
    @JsonPropertyDescription("Labels added to the ServiceMonitor and the PrometheusRule, for a Prometheus that selects"
        + " them by label: kube-prometheus-stack's Prometheus selects only objects labelled release: <its Helm release>"
        + " (unless its serviceMonitorSelectorNilUsesHelmValues and ruleSelectorNilUsesHelmValues are false). Keys and"
        + " values follow Kubernetes label syntax; the operator's own app.kubernetes.io/ labels cannot be set here.")
    Map<String, String> labels) {

  /** More labels than a Prometheus selector needs is a mistake, not a use. */
  public static final int MAX_LABELS = 16;

  public MonitoringSpec {
    serviceMonitor = serviceMonitor == null ? Boolean.TRUE : serviceMonitor;
    alerts = alerts == null ? new Alerts(null, null, null, null) : alerts;
    labels = labels == null ? Map.of() : Collections.unmodifiableMap(new TreeMap<>(labels));
  }

  public MonitoringSpec(Boolean serviceMonitor, Alerts alerts) {
    this(serviceMonitor, alerts, null);
  }

  /** Alert thresholds of the PrometheusRule. */
  public record Alerts(
      @Default("500ms")
      @Pattern(Patterns.DURATION)
      @JsonPropertyDescription("Warn when the p99 response time of /auth is above this. Below 5s, the runtime's largest"
          + " response-time bucket.")
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

    /** The largest finite bucket of the runtime's authtier_http_request_duration_seconds: no p99 reads above it. */
    public static final Duration LARGEST_RESPONSE_TIME_BUCKET = Duration.ofSeconds(5);

    public Alerts {
      responseTimeWarning = responseTimeWarning == null ? "500ms" : responseTimeWarning;
      errorRateCritical = errorRateCritical == null ? 5 : errorRateCritical;
      cacheHitRateWarning = cacheHitRateWarning == null ? 80 : cacheHitRateWarning;
      memoryCritical = memoryCritical == null ? 85 : memoryCritical;
    }
  }
}
