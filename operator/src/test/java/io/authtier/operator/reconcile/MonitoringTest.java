package io.authtier.operator.reconcile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.authtier.operator.api.v1alpha1.MonitoringSpec;
import io.authtier.operator.support.OperatorHarness;
import io.authtier.operator.support.Repo;
import io.authtier.operator.support.Tiers;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** ServiceMonitor and PrometheusRule, where the Prometheus Operator is installed, and honest status where not. */
class MonitoringTest {
  private static final ResourceDefinitionContext SERVICE_MONITORS = context("servicemonitors", "ServiceMonitor");
  private static final ResourceDefinitionContext PROMETHEUS_RULES = context("prometheusrules", "PrometheusRule");

  private OperatorHarness harness;

  @BeforeEach
  void start() {
    harness = OperatorHarness.start().withReadyWorkloads();
  }

  @AfterEach
  void stop() {
    harness.close();
  }

  @Test
  @DisplayName("Without the Prometheus Operator the tier is Ready and MonitoringAvailable says what is missing")
  void withoutPrometheusOperator() throws Exception {
    harness.apply(Repo.sample("production.yaml"), "prod");

    harness.awaitReady("prod", "shop-auth");
    var monitoring = harness.awaitCondition("prod", "shop-auth", "MonitoringAvailable", "False");
    assertThat(monitoring.reason()).isEqualTo("PrometheusOperatorNotInstalled");
    assertThat(monitoring.message()).contains("monitoring.coreos.com");
  }

  @Test
  @DisplayName("With the Prometheus Operator, a ServiceMonitor and alert rules are made, and removed when monitoring is off")
  void withPrometheusOperator() throws Exception {
    // Given a cluster with the Prometheus Operator's CRDs
    harness.installPrometheusOperator();

    // When a tier is created
    harness.apply(Repo.sample("production.yaml"), "prod");
    harness.awaitReady("prod", "shop-auth");

    // Then it is scraped on its management port and alerted on with the spec's thresholds
    await().atMost(OperatorHarness.TIMEOUT).until(() -> monitor() != null && rule() != null);
    @SuppressWarnings("unchecked")
    var endpoints = (List<Map<String, Object>>) ((Map<String, Object>) monitor().getAdditionalProperties().get("spec")).get("endpoints");
    assertThat(endpoints).singleElement().satisfies(e -> {
      assertThat(e).containsEntry("port", "management").containsEntry("path", "/metrics")
          // the runtime's endpoint label, not the target's of that name (the port), must reach the alert rules
          .containsEntry("honorLabels", true);
    });
    assertThat(monitor().getMetadata().getOwnerReferences()).singleElement()
        .satisfies(o -> assertThat(o.getName()).isEqualTo("shop-auth"));
    // And the port it scrapes is on the tier's management Service, not on the Service that ingresses ask
    var management = harness.client().services().inNamespace("prod").withName("shop-auth-metrics").get();
    assertThat(management.getSpec().getPorts()).extracting(p -> p.getName()).containsExactly("management");
    assertThat(management.getMetadata().getOwnerReferences()).singleElement()
        .satisfies(o -> assertThat(o.getName()).isEqualTo("shop-auth"));
    assertThat(harness.client().services().inNamespace("prod").withName("shop-auth").get().getSpec().getPorts())
        .extracting(p -> p.getName()).containsExactly("http");
    var rules = harness.client().getKubernetesSerialization().asJson(rule().getAdditionalProperties());
    assertThat(rules).contains("AuthTierSlowResponses", "> 0.5", "AuthTierServerErrors", "> 5",
        "AuthTierLowCacheHitRate", "< 80", "AuthTierMemoryHigh", "> 85", "job=\\\"shop-auth\\\"");
    assertThat(harness.awaitCondition("prod", "shop-auth", "MonitoringAvailable", "True").reason())
        .isEqualTo("MonitoringActive");

    // When monitoring is turned off
    harness.update("prod", "shop-auth", t -> {
      t.setSpec(Tiers.withMonitoring(t.getSpec(), new MonitoringSpec(false, t.getSpec().monitoring().alerts())));
      return t;
    });

    // Then both are removed
    await().atMost(OperatorHarness.TIMEOUT).until(() -> monitor() == null && rule() == null);
    assertThat(harness.awaitCondition("prod", "shop-auth", "MonitoringAvailable", "True").reason())
        .isEqualTo("MonitoringDisabled");
  }

