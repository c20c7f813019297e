package io.authtier.operator.dependents.runtime;

import io.authtier.operator.api.v1alpha1.AuthTier;
import io.authtier.operator.api.v1alpha1.RuntimeSpec;
import io.authtier.operator.dependents.Metadata;
import io.authtier.operator.dependents.OwnedDependent;
import io.authtier.operator.dependents.PodSecurity;
import io.authtier.operator.dependents.Quantities;
import io.authtier.operator.reconcile.Labels;
import io.authtier.operator.reconcile.Names;
import io.authtier.operator.secrets.ReferencedSecrets;
import io.authtier.operator.secrets.SecretLookup;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.ContainerPortBuilder;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.KeyToPathBuilder;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.ProbeBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder;
import io.fabric8.kubernetes.api.model.TopologySpreadConstraintBuilder;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.VolumeMountBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentSpec;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The auth-runtime pods: Pod Security Standard "restricted", Secrets mounted as files, and
 * pod-template hashes of the configuration and of the referenced Secrets so that a change rolls them.
 */
@KubernetesDependent(informer = @Informer(labelSelector = Labels.MANAGED_BY_SELECTOR))
public class RuntimeDeploymentDependent extends OwnedDependent<Deployment> {

  public static final String CONFIG_HASH = "authtier.io/config-hash";
  /** How long a terminating runtime pod keeps accepting before it gets SIGTERM (see the preStop hook). */
  static final int PRE_STOP_SECONDS = 5;
  /** Set on the pod template by {@code kubectl rollout restart}. */
  static final String RESTARTED_AT = "kubectl.kubernetes.io/restartedAt";
  public static final String SECRETS_HASH = "authtier.io/secrets-hash";
  private static final long RUNTIME_UID = 65532L;

  public RuntimeDeploymentDependent() {
    super(Deployment.class);
  }

  /** By name, not from desired(): desired() itself reads the live Deployment. */
  @Override
  protected ResourceID targetSecondaryResourceID(AuthTier tier, Context<AuthTier> context) {
    return new ResourceID(Names.runtime(tier), tier.getMetadata().getNamespace());
  }

  @Override
  protected Deployment desired(AuthTier tier, Context<AuthTier> context) {
    return Metadata.ownedBy(build(tier, SecretLookup.check(tier, context).digest(), getSecondaryResource(tier, context)), tier);
  }

  /** The Deployment as {@code render} prints it: as created, with no live object to carry fields from. */
  public static Deployment build(AuthTier tier, String secretsDigest) {
    return build(tier, secretsDigest, Optional.empty());
  }

