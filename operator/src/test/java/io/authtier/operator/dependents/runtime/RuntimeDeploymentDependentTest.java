package io.authtier.operator.dependents.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.authtier.operator.api.v1alpha1.RuntimeSpec;
import io.authtier.operator.support.Tiers;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RuntimeDeploymentDependentTest {
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  @Test
  @DisplayName("The runtime pods meet Pod Security Standard restricted")
  void restricted() {
    var pod = RuntimeDeploymentDependent.build(Tiers.sample("production.yaml", "prod"), "digest").getSpec().getTemplate().getSpec();

    assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
    assertThat(pod.getSecurityContext().getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
    assertThat(pod.getAutomountServiceAccountToken()).isFalse();
    var container = pod.getContainers().getFirst();
    var security = container.getSecurityContext();
    assertThat(security.getAllowPrivilegeEscalation()).isFalse();
    assertThat(security.getReadOnlyRootFilesystem()).isTrue();
    assertThat(security.getRunAsNonRoot()).isTrue();
    assertThat(security.getCapabilities().getDrop()).containsExactly("ALL");
    assertThat(security.getCapabilities().getAdd()).isNullOrEmpty();
    assertThat(security.getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
    assertThat(pod.getVolumes()).noneMatch(v -> v.getHostPath() != null);
    assertThat(container.getPorts()).noneMatch(p -> p.getHostPort() != null);
  }

  @Test
  @DisplayName("Probes, ports and topology spread are set; each referenced Secret is mounted with only its keys")
  void podShape() {
    var deployment = RuntimeDeploymentDependent.build(Tiers.sample("production.yaml", "prod"), "digest");
    var pod = deployment.getSpec().getTemplate().getSpec();
    var container = pod.getContainers().getFirst();

    assertThat(container.getReadinessProbe().getHttpGet().getPath()).isEqualTo("/readyz");
    assertThat(container.getLivenessProbe().getHttpGet().getPath()).isEqualTo("/healthz");
    assertThat(container.getPorts()).extracting(p -> p.getName() + ":" + p.getContainerPort())
        .containsExactly("http:8080", "management:9090");
    assertThat(container.getArgs()).containsExactly("--config", "/etc/authtier/config/runtime.yaml");
    assertThat(pod.getTopologySpreadConstraints()).extracting(c -> c.getTopologyKey())
        .containsExactly("kubernetes.io/hostname", "topology.kubernetes.io/zone");
    var cookieKeys = pod.getVolumes().stream().filter(v -> v.getSecret() != null
        && v.getSecret().getSecretName().equals("shop-cookie-keys")).findFirst().orElseThrow();
    assertThat(cookieKeys.getSecret().getItems()).extracting(i -> i.getKey()).containsExactly("k1", "k2");
    assertThat(container.getVolumeMounts()).anySatisfy(m -> {
      assertThat(m.getMountPath()).isEqualTo("/etc/authtier/secrets/shop-cookie-keys");
      assertThat(m.getReadOnly()).isTrue();
    });
    assertThat(container.getResources().getRequests()).containsKeys("cpu", "memory");
  }

  @Test
  @DisplayName("A new autoscaled tier starts at autoscaling.minReplicas; without autoscaling, runtime.replicas applies")
  void replicas() {
    var autoscaled = Tiers.sample("production.yaml", "prod");
    var fixed = Tiers.sample("minimal.yaml", "dev");

    assertThat(RuntimeDeploymentDependent.build(autoscaled, "d").getSpec().getReplicas())
        .isEqualTo(autoscaled.getSpec().autoscaling().minReplicas());
    assertThat(RuntimeDeploymentDependent.build(fixed, "d").getSpec().getReplicas()).isEqualTo(1);
  }

  @Test
  @DisplayName("With autoscaling the live replica count is kept; without it, runtime.replicas overrides it")
  void liveReplicas() {
    var autoscaled = Tiers.sample("production.yaml", "prod");
    var fixed = Tiers.sample("minimal.yaml", "dev");

    assertThat(RuntimeDeploymentDependent.build(autoscaled, "d", Optional.of(live(7, null))).getSpec().getReplicas()).isEqualTo(7);
    assertThat(RuntimeDeploymentDependent.build(fixed, "d", Optional.of(live(7, null))).getSpec().getReplicas()).isEqualTo(1);
  }

  @Test
  @DisplayName("A terminating pod waits before SIGTERM, so ingresses stop sending before the runtime stops accepting")
  void drainsBeforeStopping() {
    var pod = RuntimeDeploymentDependent.build(Tiers.sample("production.yaml", "prod"), "d").getSpec().getTemplate().getSpec();

    assertThat(pod.getContainers().getFirst().getLifecycle().getPreStop().getExec().getCommand()).containsExactly("sleep", "5");
    // the wait, the runtime's 20 s for requests in flight, and a margin all fit in the grace period
    assertThat(pod.getTerminationGracePeriodSeconds()).isGreaterThanOrEqualTo(5 + 20 + 5L);
  }

  @Test
  @DisplayName("The stamp of kubectl rollout restart is kept, so the next update does not restart the pods again")
  void restartStampKept() {
    var tier = Tiers.sample("production.yaml", "prod");

    var annotations = RuntimeDeploymentDependent.build(tier, "d", Optional.of(live(3, "2026-11-29T03:00:00Z")))
        .getSpec().getTemplate().getMetadata().getAnnotations();

    assertThat(annotations).containsEntry("kubectl.kubernetes.io/restartedAt", "2026-11-29T03:00:00Z");
    assertThat(RuntimeDeploymentDependent.build(tier, "d").getSpec().getTemplate().getMetadata().getAnnotations())
        .doesNotContainKey("kubectl.kubernetes.io/restartedAt");
  }

  private static Deployment live(int replicas, String restartedAt) {
    return new DeploymentBuilder().withNewSpec().withReplicas(replicas).withNewTemplate().withNewMetadata()
        .withAnnotations(restartedAt == null ? Map.of() : Map.of("kubectl.kubernetes.io/restartedAt", restartedAt))
        .endMetadata().endTemplate().endSpec().build();
  }

  @Test
  @DisplayName("The pod template spells out what the API server would copy in: the ServiceAccount alias, restartPolicy")
  void serverCopies() {
    var pod = RuntimeDeploymentDependent.build(Tiers.sample("production.yaml", "prod"), "d").getSpec().getTemplate().getSpec();

    assertThat(pod.getServiceAccountName()).isEqualTo("shop-auth");
    assertThat(pod.getServiceAccount()).isEqualTo(pod.getServiceAccountName());
    assertThat(pod.getRestartPolicy()).isEqualTo("Always");
  }

  @Test
  @DisplayName("The pod-template hashes follow the configuration and the Secrets' digest")
  void hashes() {
    var tier = Tiers.sample("production.yaml", "prod");
    var annotations = RuntimeDeploymentDependent.build(tier, "digest-1").getSpec().getTemplate().getMetadata().getAnnotations();
    var otherDigest = RuntimeDeploymentDependent.build(tier, "digest-2").getSpec().getTemplate().getMetadata().getAnnotations();

    assertThat(annotations.get(RuntimeDeploymentDependent.CONFIG_HASH))
        .isEqualTo(RuntimeDeploymentDependent.sha256(RuntimeConfigRenderer.render(tier)));
    assertThat(otherDigest.get(RuntimeDeploymentDependent.CONFIG_HASH)).isEqualTo(annotations.get(RuntimeDeploymentDependent.CONFIG_HASH));
    assertThat(otherDigest.get(RuntimeDeploymentDependent.SECRETS_HASH)).isNotEqualTo(annotations.get(RuntimeDeploymentDependent.SECRETS_HASH));
  }

  @ParameterizedTest(name = "{0} -> requests {1}, limits {2}")
  @CsvSource(delimiter = '|', nullValues = "none", value = {
      "none                                                        | {cpu=250m, memory=256Mi} | {memory=512Mi}",
      "{}                                                          | {cpu=250m, memory=256Mi} | {memory=512Mi}",
      "{requests: {cpu: 500m}}                                     | {cpu=500m, memory=256Mi} | {memory=512Mi}",
      "{requests: {memory: 300Mi}}                                 | {cpu=250m, memory=300Mi} | {memory=512Mi}",
      "{requests: {memory: 1Gi}}                                   | {cpu=250m, memory=1Gi}   | {memory=1Gi}",
      "{limits: {memory: 128Mi}}                                   | {cpu=250m, memory=128Mi} | {memory=128Mi}",
      "{limits: {cpu: 100m}}                                       | {cpu=100m, memory=256Mi} | {cpu=100m, memory=512Mi}",
      "{limits: {cpu: '2', ephemeral-storage: 1Gi}}                | {cpu=250m, memory=256Mi} | {cpu=2, ephemeral-storage=1Gi, memory=512Mi}",
      "{requests: {cpu: '0.5', memory: 512Mi}, limits: {memory: 1024Mi}} | {cpu=500m, memory=512Mi} | {memory=1Gi}"})
  @DisplayName("Each of requests.cpu, requests.memory and limits.memory left out takes its default on its own, within what is set")
  void partialResourcesKeepTheOtherDefaults(String resources, String requests, String limits) throws Exception {
    // Given the minimal sample with runtime.resources as written (or left out)
    var tier = Tiers.sample("minimal.yaml", "dev");
    var runtime = tier.getSpec().runtime();
    tier.setSpec(Tiers.withRuntime(tier.getSpec(), new RuntimeSpec(runtime.image(), runtime.imagePullPolicy(), runtime.replicas(),
        resources == null ? null : YAML.readValue(resources, ResourceRequirements.class), runtime.trustedProxies(),
        runtime.maxTokenBytes())));

    // When the Deployment is built
    var container = RuntimeDeploymentDependent.build(tier, "d").getSpec().getTemplate().getSpec().getContainers().getFirst();

    // Then what is set is kept, and the HPA's memory target, the JVM heap and the memory alert each have their quantity
    assertThat(new TreeMap<>(container.getResources().getRequests())).hasToString(requests);
    assertThat(new TreeMap<>(container.getResources().getLimits())).hasToString(limits);
  }
}