  @Test
  @DisplayName("spec.monitoring.labels reach the ServiceMonitor and PrometheusRule; a label taken out of the spec comes off, one put there by others stays")
  void labelsForPrometheusSelectors() throws Exception {
    harness.installPrometheusOperator();
    harness.apply(Repo.sample("production.yaml"), "prod");
    harness.awaitReady("prod", "shop-auth");
    await().atMost(OperatorHarness.TIMEOUT).until(() -> monitor() != null && rule() != null);

    // When the tier asks for kube-prometheus-stack's selector label
    withLabels(Map.of("release", "kube-prometheus-stack", "team", "identity"));

    // Then both objects carry it beside the operator's own labels
    await().atMost(OperatorHarness.TIMEOUT).until(() -> hasLabel(monitor(), "release", "kube-prometheus-stack")
        && hasLabel(rule(), "release", "kube-prometheus-stack") && hasLabel(rule(), "team", "identity"));
    assertThat(monitor().getMetadata().getLabels()).containsEntry("app.kubernetes.io/instance", "shop-auth")
        .containsEntry("app.kubernetes.io/managed-by", "authtier-operator");

    // When someone else labels the rule, and the spec drops one of its labels
    var rule = rule();
    rule.getMetadata().getLabels().put("audit.example.com/checked", "yes");
    harness.client().genericKubernetesResources(PROMETHEUS_RULES).inNamespace("prod").resource(rule).update();
    withLabels(Map.of("release", "kube-prometheus-stack"));

    // Then the dropped label comes off both objects; "release" and the other party's label stay
    await().atMost(OperatorHarness.TIMEOUT).until(() -> !monitor().getMetadata().getLabels().containsKey("team")
        && !rule().getMetadata().getLabels().containsKey("team"));
    assertThat(rule().getMetadata().getLabels()).containsEntry("release", "kube-prometheus-stack")
        .containsEntry("audit.example.com/checked", "yes");
    assertThat(monitor().getMetadata().getLabels()).containsEntry("release", "kube-prometheus-stack");
  }

  private void withLabels(Map<String, String> labels) {
    harness.update("prod", "shop-auth", t -> {
      t.setSpec(Tiers.withMonitoring(t.getSpec(), new MonitoringSpec(true, t.getSpec().monitoring().alerts(), labels)));
      return t;
    });
  }

  private static boolean hasLabel(GenericKubernetesResource object, String key, String value) {
    return object != null && object.getMetadata().getLabels() != null && value.equals(object.getMetadata().getLabels().get(key));
  }

  @Test
  @DisplayName("Prometheus Operator CRDs removed after they were seen: MonitoringAvailable says so, and the tier stays Ready")
  void crdsRemovedLater() throws Exception {
    // Given a Ready tier with its ServiceMonitor and PrometheusRule in place
    harness.installPrometheusOperator();
    harness.apply(Repo.sample("production.yaml"), "prod");
    harness.awaitReady("prod", "shop-auth");
    harness.awaitCondition("prod", "shop-auth", "MonitoringAvailable", "True");

    // When the CRDs are deleted (and with them their kinds: the API server answers 404 for them)
    for (var kind : List.of(SERVICE_MONITORS, PROMETHEUS_RULES)) {
      harness.client().apiextensions().v1().customResourceDefinitions()
          .withName(kind.getPlural() + "." + kind.getGroup()).delete();
    }
    harness.refuse(r -> r.getPath().startsWith("/apis/monitoring.coreos.com/"), 404, "NotFound",
        "the server could not find the requested resource");
    // and the next reconcile has a PrometheusRule to write
    harness.update("prod", "shop-auth", t -> {
      var a = t.getSpec().monitoring().alerts();
      t.setSpec(Tiers.withMonitoring(t.getSpec(), new MonitoringSpec(true, new MonitoringSpec.Alerts(
          a.responseTimeWarning(), a.errorRateCritical() + 1, a.cacheHitRateWarning(), a.memoryCritical()))));
      return t;
    });

    // Then monitoring is reported missing, and the tier is Ready at the new generation
    var monitoring = harness.awaitCondition("prod", "shop-auth", "MonitoringAvailable", "False");
    assertThat(monitoring.reason()).isEqualTo("PrometheusOperatorNotInstalled");
    await().atMost(OperatorHarness.TIMEOUT).untilAsserted(() -> assertThat(harness.condition("prod", "shop-auth", "Ready"))
        .hasValueSatisfying(c -> {
          assertThat(c.status()).isEqualTo("True");
          assertThat(c.observedGeneration()).isEqualTo(2L);
        }));
  }

