package io.authtier.operator.dependents.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.authtier.operator.dependents.monitoring.RuntimeServiceMonitor;
import io.authtier.operator.reconcile.Labels;
import io.authtier.operator.support.Tiers;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@DisplayName("The runtime's Services")
class RuntimeServicesTest {

  @ParameterizedTest
  @ValueSource(strings = {"minimal.yaml", "production.yaml", "cluster.yaml"})
  @DisplayName("The Service that ingresses ask exposes the auth port only, not the management port")
  void ingressServiceHasNoManagementPort(String sample) {
    // Given a tier from a sample
    var tier = Tiers.sample(sample, "prod");

    // When its Service (the one named in the ingress's auth-url) is built
    var service = RuntimeServiceDependent.build(tier);

    // Then /metrics, /healthz and /readyz cannot be reached through it
    assertThat(service.getSpec().getPorts()).extracting(p -> p.getName() + ":" + p.getPort() + "->" + p.getTargetPort().getStrVal())
        .containsExactly("http:8080->http");
  }

  @Test
  @DisplayName("The management port has a Service of its own, which selects the runtime pods and nothing else exposes")
  void managementServiceOfItsOwn() {
    // Given a tier
    var tier = Tiers.sample("production.yaml", "prod");

    // When its management Service is built
    var service = RuntimeMetricsServiceDependent.build(tier);

    // Then it is <tier>-metrics, exposes the management port only, and sends it to the runtime's pods
    assertThat(service.getMetadata().getName()).isEqualTo("shop-auth-metrics");
    assertThat(service.getSpec().getPorts()).extracting(p -> p.getName() + ":" + p.getPort() + "->" + p.getTargetPort().getStrVal())
        .containsExactly("management:9090->management");
    assertThat(service.getSpec().getSelector()).isEqualTo(Labels.runtime(tier).selector());
    assertThat(service.getMetadata().getLabels()).containsEntry(Labels.MANAGED_BY, "authtier-operator")
        .containsEntry(Labels.INSTANCE, "shop-auth").containsEntry(Labels.COMPONENT, "metrics");
  }

  @Test
  @DisplayName("The ServiceMonitor selects the management Service, not the ingress one, and keeps the tier's name as job")
  @SuppressWarnings("unchecked")
  void serviceMonitorSelectsTheManagementService() {
    // Given a tier and its two Services
    var tier = Tiers.sample("production.yaml", "prod");
    var ingress = RuntimeServiceDependent.build(tier).getMetadata().getLabels();
    var management = RuntimeMetricsServiceDependent.build(tier).getMetadata().getLabels();

    // When its ServiceMonitor is built
    var spec = (Map<String, Object>) RuntimeServiceMonitor.build(tier).getAdditionalProperties().get("spec");
    var matchLabels = (Map<String, String>) ((Map<String, Object>) spec.get("selector")).get("matchLabels");

    // Then it matches the management Service only
    assertThat(management).containsAllEntriesOf(matchLabels);
    assertThat(matchLabels.entrySet()).anyMatch(e -> !e.getValue().equals(ingress.get(e.getKey())));
    // And the scraped series keep job=<tier>, which the alert rules select on
    assertThat(spec).containsEntry("jobLabel", Labels.INSTANCE);
    assertThat(management).containsEntry(Labels.INSTANCE, "shop-auth");
  }
}
