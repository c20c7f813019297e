package io.authtier.operator.dependents.monitoring;

import io.authtier.operator.api.v1alpha1.AuthTier;
import io.authtier.operator.reconcile.Labels;
import io.authtier.operator.reconcile.Names;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import java.util.List;
import java.util.Map;

/**
 * Tells Prometheus (through the Prometheus Operator) to scrape the runtime's /metrics every 15 s, keeping the
 * runtime's own labels.
 */
public final class RuntimeServiceMonitor {
  private RuntimeServiceMonitor() {}

  public static GenericKubernetesResource build(AuthTier tier) {
    return new GenericKubernetesResourceBuilder()
        .withApiVersion(PrometheusOperator.GROUP + "/v1")
        .withKind(PrometheusOperator.SERVICE_MONITOR.getKind())
        .withMetadata(PrometheusOperator.metadata(tier))
        .withAdditionalProperties(Map.of("spec", Map.of(
            // The management Service only; its job label is the tier's name (the alerts' job), not the Service's.
            "selector", Map.of("matchLabels", Labels.metrics(tier).selector()),
            "jobLabel", Labels.INSTANCE,
            "endpoints", List.of(Map.of(
                "port", Names.MANAGEMENT_PORT_NAME,
                "path", "/metrics",
                "interval", "15s",
                "scheme", "http",
                // The runtime's endpoint label (auth, ext_authz, ...) would otherwise lose to the target label of
                // that name (the port, management) and be stored as exported_endpoint. It sets no other target label.
                "honorLabels", true)))))
        .build();
  }
}
