package io.authtier.operator.install;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.SeccompProfile;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The operator's Deployment: Pod Security "restricted", the ServiceAccount of the manifests, and
 * probes on the health port that `run` serves (8081 unless --health-port says otherwise).
 */
@DisplayName("The operator's Deployment")
class OperatorDeploymentTest {
  private static final int HEALTH_PORT = 8081;
  private static final String HEALTH = "health";

  private Deployment deployment;
  private PodSpec pod;
  private Container operator;

  @BeforeEach
  void readDeployment() {
    // Given the one Deployment of manifests/, with its one container
    deployment = InstallFiles.only(Deployment.class);
    pod = deployment.getSpec().getTemplate().getSpec();
    assertThat(pod.getContainers()).hasSize(1);
    assertThat(pod.getInitContainers()).isNullOrEmpty();
    assertThat(pod.getEphemeralContainers()).isNullOrEmpty();
    operator = pod.getContainers().getFirst();
  }

  @Test
  @DisplayName("Its container runs as user 65532, never as root")
  void runsAsNonRoot() {
    // Then the effective user (the container's setting, else the pod's) is 65532 and must not be root
    assertThat(effective(SecurityContext::getRunAsNonRoot, PodSecurityContext::getRunAsNonRoot)).contains(true);
    assertThat(effective(SecurityContext::getRunAsUser, PodSecurityContext::getRunAsUser)).contains(65532L);
  }

  @Test
  @DisplayName("Its container has a read-only root filesystem, no privilege escalation and no capabilities")
  void isLockedDown() {
    // Then the container's own securityContext locks it down
    var security = operator.getSecurityContext();
    assertThat(security).isNotNull();
    assertThat(security.getReadOnlyRootFilesystem()).isTrue();
    assertThat(security.getAllowPrivilegeEscalation()).isFalse();
    assertThat(security.getPrivileged()).isNotEqualTo(Boolean.TRUE);
    assertThat(security.getCapabilities().getDrop()).containsExactly("ALL");
    assertThat(security.getCapabilities().getAdd()).isNullOrEmpty();
  }

  @Test
  @DisplayName("Its container runs under the RuntimeDefault seccomp profile")
  void seccompRuntimeDefault() {
    // Then the effective seccomp profile is RuntimeDefault
    assertThat(effective(SecurityContext::getSeccompProfile, PodSecurityContext::getSeccompProfile))
        .map(SeccompProfile::getType).contains("RuntimeDefault");
  }

  @Test
  @DisplayName("Its pod shares nothing with the node: no host namespaces, ports or paths")
  void sharesNothingWithTheNode() {
    // Then none of the host settings that "restricted" (and "baseline") forbid is used
    assertThat(pod.getHostNetwork()).isNotEqualTo(Boolean.TRUE);
    assertThat(pod.getHostPID()).isNotEqualTo(Boolean.TRUE);
    assertThat(pod.getHostIPC()).isNotEqualTo(Boolean.TRUE);
    assertThat(pod.getVolumes()).allSatisfy(volume -> assertThat(volume.getHostPath()).isNull());
    assertThat(operator.getPorts()).allSatisfy(port -> assertThat(port.getHostPort()).isNull());
  }

  @Test
  @DisplayName("It runs as the ServiceAccount of the manifests, with its token mounted for the API")
  void usesTheServiceAccount() {
    // Given the ServiceAccount of manifests/
    var account = InstallFiles.only(ServiceAccount.class);

    // Then the pod runs as that account, beside it, and has its token
    assertThat(pod.getServiceAccountName()).isEqualTo(account.getMetadata().getName());
    assertThat(deployment.getMetadata().getNamespace()).isEqualTo(account.getMetadata().getNamespace());
    assertThat(pod.getAutomountServiceAccountToken()).isTrue();
  }

  @Test
  @DisplayName("Its liveness probe asks /healthz and its readiness probe /readyz, on the port named health (8081)")
  void probesOnTheHealthPort() {
    // Then the container declares the health port
    assertThat(operator.getPorts()).filteredOn(port -> HEALTH.equals(port.getName())).singleElement()
        .satisfies(port -> assertThat(port.getContainerPort()).isEqualTo(HEALTH_PORT));
    // And the probes ask it
    assertHttpGet(operator.getLivenessProbe(), "/healthz");
    assertHttpGet(operator.getReadinessProbe(), "/readyz");
    if (operator.getStartupProbe() != null) {
      assertHttpGet(operator.getStartupProbe(), "/healthz");
    }
    // And the operator is not told to serve them elsewhere
    assertThat(arguments()).doesNotContain("--health-port");
  }