  /**
   * @param live the Deployment as it is, if it exists. An update replaces the whole spec (no server-side
   *     apply), so what others own in it is carried over: with autoscaling, {@code spec.replicas}, which the
   *     HPA sets (left out, the API server would default it to 1 and scale a busy tier down to one pod); and
   *     the restart stamp of {@code kubectl rollout restart}, whose loss would restart the pods once more.
   */
  public static Deployment build(AuthTier tier, String secretsDigest, Optional<Deployment> live) {
    var spec = tier.getSpec();
    var labels = Labels.runtime(tier);
    var config = RuntimeConfigRenderer.render(tier);
    var podAnnotations = new TreeMap<String, String>(Map.of(
        CONFIG_HASH, sha256(config),
        SECRETS_HASH, secretsDigest));
    var liveSpec = live.map(Deployment::getSpec);
    liveSpec.map(DeploymentSpec::getTemplate).map(PodTemplateSpec::getMetadata).map(ObjectMeta::getAnnotations)
        .map(annotations -> annotations.get(RESTARTED_AT))
        .ifPresent(stamp -> podAnnotations.put(RESTARTED_AT, stamp));
    // A new autoscaled tier starts at its minimum rather than at the API server's default of one pod.
    var liveReplicas = liveSpec.map(DeploymentSpec::getReplicas);
    return new DeploymentBuilder()
        .withMetadata(Metadata.runtime(tier, Names.runtime(tier)))
        .withNewSpec()
          // With autoscaling the HPA owns the replica count: whatever it set is kept, so the two never fight.
          .withReplicas(spec.autoscaling().enabled() ? liveReplicas.orElse(spec.autoscaling().minReplicas()) : spec.runtime().replicas())
          .withRevisionHistoryLimit(5)
          .withSelector(new LabelSelectorBuilder().withMatchLabels(labels.selector()).build())
          .withNewStrategy()
            .withType("RollingUpdate")
            .withNewRollingUpdate()
              .withMaxSurge(new IntOrString(1))
              .withMaxUnavailable(new IntOrString(0))
            .endRollingUpdate()
          .endStrategy()
          .withNewTemplate()
            .withNewMetadata()
              .withLabels(labels.all())
              .withAnnotations(podAnnotations)
            .endMetadata()
            .withNewSpec()
              .withServiceAccountName(Names.runtime(tier))
              // Fields that the API server fills in with a value found elsewhere in the object: the matcher sees
              // such an addition as a JSON-patch copy, which it does not ignore, and would update every time.
              .withServiceAccount(Names.runtime(tier))
              .withRestartPolicy("Always")
              .withAutomountServiceAccountToken(false)
              .withEnableServiceLinks(false)
              // The pre-stop wait, then the runtime's own grace for requests in flight (20 s), then some margin.
              .withTerminationGracePeriodSeconds(30L + PRE_STOP_SECONDS)
              .withSecurityContext(PodSecurity.restrictedPod(RUNTIME_UID))
              .withTopologySpreadConstraints(
                  spread("kubernetes.io/hostname", labels),
                  spread("topology.kubernetes.io/zone", labels))
              .withContainers(new ContainerBuilder()
                  .withName(Names.CONTAINER)
                  .withImage(spec.runtime().image())
                  .withImagePullPolicy(spec.runtime().imagePullPolicy().name())
                  .withArgs("--config", Names.configPath())
                  .addNewEnv().withName("JAVA_TOOL_OPTIONS")
                      .withValue("-XX:MaxRAMPercentage=75 -XX:+ExitOnOutOfMemoryError").endEnv()
                  .withPorts(
                      new ContainerPortBuilder().withName(Names.HTTP_PORT_NAME)
                          .withContainerPort(Names.HTTP_PORT).withProtocol("TCP").build(),
                      new ContainerPortBuilder().withName(Names.MANAGEMENT_PORT_NAME)
                          .withContainerPort(Names.MANAGEMENT_PORT).withProtocol("TCP").build())
                  .withStartupProbe(probe("/healthz", 2, 30))
                  .withLivenessProbe(probe("/healthz", 10, 3))
                  .withReadinessProbe(probe("/readyz", 5, 2))
                  // A terminating pod leaves the Service's endpoints at once, but ingress controllers learn
                  // it a few seconds later; the runtime stops accepting on SIGTERM, so it is sent after them.
                  .withNewLifecycle().withNewPreStop().withNewExec().withCommand("sleep", String.valueOf(PRE_STOP_SECONDS))
                      .endExec().endPreStop().endLifecycle()
                  .withResources(resources(spec.runtime()))
                  .withSecurityContext(PodSecurity.restrictedContainer())
                  .withVolumeMounts(volumeMounts(tier))
                  .build())
              .withVolumes(volumes(tier))
            .endSpec()
          .endTemplate()
        .endSpec()
        .build();
  }

  /**
   * The spec's resources, each of requests.cpu, requests.memory and limits.memory that it leaves out taking its
   * default on its own (see {@link RuntimeSpec#resources()}). A missing memory request would leave the HPA's memory
   * target nothing to measure, and a missing memory limit would size the JVM heap and the memory alert from nothing.
   */
  static ResourceRequirements resources(RuntimeSpec runtime) {
    var own = Optional.ofNullable(runtime.resources());
    var requests = new TreeMap<String, Quantity>(own.map(ResourceRequirements::getRequests).orElse(Map.of()));
    var limits = new TreeMap<String, Quantity>(own.map(ResourceRequirements::getLimits).orElse(Map.of()));
    // Lowered to a given limit and raised to a given request: Kubernetes refuses a pod whose request exceeds its limit.
    requests.computeIfAbsent("cpu", k -> smaller(new Quantity(RuntimeSpec.DEFAULT_CPU_REQUEST), limits.get(k)));
    requests.computeIfAbsent("memory", k -> smaller(new Quantity(RuntimeSpec.DEFAULT_MEMORY_REQUEST), limits.get(k)));
    limits.computeIfAbsent("memory", k -> larger(new Quantity(RuntimeSpec.DEFAULT_MEMORY_LIMIT), requests.get(k)));
    return new ResourceRequirementsBuilder(own.orElse(new ResourceRequirements()))
        .withRequests(Quantities.canonical(requests))
        .withLimits(Quantities.canonical(limits))
        .build();
  }

