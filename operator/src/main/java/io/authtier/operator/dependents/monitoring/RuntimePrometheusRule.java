package io.authtier.operator.dependents.monitoring;

import io.authtier.operator.api.v1alpha1.AuthTier;
import io.authtier.operator.reconcile.Names;
import io.authtier.operator.spec.Durations;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import java.math.BigDecimal;
import java.util.List;
import java.util.Map;

/**
 * Alerts on the runtime, one per threshold in spec.monitoring.alerts, scoped to this tier's Service
 * ({@code namespace} and {@code job} labels that the ServiceMonitor's scrape gives every series).
 */
public final class RuntimePrometheusRule {

  /**
   * Kubernetes names a Deployment's pod {@code <deployment>-<template hash>-} cut to 58 characters, then 5
   * random ones; the hash is at most 10 characters.
   */
  private static final int GENERATED_PREFIX = 58;
  private static final int MAX_TEMPLATE_HASH = 10;

  private RuntimePrometheusRule() {}

  /**
   * A regular expression for the names of the pods of Deployment {@code deployment}, and of no other
   * tier's (one named {@code shop-auth-x} starts like {@code shop-auth}): {@code <deployment>-<hash>-<5>},
   * or, when that is longer than Kubernetes keeps, what is left of it.
   */
  static String podsOf(String deployment) {
    var prefix = deployment + "-";
    int room = GENERATED_PREFIX - prefix.length();
    if (room > MAX_TEMPLATE_HASH) {
      return prefix + "[a-z0-9]+-[a-z0-9]{5}";
    }
    if (room >= 0) {
      return prefix + "[a-z0-9]{0," + room + "}-?[a-z0-9]{5}";
    }
    return prefix.substring(0, GENERATED_PREFIX) + "[a-z0-9]{5}";
  }

  public static GenericKubernetesResource build(AuthTier tier) {
    var alerts = tier.getSpec().monitoring().alerts();
    var name = Names.runtime(tier);
    var scope = "namespace=\"" + tier.getMetadata().getNamespace() + "\",job=\"" + name + "\"";
    var seconds = BigDecimal.valueOf(Durations.parse(alerts.responseTimeWarning()).orElseThrow().toNanos(), 9)
        .stripTrailingZeros().toPlainString();
    var namespace = tier.getMetadata().getNamespace();
    // Every alert keeps namespace and job: two tiers failing at once are two alerts, routed and silenced apiece.
    var rules = List.of(
        alert("AuthTierDown", "critical", "2m",
            // absent() of a bare selector takes its labels from the selector; of an expression it would have none.
            "max by (namespace, job) (up{" + scope + "}) == 0 or absent(up{" + scope + "})",
            "No auth-runtime pod of " + name + " is being scraped; requests behind the ingress may be refused."),
        // The runtime's own endpoint label reaches Prometheus because the ServiceMonitor honours it.
        alert("AuthTierSlowResponses", "warning", "10m",
            "histogram_quantile(0.99, sum by (namespace, job, le) (rate(authtier_http_request_duration_seconds_bucket{"
                + scope + ",endpoint=\"auth\"}[5m]))) > " + seconds,
            "p99 of /auth on " + name + " is above " + alerts.responseTimeWarning() + "."),
        alert("AuthTierServerErrors", "critical", "5m",
            "100 * sum by (namespace, job) (rate(authtier_http_request_duration_seconds_count{" + scope
                + ",status=~\"5..\"}[5m])) / sum by (namespace, job) (rate(authtier_http_request_duration_seconds_count{"
                + scope + "}[5m])) > " + alerts.errorRateCritical(),
            "More than " + alerts.errorRateCritical() + " % of requests to " + name
                + " fail with 5xx (often: the IdP or Redis is unreachable and nothing is cached)."),
        // At least one lookup a second: a few first-seen tokens on an idle tier are not a falling hit rate.
        alert("AuthTierLowCacheHitRate", "warning", "15m",
            "100 * sum by (namespace, job) (rate(authtier_cache_requests_total{" + scope + ",tier=\"l1\",result=\"hit\"}[10m]))"
                + " / sum by (namespace, job) (rate(authtier_cache_requests_total{" + scope + ",tier=\"l1\"}[10m])) < "
                + alerts.cacheHitRateWarning()
                + " and sum by (namespace, job) (rate(authtier_cache_requests_total{" + scope + ",tier=\"l1\"}[10m])) >= 1",
            "The token cache hit rate of " + name + " is below " + alerts.cacheHitRateWarning()
                + " %: more tokens are checked afresh (a signature check for a JWT, the L2 cache or an introspection"
                + " call for an opaque token); many unknown or forged tokens show the same way."),
        // Each side taken per pod first: a restarted container's old and new series must not break the match.
        alert("AuthTierMemoryHigh", "critical", "5m",
            "100 * max by (namespace, pod) (container_memory_working_set_bytes{namespace=\"" + namespace
                + "\",container=\"" + Names.CONTAINER + "\",pod=~\"" + podsOf(name) + "\"})"
                + " / on (namespace, pod) max by (namespace, pod) (kube_pod_container_resource_limits{namespace=\""
                + namespace + "\",resource=\"memory\",container=\"" + Names.CONTAINER + "\"}) > " + alerts.memoryCritical(),
            "A pod of " + name + " uses more than " + alerts.memoryCritical() + " % of its memory limit."));
    return new GenericKubernetesResourceBuilder()
        .withApiVersion(PrometheusOperator.GROUP + "/v1")
        .withKind(PrometheusOperator.PROMETHEUS_RULE.getKind())
        .withMetadata(PrometheusOperator.metadata(tier))
        .withAdditionalProperties(Map.of("spec", Map.of(
            "groups", List.of(Map.of("name", "authtier." + name, "rules", rules)))))
        .build();
  }

  private static Map<String, Object> alert(String name, String severity, String forDuration, String expr,
      String description) {
    return Map.of(
        "alert", name,
        "expr", expr,
        "for", forDuration,
        "labels", Map.of("severity", severity),
        "annotations", Map.of("summary", name, "description", description));
  }
}
