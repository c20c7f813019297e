package io.authtier.operator.dependents.redis;

import io.authtier.operator.api.v1alpha1.AuthTier;
import io.authtier.operator.dependents.Metadata;
import io.authtier.operator.dependents.OwnedDependent;
import io.authtier.operator.dependents.PodSecurity;
import io.authtier.operator.dependents.Quantities;
import io.authtier.operator.dependents.runtime.RedisEndpoints;
import io.authtier.operator.reconcile.Labels;
import io.authtier.operator.reconcile.Names;
import io.authtier.operator.secrets.ReferencedSecrets;
import io.authtier.operator.secrets.SecretDigest;
import io.authtier.operator.secrets.SecretLookup;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.ContainerPortBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.KeyToPathBuilder;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.ProbeBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.VolumeMountBuilder;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSetBuilder;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The Redis pods: one (Standalone) or every master and replica of the Cluster, in one StatefulSet so that each
 * has a stable name and its own volume (AOF, and nodes.conf for Cluster). Pod Security Standard "restricted".
 * The password reaches Redis as a file (the ACL Secret) and the probes through REDISCLI_AUTH from the
 * Secret, never as a literal.
 */
@KubernetesDependent(informer = @Informer(labelSelector = Labels.MANAGED_BY_SELECTOR))
public class RedisStatefulSetDependent extends OwnedDependent<StatefulSet> {
  public static final String CONFIG_HASH = "authtier.io/config-hash";
  public static final String PASSWORD_HASH = "authtier.io/password-hash";
  /** The Redis container's memory limit; redis.conf's maxmemory stays well below it (RedisConfigMapDependent). */
  static final int MEMORY_LIMIT_MIB = 512;
  /** The uid and gid of the redis user of the official image. */
  public static final long REDIS_UID = 999L;
  /** The volume (a claim template, or an emptyDir without persistence) that holds the AOF and nodes.conf. */
  private static final String DATA = "data";

  public RedisStatefulSetDependent() {
    super(StatefulSet.class);
  }

  /** By name, not from desired(): JOSDK looks the object up to delete it when its condition no longer holds. */
  @Override
  protected ResourceID targetSecondaryResourceID(AuthTier tier, Context<AuthTier> context) {
    return new ResourceID(Names.redis(tier), tier.getMetadata().getNamespace());
  }

  @Override
  protected StatefulSet desired(AuthTier tier, Context<AuthTier> context) {
    var secrets = SecretLookup.from(context);
    // The workflow reconciles the StatefulSet only once the ACL Secret holds the password (AclCurrent). Never an
    // empty hash instead: the first write would then carry it and the next one roll every Redis pod.
    var password = RedisSecrets.password(tier, secrets).orElseThrow(() -> new IllegalStateException(
        "the Redis password of " + tier.getMetadata().getName() + " is not readable yet"));
    // Keyed with the password Secret's UID: the annotation is readable by those who may not read the Secret.
    var passwordHash = SecretDigest.of(
        (RedisSecrets.aclFile(password) + RedisSecrets.authFile(password)).getBytes(StandardCharsets.UTF_8),
        RedisSecrets.passwordSecretUid(tier, secrets).stream().toList());
    var desired = build(tier, passwordHash);
    return Metadata.ownedBy(getSecondaryResource(tier, context).map(live -> keepVolumes(desired, live)).orElse(desired),
        tier);
  }

  /**
   * The desired StatefulSet with the live one's volume claim templates, which an API server refuses to change:
   * re-rendering them from a changed spec.redis.persistence would fail every update from then on. The data volume
   * follows them (a claim template or an emptyDir, never both). {@link #persistenceDrift} reports the difference.
   */
  static StatefulSet keepVolumes(StatefulSet desired, StatefulSet live) {
    var claims = live.getSpec() == null || live.getSpec().getVolumeClaimTemplates() == null
        ? List.<PersistentVolumeClaim>of() : live.getSpec().getVolumeClaimTemplates();
    var persistent = claims.stream().anyMatch(c -> DATA.equals(c.getMetadata().getName()));
    var volumes = new ArrayList<>(desired.getSpec().getTemplate().getSpec().getVolumes().stream()
        .filter(v -> !DATA.equals(v.getName())).toList());
    if (!persistent) {
      volumes.add(emptyData());
    }
    return new StatefulSetBuilder(desired)
        .editSpec()
          .withVolumeClaimTemplates(claims)
          .editTemplate().editSpec().withVolumes(volumes).endSpec().endTemplate()
        .endSpec()
        .build();
  }