  @Test
  @DisplayName("A PrometheusRule refused by an admission webhook shows in MonitoringAvailable with the API's message, not in Ready")
  void ruleRefusedByWebhook() throws Exception {
    // Given the Prometheus Operator, whose admission webhook refuses this tier's rules
    harness.installPrometheusOperator();
    var denial = "admission webhook \"prometheusrulevalidate.monitoring.coreos.com\" denied the request: Rules are not valid";
    harness.refuse(r -> r.getPath().startsWith("/apis/monitoring.coreos.com/v1/namespaces/prod/prometheusrules")
        && !r.getMethod().equals("GET"), 400, "BadRequest", denial);

    // When a tier is created
    harness.apply(Repo.sample("production.yaml"), "prod");

    // Then it is Ready, scraped, and MonitoringAvailable names the rule and gives the webhook's words
    harness.awaitReady("prod", "shop-auth");
    var monitoring = harness.awaitCondition("prod", "shop-auth", "MonitoringAvailable", "False");
    assertThat(monitoring.reason()).isEqualTo("MonitoringFailed");
    assertThat(monitoring.message()).isEqualTo("PrometheusRule shop-auth: " + denial);
    assertThat(monitor()).isNotNull();
    assertThat(harness.condition("prod", "shop-auth", "Ready").orElseThrow().status()).isEqualTo("True");
  }

  @Test
  @DisplayName("A ServiceMonitor of the tier's name that someone else made is left alone, and MonitoringAvailable says so")
  void foreignObjectNotTakenOver() throws Exception {
    // Given the Prometheus Operator and a ServiceMonitor named like the tier, made by someone else
    harness.installPrometheusOperator();
    harness.namespace("prod");
    harness.client().genericKubernetesResources(SERVICE_MONITORS).inNamespace("prod").resource(
        new io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder()
            .withApiVersion(SERVICE_MONITORS.getGroup() + "/v1").withKind(SERVICE_MONITORS.getKind())
            .withNewMetadata().withName("shop-auth").withNamespace("prod").endMetadata()
            .addToAdditionalProperties("spec", java.util.Map.of("jobLabel", "theirs"))
            .build()).create();

    // When a tier of that name is created
    harness.apply(Repo.sample("production.yaml"), "prod");

    // Then the tier is Ready, their ServiceMonitor is untouched, and MonitoringAvailable names the clash
    harness.awaitReady("prod", "shop-auth");
    var monitoring = harness.awaitCondition("prod", "shop-auth", "MonitoringAvailable", "False");
    assertThat(monitoring.reason()).isEqualTo("MonitoringFailed");
    assertThat(monitoring.message()).startsWith("ServiceMonitor shop-auth: exists and is not owned by this AuthTier");
    assertThat(monitor().getAdditionalProperties().get("spec")).isEqualTo(java.util.Map.of("jobLabel", "theirs"));
    assertThat(monitor().getMetadata().getOwnerReferences()).isEmpty();
  }

  private GenericKubernetesResource monitor() {
    return harness.client().genericKubernetesResources(SERVICE_MONITORS).inNamespace("prod").withName("shop-auth").get();
  }

  private GenericKubernetesResource rule() {
    return harness.client().genericKubernetesResources(PROMETHEUS_RULES).inNamespace("prod").withName("shop-auth").get();
  }

  private static ResourceDefinitionContext context(String plural, String kind) {
    return new ResourceDefinitionContext.Builder().withGroup("monitoring.coreos.com").withVersion("v1")
        .withPlural(plural).withKind(kind).withNamespaced(true).build();
  }
}
