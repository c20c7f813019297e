package io.authtier.operator.reconcile;

/** What one reconcile saw of the tier's ServiceMonitor and PrometheusRule. */
public sealed interface MonitoringObservation {
  /** The cluster has no ServiceMonitor or PrometheusRule CRD. */
  record NotInstalled() implements MonitoringObservation {}

  /** The CRDs exist; the objects were not written this time (the tier is stalled or failing). */
  record Installed() implements MonitoringObservation {}

  /** The objects are as desired: made, updated or removed. */
  record InPlace() implements MonitoringObservation {}

  /** The API server refused or failed a read or write; the message is its own. */
  record Failed(String message) implements MonitoringObservation {}
}