  /**
   * How the live StatefulSet's volumes differ from spec.redis.persistence, said for a person: empty when they
   * agree. Compared by meaning (present or not, size as a quantity, StorageClass), not as text, so that what an
   * API server fills in does not count.
   */
  public static Optional<String> persistenceDrift(AuthTier tier, StatefulSet live) {
    var wanted = tier.getSpec().redis().persistence();
    var claim = Optional.ofNullable(live.getSpec()).map(s -> s.getVolumeClaimTemplates()).orElse(List.of()).stream()
        .filter(c -> DATA.equals(c.getMetadata().getName())).findFirst();
    var liveSize = claim.map(c -> c.getSpec().getResources()).map(r -> r.getRequests()).map(r -> r.get("storage"));
    var liveClass = claim.map(c -> c.getSpec().getStorageClassName()).orElse(null);
    boolean same = wanted.enabled()
        ? liveSize.filter(q -> q.getNumericalAmount().compareTo(new Quantity(wanted.size()).getNumericalAmount()) == 0)
            .isPresent() && Objects.equals(liveClass, wanted.storageClassName())
        : claim.isEmpty();
    if (same) {
      return Optional.empty();
    }
    return Optional.of("spec.redis.persistence cannot change after creation: the Redis volumes stay as they were made ("
        + describe(claim.isPresent(), liveSize.map(Quantity::toString).orElse("?"), liveClass)
        + "), the spec asks for " + describe(wanted.enabled(), wanted.size(), wanted.storageClassName())
        + ". Set it back, or create a new AuthTier and migrate the data; everything else is reconciled");
  }

  private static String describe(boolean enabled, String size, String storageClassName) {
    if (!enabled) {
      return "no persistent volume";
    }
    return size + " each, StorageClass " + (storageClassName == null ? "(the cluster's default)" : storageClassName);
  }

  /**
   * @param passwordHash a digest of the ACL Secret's contents: a changed password restarts Redis, which reads its
   *     ACL file at start only
   */
  public static StatefulSet build(AuthTier tier, String passwordHash) {
    var redis = tier.getSpec().redis();
    var cluster = RedisConditions.cluster(tier);
    var labels = Labels.redis(tier);
    var password = ReferencedSecrets.redisPassword(tier.getSpec(), tier.getMetadata().getName()).orElseThrow();
    var annotations = new TreeMap<String, String>(Map.of(
        CONFIG_HASH, RedisSecrets.sha256Hex(RedisConfigMapDependent.render(tier).getBytes(StandardCharsets.UTF_8)),
        PASSWORD_HASH, passwordHash));

    var env = new ArrayList<EnvVar>();
    env.add(new EnvVarBuilder().withName("REDISCLI_AUTH").withNewValueFrom()
        .withNewSecretKeyRef().withName(password.name()).withKey(password.key()).endSecretKeyRef()
        .endValueFrom().build());
    var args = new ArrayList<String>(List.of(RedisConfigMapDependent.CONFIG_DIR + "/" + RedisConfigMapDependent.FILE));
    var ports = new ArrayList<ContainerPort>();
    ports.add(new ContainerPortBuilder().withName("redis").withContainerPort(Names.REDIS_PORT).withProtocol("TCP").build());
    if (cluster) {
      env.add(new EnvVarBuilder().withName("POD_NAME").withNewValueFrom()
          .withNewFieldRef().withApiVersion("v1").withFieldPath("metadata.name").endFieldRef().endValueFrom().build());
      // CLUSTER SHARDS and SLOTS show clients the stable name beside the IP, which changes with each pod.
      // Nodes still reach each other by IP; after a restart with new IPs the operator meets them again.
      args.addAll(List.of("--cluster-announce-hostname",
          "$(POD_NAME)." + Names.redisHeadless(tier) + "." + tier.getMetadata().getNamespace() + ".svc"));
      ports.add(new ContainerPortBuilder().withName("cluster-bus")
          .withContainerPort(RedisHeadlessServiceDependent.BUS_PORT).withProtocol("TCP").build());
    }

    var persistent = redis.persistence().enabled();
    var builder = new StatefulSetBuilder()
        .withMetadata(Metadata.redis(tier, Names.redis(tier)))
        .withNewSpec()
          .withReplicas(RedisEndpoints.nodes(tier))
          .withServiceName(cluster ? Names.redisHeadless(tier) : Names.redis(tier))
          // Cluster nodes start together: they are formed into a cluster by the operator, not by start order.
          .withPodManagementPolicy(cluster ? "Parallel" : "OrderedReady")
          .withRevisionHistoryLimit(5)
          .withSelector(new LabelSelectorBuilder().withMatchLabels(labels.selector()).build())
          .withNewUpdateStrategy().withType("RollingUpdate").endUpdateStrategy()
          .withNewTemplate()
            .withNewMetadata().withLabels(labels.all()).withAnnotations(annotations).endMetadata()
            .withNewSpec()
              .withAutomountServiceAccountToken(false)
              .withEnableServiceLinks(false)
              .withTerminationGracePeriodSeconds(30L)
              .withSecurityContext(PodSecurity.restrictedPod(REDIS_UID))
              .withNewAffinity()
                .withNewPodAntiAffinity()
                  .addNewPreferredDuringSchedulingIgnoredDuringExecution()
                    .withWeight(100)
                    .withNewPodAffinityTerm()
                      .withTopologyKey("kubernetes.io/hostname")
                      .withLabelSelector(new LabelSelectorBuilder().withMatchLabels(labels.selector()).build())
                    .endPodAffinityTerm()
                  .endPreferredDuringSchedulingIgnoredDuringExecution()
                .endPodAntiAffinity()
              .endAffinity()
              .withContainers(new ContainerBuilder()
                  .withName(Names.REDIS_CONTAINER)
                  .withImage(redis.image())
                  .withImagePullPolicy("IfNotPresent")
                  .withCommand("redis-server")
                  .withArgs(args)
                  .withEnv(env)
                  .withPorts(ports)
                  // Alive: Redis answers at all (redis-cli exits 0 on an error reply such as LOADING, so a long
                  // AOF load is not killed). Ready: it answers PONG to the password, which an error reply is not.
                  .withStartupProbe(probe(ALIVE, 2, 30))
                  .withLivenessProbe(probe(ALIVE, 10, 3))
                  .withReadinessProbe(probe(READY, 5, 2))
                  .withResources(new ResourceRequirementsBuilder()
                      .withRequests(new TreeMap<>(Map.of("cpu", new Quantity("100m"), "memory", new Quantity("128Mi"))))
                      .withLimits(new TreeMap<>(Map.of("memory", new Quantity(MEMORY_LIMIT_MIB + "Mi"))))
                      .build())
                  .withSecurityContext(PodSecurity.restrictedContainer())
                  .withVolumeMounts(
                      new VolumeMountBuilder().withName("config").withMountPath(RedisConfigMapDependent.CONFIG_DIR)
                          .withReadOnly(true).build(),
                      new VolumeMountBuilder().withName("acl").withMountPath(RedisConfigMapDependent.ACL_DIR)
                          .withReadOnly(true).build(),
                      new VolumeMountBuilder().withName(DATA).withMountPath(RedisConfigMapDependent.DATA_DIR).build())
                  .build())
              .withVolumes(volumes(tier, persistent))
            .endSpec()
          .endTemplate()
        .endSpec();
    if (persistent) {
      builder.editSpec().withVolumeClaimTemplates(claim(tier)).endSpec();
    }
    return builder.build();
  }

