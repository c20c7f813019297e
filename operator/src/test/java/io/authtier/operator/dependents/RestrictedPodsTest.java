package io.authtier.operator.dependents;

import static org.assertj.core.api.Assertions.assertThat;

import io.authtier.operator.api.v1alpha1.PersistenceSpec;
import io.authtier.operator.api.v1alpha1.RedisMode;
import io.authtier.operator.api.v1alpha1.RedisSpec;
import io.authtier.operator.support.Tiers;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.DisplayName;

/**
 * Every pod the operator runs (the runtime's Deployment, the Redis StatefulSet), for every sample, as Pod
 * Security Admission would judge it in a namespace labelled {@code pod-security.kubernetes.io/enforce=restricted}:
 * each check of the "baseline" and "restricted" profiles (Kubernetes 1.30+), field by field, plus what a CIS
 * review asks beyond them (read-only root filesystem with its writable directories mounted, a fixed non-root
 * uid, no service account token, resource requests and a memory limit).
 */
@DisplayName("Pods the operator runs")
class RestrictedPodsTest {
  /** The restricted profile's volume types. */
  private static final Set<String> VOLUME_TYPES =
      Set.of("configMap", "csi", "downwardAPI", "emptyDir", "ephemeral", "persistentVolumeClaim", "projected", "secret");