  @Test
  @DisplayName("It runs the image's jar with `run`, with leader election on")
  void runsTheOperator() {
    // Then the container runs `run` from the operator image, with leader election left on
    assertThat(operator.getImage()).isEqualTo("ghcr.io/authtier/authtier-operator:0.1.0");
    assertThat(operator.getCommand()).as("the image's entrypoint runs the operator").isNullOrEmpty();
    assertThat(operator.getArgs()).containsExactly("run");
    assertThat(deployment.getSpec().getReplicas()).isBetween(1, 2);
  }

  @Test
  @DisplayName("It finds its Lease in its own namespace, through POD_NAMESPACE from the downward API")
  void podNamespaceFromTheDownwardApi() {
    // Then POD_NAMESPACE comes from the pod's metadata.namespace
    assertThat(env("POD_NAMESPACE")).hasValueSatisfying(variable -> {
      assertThat(variable.getValue()).isNull();
      assertThat(variable.getValueFrom().getFieldRef().getFieldPath()).isEqualTo("metadata.namespace");
    });
  }

  @Test
  @DisplayName("It requests 100m CPU and 256Mi, is limited to 512Mi, and sizes the JVM heap to 75 % of that")
  void resources() {
    // Then the container's resources are these
    var resources = operator.getResources();
    assertThat(resources.getRequests()).containsEntry("cpu", new Quantity("100m"))
        .containsEntry("memory", new Quantity("256Mi"));
    assertThat(resources.getLimits()).containsEntry("memory", new Quantity("512Mi"));
    // And the JVM follows the limit
    assertThat(env("JAVA_TOOL_OPTIONS")).map(EnvVar::getValue).hasValueSatisfying(
        options -> assertThat(options).contains("-XX:MaxRAMPercentage=75"));
  }

  @Test
  @DisplayName("It writes only to an emptyDir at /tmp, and has 30 s to stop")
  void scratchSpaceAndGracePeriod() {
    // Then /tmp is a mounted emptyDir
    assertThat(operator.getVolumeMounts()).filteredOn(mount -> mount.getMountPath().equals("/tmp")).singleElement()
        .satisfies(mount -> assertThat(pod.getVolumes()).filteredOn(volume -> volume.getName().equals(mount.getName()))
            .singleElement().satisfies(volume -> assertThat(volume.getEmptyDir()).isNotNull()));
    // And the pod's grace period covers the operator's own stop timeout (20 s)
    assertThat(pod.getTerminationGracePeriodSeconds()).isEqualTo(30L);
  }

  @Test
  @DisplayName("Its selector matches its pods' labels")
  void selectorMatchesThePods() {
    // Then every label of the selector is on the pod template
    assertThat(deployment.getSpec().getTemplate().getMetadata().getLabels())
        .containsAllEntriesOf(deployment.getSpec().getSelector().getMatchLabels());
    assertThat(deployment.getSpec().getSelector().getMatchExpressions()).isNullOrEmpty();
  }

  private <T> Optional<T> effective(Function<SecurityContext, T> container, Function<PodSecurityContext, T> pod) {
    var own = Optional.ofNullable(operator.getSecurityContext()).map(container);
    return own.isPresent() ? own : Optional.ofNullable(this.pod.getSecurityContext()).map(pod);
  }

  private Optional<EnvVar> env(String name) {
    return Optional.ofNullable(operator.getEnv()).orElse(List.of()).stream()
        .filter(variable -> variable.getName().equals(name)).findFirst();
  }

  private List<String> arguments() {
    var arguments = new ArrayList<String>();
    Optional.ofNullable(operator.getCommand()).ifPresent(arguments::addAll);
    Optional.ofNullable(operator.getArgs()).ifPresent(arguments::addAll);
    return arguments;
  }

  private static void assertHttpGet(Probe probe, String path) {
    assertThat(probe).as("probe for %s", path).isNotNull();
    assertThat(probe.getHttpGet().getPath()).isEqualTo(path);
    assertThat(probe.getHttpGet().getPort()).isIn(new IntOrString(HEALTH), new IntOrString(HEALTH_PORT));
  }
}
