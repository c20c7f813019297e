package io.authtier.operator.dependents.monitoring;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import java.util.List;

/** The Prometheus Operator's kinds that the operator makes, and whether a cluster has them. */
public final class PrometheusOperator {
  public static final String GROUP = "monitoring.coreos.com";
  // With their plurals given: a bare kind makes fabric8 ask API discovery, which fails while the CRDs are absent.
  public static final ResourceDefinitionContext SERVICE_MONITOR = kind("servicemonitors", "ServiceMonitor");
  public static final ResourceDefinitionContext PROMETHEUS_RULE = kind("prometheusrules", "PrometheusRule");

  private PrometheusOperator() {}

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