  static Stream<Arguments> pods() {
    var pods = new ArrayList<Arguments>();
    var standalone = Tiers.sample("minimal.yaml", "ns");
    standalone.setSpec(Tiers.withRedis(standalone.getSpec(),
        new RedisSpec(RedisMode.Standalone, null, new PersistenceSpec(false, null, null), null, null, null)));
    var tiers = new java.util.LinkedHashMap<String, io.authtier.operator.api.v1alpha1.AuthTier>();
    tiers.put("minimal.yaml", Tiers.sample("minimal.yaml", "ns"));
    tiers.put("production.yaml", Tiers.sample("production.yaml", "ns"));
    tiers.put("cluster.yaml", Tiers.sample("cluster.yaml", "ns"));
    tiers.put("Standalone Redis without persistence:", standalone);
    for (var entry : tiers.entrySet()) {
      var sample = entry.getKey();
      for (var object : DesiredState.of(entry.getValue(), "digest")) {
        if (object instanceof Deployment d) {
          pods.add(Arguments.of(sample + " Deployment " + d.getMetadata().getName(), d.getSpec().getTemplate(), "/tmp"));
        } else if (object instanceof StatefulSet s) {
          pods.add(Arguments.of(sample + " StatefulSet " + s.getMetadata().getName(), s.getSpec().getTemplate(), "/data"));
        }
      }
    }
    assertThat(pods).extracting(a -> (String) a.get()[0]).anyMatch(n -> n.contains("StatefulSet"));
    return pods.stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("pods")
  @DisplayName("pass every check of Pod Security Standard restricted")
  void restricted(String which, PodTemplateSpec template, String writable) {
    var pod = template.getSpec();
    var podContext = Optional.ofNullable(pod.getSecurityContext());
    var containers = new ArrayList<Container>(pod.getContainers());
    Optional.ofNullable(pod.getInitContainers()).ifPresent(containers::addAll);

    // baseline: host namespaces, host paths and ports, privileged, /proc, sysctls, SELinux, AppArmor
    assertThat(pod.getHostNetwork()).as("hostNetwork").isNotEqualTo(true);
    assertThat(pod.getHostPID()).as("hostPID").isNotEqualTo(true);
    assertThat(pod.getHostIPC()).as("hostIPC").isNotEqualTo(true);
    assertThat(pod.getVolumes()).as("hostPath volumes").noneMatch(v -> v.getHostPath() != null);
    podContext.ifPresent(c -> {
      assertThat(c.getSysctls()).as("sysctls").isNullOrEmpty();
      assertThat(c.getSeLinuxOptions()).as("pod seLinuxOptions").isNull();
      assertThat(c.getAppArmorProfile()).as("pod appArmorProfile").isNull();
      assertThat(c.getWindowsOptions()).as("windowsOptions (hostProcess)").isNull();
    });
    assertThat(template.getMetadata().getAnnotations()).as("AppArmor annotations")
        .satisfiesAnyOf(a -> assertThat(a).isNull(),
            a -> assertThat(a.keySet()).noneMatch(k -> k.startsWith("container.apparmor.security.beta.kubernetes.io/")));

    // restricted: volume types
    assertThat(pod.getVolumes()).as("volume types").allSatisfy(v -> assertThat(types(v)).isSubsetOf(VOLUME_TYPES));

    for (var container : containers) {
      var context = container.getSecurityContext();
      assertThat(context).as(container.getName() + " securityContext").isNotNull();
      assertThat(container.getPorts()).as("hostPort").allSatisfy(p -> assertThat(p.getHostPort()).isIn(null, 0));
      assertThat(context.getPrivileged()).as("privileged").isNotEqualTo(true);
      assertThat(context.getProcMount()).as("procMount").isIn(null, "Default");
      assertThat(context.getSeLinuxOptions()).as("seLinuxOptions").isNull();
      assertThat(context.getAppArmorProfile()).as("appArmorProfile").isNull();
      // restricted
      assertThat(context.getAllowPrivilegeEscalation()).as("allowPrivilegeEscalation").isFalse();
      assertThat(context.getCapabilities().getDrop()).as("capabilities.drop").contains("ALL");
      assertThat(context.getCapabilities().getAdd()).as("capabilities.add").isNullOrEmpty();
      assertThat(Optional.ofNullable(context.getRunAsNonRoot()).or(() -> podContext.map(c -> c.getRunAsNonRoot())))
          .as("runAsNonRoot").contains(true);
      var uid = Optional.ofNullable(context.getRunAsUser()).or(() -> podContext.map(c -> c.getRunAsUser()));
      assertThat(uid).as("runAsUser: fixed and not root").hasValueSatisfying(u -> assertThat(u).isPositive());
      var seccomp = Optional.ofNullable(context.getSeccompProfile()).or(() -> podContext.map(c -> c.getSeccompProfile()));
      assertThat(seccomp).as("seccompProfile").hasValueSatisfying(p -> assertThat(p.getType()).isIn("RuntimeDefault", "Localhost"));
      // beyond the profile
      assertThat(context.getReadOnlyRootFilesystem()).as("readOnlyRootFilesystem").isTrue();
      assertThat(container.getVolumeMounts()).as("a writable " + writable)
          .anySatisfy(m -> {
            assertThat(m.getMountPath()).isEqualTo(writable);
            assertThat(m.getReadOnly()).isNotEqualTo(true);
          });
      assertThat(container.getVolumeMounts()).as("Secrets and ConfigMaps mounted read-only")
          .filteredOn(m -> pod.getVolumes().stream().anyMatch(v -> v.getName().equals(m.getName())
              && (v.getSecret() != null || v.getConfigMap() != null)))
          .allSatisfy(m -> assertThat(m.getReadOnly()).isTrue());
      assertThat(container.getResources().getRequests()).as("requests").containsKeys("cpu", "memory");
      assertThat(container.getResources().getLimits()).as("limits").containsKey("memory");
    }
    assertThat(pod.getAutomountServiceAccountToken()).as("automountServiceAccountToken").isFalse();
    assertThat(pod.getVolumes()).as("Secret volumes: group-readable at most")
        .filteredOn(v -> v.getSecret() != null)
        .allSatisfy(v -> assertThat(v.getSecret().getDefaultMode() & 0137).isZero());
  }

  private static List<String> types(Volume v) {
    var types = new ArrayList<String>();
    if (v.getConfigMap() != null) types.add("configMap");
    if (v.getCsi() != null) types.add("csi");
    if (v.getDownwardAPI() != null) types.add("downwardAPI");
    if (v.getEmptyDir() != null) types.add("emptyDir");
    if (v.getEphemeral() != null) types.add("ephemeral");
    if (v.getPersistentVolumeClaim() != null) types.add("persistentVolumeClaim");
    if (v.getProjected() != null) types.add("projected");
    if (v.getSecret() != null) types.add("secret");
    if (types.isEmpty()) types.add("other: " + v);
    return types;
  }
}
