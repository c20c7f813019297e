package io.authtier.operator.reconcile;

import io.authtier.operator.api.v1alpha1.AuthTier;
import io.authtier.operator.dependents.monitoring.MonitoringObjects;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;

/**
 * The ServiceMonitor and PrometheusRule, kept apart from the rest of the reconcile: a cluster without the
 * Prometheus Operator, CRDs removed after they were seen, or an admission webhook that refuses a rule end up
 * in MonitoringAvailable, never in a failed reconcile or in Ready.
 */
final class MonitoringStep {
  private final PrometheusOperatorCheck prometheusOperator;

  MonitoringStep(PrometheusOperatorCheck prometheusOperator) {
    this.prometheusOperator = prometheusOperator;
  }

  /** Whether the CRDs exist, without writing anything: for a tier that is stalled or failing. */
  MonitoringObservation observe(KubernetesClient client) {
    try {
      return prometheusOperator.installed(client) ? new MonitoringObservation.Installed()
          : new MonitoringObservation.NotInstalled();
    } catch (KubernetesClientException e) {
      return new MonitoringObservation.Failed("Could not look for the Prometheus Operator's CRDs: " + apiMessage(e));
    }
  }

  /** Brings the objects to their desired state (or removes them) where the CRDs exist. */
  MonitoringObservation reconcile(KubernetesClient client, AuthTier tier) {
    try {
      if (!prometheusOperator.installed(client)) {
        return new MonitoringObservation.NotInstalled();
      }
      MonitoringObjects.reconcile(client, tier);
      return new MonitoringObservation.InPlace();
    } catch (KubernetesClientException e) {
      if (e.getCode() == 404) {
        // The kind is gone (CRDs removed since the cached answer): ask again rather than trust the cache.
        prometheusOperator.forget();
        var now = observe(client);
        return now instanceof MonitoringObservation.Installed ? new MonitoringObservation.Failed(apiMessage(e)) : now;
      }
      return new MonitoringObservation.Failed(apiMessage(e));
    }
  }

  private static String apiMessage(KubernetesClientException e) {
    var message = MonitoringObjects.apiMessage(e);
    return message.length() > 500 ? message.substring(0, 500) + "…" : message;
  }
}
