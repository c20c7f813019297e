package io.authtier.operator.dependents.monitoring;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.authtier.operator.api.v1alpha1.AuthTier;
import io.authtier.operator.dependents.Metadata;
import io.authtier.operator.reconcile.Names;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** The Prometheus Operator's kinds that the operator makes, and whether a cluster has them. */
public final class PrometheusOperator {
  public static final String GROUP = "monitoring.coreos.com";
  // With their plurals given: a bare kind makes fabric8 ask API discovery, which fails while the CRDs are absent.
  public static final ResourceDefinitionContext SERVICE_MONITOR = kind("servicemonitors", "ServiceMonitor");
  public static final ResourceDefinitionContext PROMETHEUS_RULE = kind("prometheusrules", "PrometheusRule");

  /**
   * The keys of spec.monitoring.labels last written, so that a label taken out of the spec is taken off the
   * objects too; labels that others put on them are left alone.
   */
  public static final String ADDED_LABELS = "authtier.io/monitoring-labels";

  private PrometheusOperator() {}

  /** The metadata of a monitoring object: the runtime's labels, then the spec's, and which keys those were. */
  static ObjectMeta metadata(AuthTier tier) {
    var metadata = Metadata.runtime(tier, Names.runtime(tier));
    var added = tier.getSpec().monitoring().labels();
    if (!added.isEmpty()) {
      var labels = new TreeMap<>(added);
      labels.putAll(metadata.getLabels()); // never the operator's own, whatever the spec says
      metadata.setLabels(labels);
      metadata.setAnnotations(Map.of(ADDED_LABELS, String.join(",", added.keySet())));
    }
    return metadata;
  }

  /** True when both CRDs are installed: one GET each. */
  public static boolean installed(KubernetesClient client) {
    return List.of(SERVICE_MONITOR, PROMETHEUS_RULE).stream().allMatch(kind -> client.apiextensions().v1()
        .customResourceDefinitions().withName(kind.getPlural() + "." + GROUP).get() != null);
  }

  private static ResourceDefinitionContext kind(String plural, String kind) {
    return new ResourceDefinitionContext.Builder().withGroup(GROUP).withVersion("v1").withKind(kind)
        .withPlural(plural).withNamespaced(true).build();
  }
}