  private static Quantity smaller(Quantity fallback, Quantity bound) {
    return bound != null && bound.getNumericalAmount().compareTo(fallback.getNumericalAmount()) < 0 ? bound : fallback;
  }

  private static Quantity larger(Quantity fallback, Quantity bound) {
    return bound != null && bound.getNumericalAmount().compareTo(fallback.getNumericalAmount()) > 0 ? bound : fallback;
  }

  private static Probe probe(String path, int periodSeconds, int failureThreshold) {
    return new ProbeBuilder()
        .withNewHttpGet().withPath(path).withPort(new IntOrString(Names.MANAGEMENT_PORT_NAME)).withScheme("HTTP").endHttpGet()
        .withPeriodSeconds(periodSeconds)
        .withTimeoutSeconds(1)
        .withFailureThreshold(failureThreshold)
        .withSuccessThreshold(1)
        .build();
  }

  private static io.fabric8.kubernetes.api.model.TopologySpreadConstraint spread(String topologyKey, Labels labels) {
    return new TopologySpreadConstraintBuilder()
        .withMaxSkew(1)
        .withTopologyKey(topologyKey)
        .withWhenUnsatisfiable("ScheduleAnyway")
        .withLabelSelector(new LabelSelectorBuilder().withMatchLabels(labels.selector()).build())
        .build();
  }

  private static List<VolumeMount> volumeMounts(AuthTier tier) {
    var spec = tier.getSpec();
    var mounts = new ArrayList<VolumeMount>();
    mounts.add(new VolumeMountBuilder().withName("config").withMountPath(Names.CONFIG_DIR).withReadOnly(true).build());
    mounts.add(new VolumeMountBuilder().withName("tmp").withMountPath("/tmp").build());
    for (var secret : ReferencedSecrets.names(spec, tier.getMetadata().getName())) {
      mounts.add(new VolumeMountBuilder().withName(secretVolume(secret))
          .withMountPath(Names.SECRETS_DIR + "/" + secret).withReadOnly(true).build());
    }
    return mounts;
  }

  private static List<Volume> volumes(AuthTier tier) {
    var volumes = new ArrayList<Volume>();
    volumes.add(new VolumeBuilder().withName("config")
        .withNewConfigMap().withName(Names.configMap(tier)).withDefaultMode(0444).endConfigMap().build());
    volumes.add(new VolumeBuilder().withName("tmp")
        .withNewEmptyDir().withMedium("Memory").withSizeLimit(new Quantity("64Mi")).endEmptyDir().build());
    var keysBySecret = new TreeMap<String, TreeSet<String>>();
    ReferencedSecrets.of(tier.getSpec(), tier.getMetadata().getName()).forEach(r ->
        keysBySecret.computeIfAbsent(r.ref().name(), n -> new TreeSet<>()).add(r.ref().key()));
    keysBySecret.forEach((secret, keys) -> volumes.add(new VolumeBuilder()
        .withName(secretVolume(secret))
        .withNewSecret()
          .withSecretName(secret)
          .withDefaultMode(0440)
          // Only the referenced keys: the runtime sees nothing else of the Secret.
          .withItems(keys.stream().map(k -> new KeyToPathBuilder().withKey(k).withPath(k).build()).toList())
        .endSecret()
        .build()));
    return volumes;
  }

  /** A volume name is a DNS label of at most 63 characters; a Secret name may be longer. */
  static String secretVolume(String secretName) {
    return "secret-" + sha256(secretName).substring(0, 12);
  }

  static String sha256(String text) {
    try {
      return HexFormat.of().formatHex(
          MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }
}