  private static List<Volume> volumes(AuthTier tier, boolean persistent) {
    var volumes = new ArrayList<Volume>();
    volumes.add(new VolumeBuilder().withName("config")
        .withNewConfigMap().withName(Names.redisConfig(tier)).withDefaultMode(0444).endConfigMap().build());
    volumes.add(new VolumeBuilder().withName("acl")
        .withNewSecret().withSecretName(Names.redisAcl(tier)).withDefaultMode(0440)
          .withItems(new KeyToPathBuilder().withKey(RedisSecrets.ACL_FILE).withPath(RedisSecrets.ACL_FILE).build(),
              new KeyToPathBuilder().withKey(RedisSecrets.AUTH_FILE).withPath(RedisSecrets.AUTH_FILE).build())
        .endSecret().build());
    if (!persistent) {
      volumes.add(emptyData());
    }
    return volumes;
  }

  private static Volume emptyData() {
    return new VolumeBuilder().withName(DATA).withNewEmptyDir().endEmptyDir().build();
  }

  /** One volume per pod, kept when the tier goes (the operator never deletes data). */
  private static PersistentVolumeClaim claim(AuthTier tier) {
    var persistence = tier.getSpec().redis().persistence();
    return new PersistentVolumeClaimBuilder()
        .withNewMetadata().withName(DATA).withLabels(Labels.redis(tier).all()).endMetadata()
        .withNewSpec()
          .withAccessModes("ReadWriteOnce")
          .withStorageClassName(persistence.storageClassName())
          .withVolumeMode("Filesystem")
          .withNewResources()
            .withRequests(Map.of("storage", new Quantity(Quantities.canonical(persistence.size()))))
          .endResources()
        .endSpec()
        .build();
  }

  private static final List<String> ALIVE = List.of("redis-cli", "-p", String.valueOf(Names.REDIS_PORT), "ping");
  private static final List<String> READY =
      List.of("sh", "-c", "redis-cli -p " + Names.REDIS_PORT + " ping | grep -qx PONG");

  private static Probe probe(List<String> command, int periodSeconds, int failureThreshold) {
    return new ProbeBuilder()
        .withNewExec().withCommand(command).endExec()
        .withPeriodSeconds(periodSeconds)
        .withTimeoutSeconds(2)
        .withFailureThreshold(failureThreshold)
        .withSuccessThreshold(1)
        .build();
  }
}
