package io.authtier.operator.reconcile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.authtier.operator.api.v1alpha1.AuthTier;
import io.authtier.operator.api.v1alpha1.ExternalRedisSpec;
import io.authtier.operator.api.v1alpha1.PersistenceSpec;
import io.authtier.operator.api.v1alpha1.RedisClusterSpec;
import io.authtier.operator.api.v1alpha1.RedisMode;
import io.authtier.operator.api.v1alpha1.RedisSpec;
import io.authtier.operator.api.v1alpha1.RedisTopology;
import io.authtier.operator.api.v1alpha1.SecretKeyRef;
import io.authtier.operator.demo.FakeRedisAdmin;
import io.authtier.operator.demo.FakeWorkloadController;
import io.authtier.operator.dependents.redis.RedisSecrets;
import io.authtier.operator.dependents.redis.RedisStatefulSetDependent;
import io.authtier.operator.dependents.runtime.RuntimeDeploymentDependent;
import io.authtier.operator.redisadmin.ClusterObservation;
import io.authtier.operator.redisadmin.ClusterPlanner;
import io.authtier.operator.redisadmin.DesiredCluster;
import io.authtier.operator.redisadmin.NodeObservation;
import io.authtier.operator.redisadmin.RedisNodeAddress;
import io.authtier.operator.redisadmin.ReplicaPlacement;
import io.authtier.operator.redisadmin.StubRedisAdmin;
import io.authtier.operator.support.OperatorHarness;
import io.authtier.operator.support.Tiers;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSetStatus;
import io.fabric8.kubernetes.api.model.apps.StatefulSetStatusBuilder;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Redis run by the operator, and External Redis's reachability, against the mock API server. */
class RedisReconcileTest {
  private static final String NS = "redis";
  private static final DesiredCluster THREE_BY_ONE = new DesiredCluster(3, 1);

  private OperatorHarness harness;

  @BeforeEach
  void start() {
    harness = OperatorHarness.start();
  }

  @AfterEach
  void stop() {
    harness.close();
  }

  @Test
  @DisplayName("Standalone becomes a restricted one-pod StatefulSet, a Service and a config without the password, then Ready")
  void standalone() throws Exception {
    // Given a tier with a Standalone Redis and no password named
    harness.create(tier("solo", redis(RedisMode.Standalone, null, new PersistenceSpec(true, "1024Mi", "fast"))));

    // Then the password is generated, and the Redis objects exist, owned by the tier
    var password = awaitGeneratedPassword("solo");
    assertThat(password).hasSize(43).matches("[A-Za-z0-9_-]+");
    var uid = harness.tier(NS, "solo").get().getMetadata().getUid();
    var set = await().atMost(OperatorHarness.TIMEOUT).until(() -> get(StatefulSet.class, "solo-redis"), s -> s != null);
    for (var object : List.<HasMetadata>of(set, get(Service.class, "solo-redis"), get(ConfigMap.class, "solo-redis-config"),
        get(Secret.class, "solo-redis-password"))) {
      assertThat(object.getMetadata().getOwnerReferences()).as(object.getMetadata().getName()).singleElement()
          .satisfies(o -> assertThat(o.getUid()).isEqualTo(uid));
    }
    assertThat(get(Service.class, "solo-redis-headless")).isNull();
    assertThat(get(PodDisruptionBudget.class, "solo-redis")).isNull();
    // And only the operator's pods in the operator's own namespace (the harness's POD_NAMESPACE) are admitted besides the tier's
    var policy = await().atMost(OperatorHarness.TIMEOUT).until(
        () -> get(io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy.class, "solo-redis"), p -> p != null);
    assertThat(policy.getSpec().getIngress().getLast().getFrom().getFirst().getNamespaceSelector().getMatchLabels())
        .containsExactly(java.util.Map.entry("kubernetes.io/metadata.name", OperatorHarness.OPERATOR_NAMESPACE));

    // And the StatefulSet is one restricted pod with its AOF on a claim of the canonical size
    assertThat(set.getSpec().getReplicas()).isEqualTo(1);
    var pod = set.getSpec().getTemplate().getSpec();
    assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
    assertThat(pod.getSecurityContext().getRunAsUser()).isEqualTo(999L);
    assertThat(pod.getSecurityContext().getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
    var container = pod.getContainers().getFirst();
    assertThat(container.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
    assertThat(container.getSecurityContext().getAllowPrivilegeEscalation()).isFalse();
    assertThat(container.getSecurityContext().getCapabilities().getDrop()).containsExactly("ALL");
    assertThat(container.getArgs()).noneMatch(a -> a.contains("cluster"));
    assertThat(container.getLivenessProbe().getExec().getCommand()).containsExactly("redis-cli", "-p", "6379", "ping");
    assertThat(container.getReadinessProbe().getExec().getCommand())
        .containsExactly("sh", "-c", "redis-cli -p 6379 ping | grep -qx PONG");
    assertThat(container.getEnv()).singleElement().satisfies(e -> {
      assertThat(e.getName()).isEqualTo("REDISCLI_AUTH");
      assertThat(e.getValue()).isNull();
      assertThat(e.getValueFrom().getSecretKeyRef().getName()).isEqualTo("solo-redis-password");
    });
    var claim = set.getSpec().getVolumeClaimTemplates().getFirst();
    assertThat(claim.getSpec().getResources().getRequests().get("storage").toString()).isEqualTo("1Gi");
    assertThat(claim.getSpec().getStorageClassName()).isEqualTo("fast");

    // And Redis learns the password from the ACL Secret only, by its hash; redis.conf names that file
    var acl = await().atMost(OperatorHarness.TIMEOUT).until(() -> get(Secret.class, "solo-redis-acl"), s -> s != null);
    assertThat(decode(acl, "users.acl"))
        .isEqualTo("user default on #" + RedisSecrets.sha256Hex(password.getBytes(StandardCharsets.UTF_8)) + " ~* &* +@all\n");
    var conf = get(ConfigMap.class, "solo-redis-config").getData().get("redis.conf");
    assertThat(conf).contains("aclfile /etc/redis/acl/users.acl", "appendonly yes").doesNotContain("cluster-enabled");

    // And the runtime is told the topology, the Service and the password file
    var runtime = get(ConfigMap.class, "solo-config").getData().get("runtime.yaml");
    assertThat(runtime).contains("topology: Standalone", "- solo-redis.redis.svc:6379",
        "passwordFile: /etc/authtier/secrets/solo-redis-password/password");

    // And the password is in no object but its Secret and the ACL Secret (as auth.conf)
    assertPasswordOnlyInSecrets(password);

    // When the pods come up, the tier is Ready with status.redis
    harness.withReadyWorkloads();
    harness.awaitReady(NS, "solo");
    var status = harness.tier(NS, "solo").get().getStatus();
    assertThat(status.redis().mode()).isEqualTo("Standalone");
    assertThat(status.redis().endpoint()).isEqualTo("solo-redis.redis.svc:6379");
    assertThat(status.redis().reachable()).isEqualTo("1/1");
    assertThat(harness.condition(NS, "solo", "RedisReady")).hasValueSatisfying(c -> assertThat(c.reason()).isEqualTo("Reachable"));
    assertThat(harness.redisPasswordsAsPrinted()).isNotEmpty().allMatch("RedisPassword[****]"::equals);
  }

  @Test
  @DisplayName("The generated password is created once: later reconciles and spec changes leave it as it is")
  void generatedPasswordIsKept() throws Exception {
    // Given a Ready tier with a generated password
    harness.withReadyWorkloads();
    harness.create(tier("keep", redis(RedisMode.Standalone, null, new PersistenceSpec(false, null, null))));
    harness.awaitReady(NS, "keep");
    var password = awaitGeneratedPassword("keep");
    var version = get(Secret.class, "keep-redis-password").getMetadata().getResourceVersion();
    // And the runtime's secrets hash covers the generated password, now that it exists
    var spec = harness.tier(NS, "keep").get().getSpec();
    var withPassword = io.authtier.operator.secrets.ReferencedSecrets.check(spec, "keep",
        name -> java.util.Optional.ofNullable(get(Secret.class, name))).digest();
    var withoutPassword = io.authtier.operator.secrets.ReferencedSecrets.check(spec, "keep",
        name -> java.util.Optional.<Secret>empty()).digest();
    assertThat(withPassword).isNotEqualTo(withoutPassword);
    await().atMost(OperatorHarness.TIMEOUT).until(() -> withPassword.equals(
        annotation(get(Deployment.class, "keep"), RuntimeDeploymentDependent.SECRETS_HASH)));
    var set = get(StatefulSet.class, "keep-redis");
    assertThat(set.getSpec().getVolumeClaimTemplates()).isEmpty();
    assertThat(set.getSpec().getTemplate().getSpec().getVolumes()).anySatisfy(v -> {
      assertThat(v.getName()).isEqualTo("data");
      assertThat(v.getEmptyDir()).isNotNull();
    });

    // When the spec changes (a new Redis image)
    harness.update(NS, "keep", t -> {
      var r = t.getSpec().redis();
      t.setSpec(Tiers.withRedis(t.getSpec(), new RedisSpec(r.mode(), r.cluster(), r.persistence(), r.external(),
          r.passwordSecretRef(), "redis:7.4.1-alpine")));
      return t;
    });

    // Then the change reaches the StatefulSet, and the password Secret is untouched
    await().atMost(OperatorHarness.TIMEOUT).until(() -> "redis:7.4.1-alpine".equals(
        get(StatefulSet.class, "keep-redis").getSpec().getTemplate().getSpec().getContainers().getFirst().getImage()));
    harness.awaitReady(NS, "keep");
    var after = get(Secret.class, "keep-redis-password");
    assertThat(decode(after, "password")).isEqualTo(password);
    assertThat(after.getMetadata().getResourceVersion()).isEqualTo(version);
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(value = RedisMode.class, names = {"Standalone", "Cluster"})
  @DisplayName("A changed Redis pod template keeps the tier Reconciling and not Ready until its StatefulSet has rolled out")
  void redisRolloutGatesReady(RedisMode mode) throws Exception {
    // Given a Ready tier whose Redis the operator runs
    harness.withReadyWorkloads();
    var name = "roll-" + mode.name().toLowerCase(Locale.ROOT);
    var setName = name + "-redis";
    harness.create(tier(name, redis(mode, null, new PersistenceSpec(false, null, null))));
    harness.awaitReady(NS, name);
    long before = get(StatefulSet.class, setName).getMetadata().getGeneration();

    // When no controller marks workloads ready any more, and the Redis image changes
    harness.withoutReadyWorkloads();
    harness.update(NS, name, t -> {
      var r = t.getSpec().redis();
      t.setSpec(Tiers.withRedis(t.getSpec(), new RedisSpec(r.mode(), r.cluster(), r.persistence(), r.external(),
          r.passwordSecretRef(), "redis:7.4.1-alpine")));
      return t;
    });
    var changed = await().atMost(OperatorHarness.TIMEOUT).until(() -> get(StatefulSet.class, setName),
        s -> "redis:7.4.1-alpine".equals(s.getSpec().getTemplate().getSpec().getContainers().getFirst().getImage()));
    assertThat(changed.getMetadata().getGeneration()).isGreaterThan(before);
    // And the StatefulSet's status is what a real API server keeps at first: the controller has not seen the new
    // generation, the old pods are all ready, none is updated
    int replicas = changed.getSpec().getReplicas();
    setStatus(setName, new StatefulSetStatusBuilder().withObservedGeneration(before).withReplicas(replicas)
        .withReadyReplicas(replicas).withCurrentReplicas(replicas).withUpdatedReplicas(0)
        .withCurrentRevision(setName + "-old").withUpdateRevision(setName + "-new").build());

    // Then the tier is Reconciling, naming the Redis rollout, and not Ready at its new generation
    // (A reconcile before that status was set may have said the StatefulSet has no status yet: wait for this one.)
    await("Reconciling=True with reason RedisRollingOut, naming the generation").atMost(OperatorHarness.TIMEOUT)
        .until(() -> harness.condition(NS, name, "Reconciling")
            .filter(c -> "True".equals(c.status()) && "RedisRollingOut".equals(c.reason())
                && c.message().contains("observedGeneration " + before)).isPresent());
    assertThat(harness.condition(NS, name, "Reconciling")).hasValueSatisfying(c ->
        assertThat(c.message()).contains(setName, "observedGeneration " + before));
    assertThat(harness.condition(NS, name, "Ready")).hasValueSatisfying(c -> {
      assertThat(c.status()).isEqualTo("False");
      assertThat(c.reason()).isEqualTo("RedisRollingOut");
      assertThat(c.observedGeneration()).isEqualTo(2L);
    });
    // And RedisReady says the old pods still serve
    assertThat(harness.condition(NS, name, "RedisReady").orElseThrow().status()).isEqualTo("True");

    // When the controller has seen the new generation and updated every pod, but they are of two revisions yet
    setStatus(setName, new StatefulSetStatusBuilder(FakeWorkloadController.readyStatus(changed))
        .withCurrentRevision(setName + "-old").withUpdateRevision(setName + "-new").build());

    // Then it is still rolling out
    await("Reconciling naming the revisions").atMost(OperatorHarness.TIMEOUT)
        .until(() -> harness.condition(NS, name, "Reconciling")
            .filter(c -> c.message().contains("rolling to " + setName + "-new")).isPresent());
    assertThat(harness.condition(NS, name, "Ready").orElseThrow().status()).isEqualTo("False");

    // When the rollout completes
    setStatus(setName, new StatefulSetStatusBuilder(FakeWorkloadController.readyStatus(changed))
        .withCurrentRevision(setName + "-new").withUpdateRevision(setName + "-new").build());

    // Then the tier is Ready again
    harness.awaitReady(NS, name);
    assertThat(harness.condition(NS, name, "Reconciling").orElseThrow().reason()).isEqualTo("Reconciled");
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(value = RedisMode.class, names = {"Standalone", "Cluster"})
  @DisplayName("A new Redis StatefulSet is written once, with its password's hash: its pods do not roll at birth")
  void redisIsCreatedOnceWithItsPasswordHash(RedisMode mode) throws Exception {
    // Given a new tier whose Redis the operator runs, with a generated password
    harness.withReadyWorkloads();
    var name = "born-" + mode.name().toLowerCase(Locale.ROOT);

    // When it becomes Ready
    harness.create(tier(name, redis(mode, null, new PersistenceSpec(false, null, null))));
    harness.awaitReady(NS, name);

    // Then its StatefulSet was never rewritten, and carries the hash of the password it runs with
    var set = get(StatefulSet.class, name + "-redis");
    assertThat(set.getMetadata().getGeneration()).isEqualTo(1L);
    assertThat(annotation(set, RedisStatefulSetDependent.PASSWORD_HASH)).isNotBlank();
  }

  @Test
  @DisplayName("A generated password deleted to rotate it is replaced; the ACL Secret and the StatefulSet are updated, never deleted")
  void rotationKeepsTheRedisObjects() throws Exception {
    // Given a Ready tier with a generated password
    harness.withReadyWorkloads();
    harness.create(tier("rot", redis(RedisMode.Standalone, null, new PersistenceSpec(true, "1Gi", null))));
    harness.awaitReady(NS, "rot");
    var oldPassword = awaitGeneratedPassword("rot");
    var set = get(StatefulSet.class, "rot-redis");
    var acl = get(Secret.class, "rot-redis-acl");

    // When the password Secret is deleted, as docs/operations.md says to rotate it
    harness.client().secrets().inNamespace(NS).withName("rot-redis-password").delete();

    // Then a new password is generated, the ACL Secret holds it, and Redis rolls to it
    var newPassword = await().atMost(OperatorHarness.TIMEOUT).until(() -> get(Secret.class, "rot-redis-password"),
        s -> s != null && !oldPassword.equals(decode(s, "password")));
    var newHash = RedisSecrets.sha256Hex(decode(newPassword, "password").getBytes(StandardCharsets.UTF_8));
    await().atMost(OperatorHarness.TIMEOUT).until(() -> get(Secret.class, "rot-redis-acl"),
        s -> s != null && decode(s, "users.acl").contains(newHash));
    await().atMost(OperatorHarness.TIMEOUT).until(() -> !annotation(set, RedisStatefulSetDependent.PASSWORD_HASH)
        .equals(annotation(get(StatefulSet.class, "rot-redis"), RedisStatefulSetDependent.PASSWORD_HASH)));
    harness.awaitReady(NS, "rot");
    // And neither was ever deleted: the StatefulSet keeps its pods' volumes, and a pod restarting meanwhile its ACL
    assertThat(get(StatefulSet.class, "rot-redis").getMetadata().getUid()).isEqualTo(set.getMetadata().getUid());
    assertThat(get(Secret.class, "rot-redis-acl").getMetadata().getUid()).isEqualTo(acl.getMetadata().getUid());
  }

  @Test
  @DisplayName("A changed redis.persistence keeps the volumes as made, is Stalled naming the field, and the rest still follows the spec")
  void persistenceChangeIsNotApplied() throws Exception {
    // Given a Ready tier whose Redis keeps its data on 1Gi volumes
    harness.withReadyWorkloads();
    harness.create(tier("vol", redis(RedisMode.Standalone, null, new PersistenceSpec(true, "1Gi", null))));
    harness.awaitReady(NS, "vol");

    // When persistence changes (which CEL refuses on a real API server, but not on one without it) with the image
    harness.update(NS, "vol", t -> {
      var r = t.getSpec().redis();
      t.setSpec(Tiers.withRedis(t.getSpec(), new RedisSpec(r.mode(), r.cluster(), new PersistenceSpec(true, "2Gi", "fast"),
          r.external(), r.passwordSecretRef(), "redis:7.4.1-alpine")));
      return t;
    });

    // Then the new image reaches the StatefulSet, its volume claim template stays as it was made
    await().atMost(OperatorHarness.TIMEOUT).until(() -> "redis:7.4.1-alpine".equals(
        get(StatefulSet.class, "vol-redis").getSpec().getTemplate().getSpec().getContainers().getFirst().getImage()));
    var claim = get(StatefulSet.class, "vol-redis").getSpec().getVolumeClaimTemplates().getFirst();
    assertThat(claim.getSpec().getResources().getRequests().get("storage").toString()).isEqualTo("1Gi");
    assertThat(claim.getSpec().getStorageClassName()).isNull();
    assertThat(get(StatefulSet.class, "vol-redis").getSpec().getTemplate().getSpec().getVolumes())
        .noneMatch(v -> v.getName().equals("data"));

    // And the tier is Stalled (not Ready) with the field, what it is, what was asked, and the way out
    var stalled = harness.awaitCondition(NS, "vol", "Stalled", "True");
    assertThat(stalled.reason()).isEqualTo("PersistenceImmutable");
    assertThat(stalled.message()).contains("spec.redis.persistence", "1Gi each, StorageClass (the cluster's default)",
        "2Gi each, StorageClass fast", "create a new AuthTier and migrate the data");
    assertThat(harness.condition(NS, "vol", "Ready")).hasValueSatisfying(c -> {
      assertThat(c.status()).isEqualTo("False");
      assertThat(c.reason()).isEqualTo("PersistenceImmutable");
    });
    assertThat(harness.condition(NS, "vol", "RedisReady").orElseThrow().status()).isEqualTo("True");
    await().atMost(OperatorHarness.TIMEOUT).untilAsserted(() -> assertThat(events("vol"))
        .anySatisfy(e -> assertThat(e.getReason()).isEqualTo("PersistenceImmutable")));

    // When persistence is set back
    harness.update(NS, "vol", t -> {
      var r = t.getSpec().redis();
      t.setSpec(Tiers.withRedis(t.getSpec(), new RedisSpec(r.mode(), r.cluster(), new PersistenceSpec(true, "1024Mi", null),
          r.external(), r.passwordSecretRef(), r.image())));
      return t;
    });

    // Then the tier is Ready again (1024Mi is the same size as 1Gi)
    harness.awaitReady(NS, "vol");
    assertThat(harness.condition(NS, "vol", "Stalled").orElseThrow().status()).isEqualTo("False");
  }

  @Test
  @DisplayName("A changed redis.mode (refused by CEL, but not by an API server without it) stalls the tier and changes no Redis object")
  void modeChangeIsRefused() throws Exception {
    harness.withReadyWorkloads();
    harness.create(tier("mode", redis(RedisMode.Standalone, null, null)));
    harness.awaitReady(NS, "mode");
    var password = get(io.fabric8.kubernetes.api.model.Secret.class, "mode-redis-password").getMetadata().getUid();

    harness.update(NS, "mode", t -> {
      var r = t.getSpec().redis();
      t.setSpec(Tiers.withRedis(t.getSpec(), new RedisSpec(RedisMode.Cluster, r.cluster(), r.persistence(), r.external(),
          r.passwordSecretRef(), r.image())));
      return t;
    });

    var stalled = harness.awaitCondition(NS, "mode", "Stalled", "True");
    assertThat(stalled.reason()).isEqualTo("InvalidSpec");
    assertThat(stalled.message()).contains("spec.redis.mode: cannot change after creation (the tier runs Standalone)",
        "set it back to Standalone");
    assertThat(get(StatefulSet.class, "mode-redis").getSpec().getReplicas()).isEqualTo(1);
    assertThat(get(io.fabric8.kubernetes.api.model.Secret.class, "mode-redis-password").getMetadata().getUid()).isEqualTo(password);

    harness.update(NS, "mode", t -> {
      var r = t.getSpec().redis();
      t.setSpec(Tiers.withRedis(t.getSpec(), new RedisSpec(RedisMode.Standalone, r.cluster(), r.persistence(), r.external(),
          r.passwordSecretRef(), r.image())));
      return t;
    });
    harness.awaitReady(NS, "mode");
  }

  @Test
  @DisplayName("A removed spec.redis (refused by CEL, but not by an API server without it) stalls the tier, keeps the running mode in its status and deletes no Redis object")
  void removalIsRefused() throws Exception {
    harness.withReadyWorkloads();
    harness.create(tier("gone", redis(RedisMode.Standalone, null, null)));
    harness.awaitReady(NS, "gone");
    var password = get(Secret.class, "gone-redis-password").getMetadata().getUid();

    harness.update(NS, "gone", t -> {
      t.setSpec(Tiers.withRedis(t.getSpec(), null));
      return t;
    });

    var stalled = harness.awaitCondition(NS, "gone", "Stalled", "True");
    assertThat(stalled.message()).contains("spec.redis: cannot be removed after creation (the tier runs Standalone)");
    // The status write that stalls the tier wakes it again; that reconcile must still see what runs.
    assertThat(harness.tier(NS, "gone").get().getStatus().redis()).isNotNull()
        .satisfies(r -> assertThat(r.mode()).isEqualTo("Standalone"));
    var before = harness.reconciles().finished(NS, "gone");
    harness.update(NS, "gone", t -> {
      t.getMetadata().setAnnotations(Map.of("test.authtier.io/wake", "after-stall"));
      return t;
    });
    await().atMost(OperatorHarness.TIMEOUT).until(() -> harness.reconciles().finished(NS, "gone") > before);
    assertThat(get(StatefulSet.class, "gone-redis")).isNotNull();
    assertThat(get(Secret.class, "gone-redis-password").getMetadata().getUid()).isEqualTo(password);
    assertThat(harness.condition(NS, "gone", "Stalled")).hasValueSatisfying(c -> assertThat(c.status()).isEqualTo("True"));

    harness.update(NS, "gone", t -> {
      t.setSpec(Tiers.withRedis(t.getSpec(), redis(RedisMode.Standalone, null, null)));
      return t;
    });
    harness.awaitReady(NS, "gone");
  }

  @Test
  @DisplayName("An object name another tier already holds (tier nc-redis's runtime Service is tier nc's Redis Service) stalls the second tier as NameConflict")
  void nameConflictStalls() throws Exception {
    harness.withReadyWorkloads();
    harness.create(tier("nc-redis", redis(RedisMode.Standalone, null, null)));
    harness.awaitReady(NS, "nc-redis");

    harness.create(tier("nc", redis(RedisMode.Standalone, null, null)));

    var stalled = harness.awaitCondition(NS, "nc", "Stalled", "True");
    assertThat(stalled.reason()).isEqualTo("NameConflict");
    assertThat(stalled.message()).contains("nc-redis", "already exists and is not this AuthTier's", "rename this AuthTier");
    assertThat(harness.condition(NS, "nc", "Reconciling").orElseThrow().status()).isEqualTo("False");
    // And the first tier is untouched
    assertThat(harness.condition(NS, "nc-redis", "Ready").orElseThrow().status()).isEqualTo("True");
  }

  @Test
  @DisplayName("A referenced password that changes rolls the runtime and Redis and rewrites the ACL")
  void referencedPasswordRolls() throws Exception {
    // Given a Ready tier whose Redis password is a Secret of the user's
    harness.withReadyWorkloads();
    harness.namespace(NS);
    harness.client().secrets().inNamespace(NS).resource(new SecretBuilder().withNewMetadata().withName("mine").endMetadata()
        .withData(Map.of("pw", base64("first-password-value"))).build()).create();
    harness.create(tier("ref", redis(RedisMode.Standalone, new SecretKeyRef("mine", "pw"), null)));
    harness.awaitReady(NS, "ref");
    assertThat(get(Secret.class, "ref-redis-password")).isNull();
    var runtimeHash = annotation(get(Deployment.class, "ref"), RuntimeDeploymentDependent.SECRETS_HASH);
    var redisHash = annotation(get(StatefulSet.class, "ref-redis"), RedisStatefulSetDependent.PASSWORD_HASH);
    assertThat(get(ConfigMap.class, "ref-config").getData().get("runtime.yaml"))
        .contains("passwordFile: /etc/authtier/secrets/mine/pw");

    // When its value changes
    harness.client().secrets().inNamespace(NS).withName("mine")
        .edit(s -> new SecretBuilder(s).withData(Map.of("pw", base64("second-password-value"))).build());

    // Then the runtime and Redis roll, and the ACL holds the new password's hash
    await().atMost(OperatorHarness.TIMEOUT).until(() ->
        !runtimeHash.equals(annotation(get(Deployment.class, "ref"), RuntimeDeploymentDependent.SECRETS_HASH))
            && !redisHash.equals(annotation(get(StatefulSet.class, "ref-redis"), RedisStatefulSetDependent.PASSWORD_HASH)));
    await().atMost(OperatorHarness.TIMEOUT).until(() -> decode(get(Secret.class, "ref-redis-acl"), "users.acl")
        .contains(RedisSecrets.sha256Hex("second-password-value".getBytes(StandardCharsets.UTF_8))));
    assertPasswordOnlyInSecrets("second-password-value");
  }

  @Test
  @DisplayName("Cluster becomes masters×(1+replicas) pods with stable names, headless Service and PDB; status from the cluster")
  void cluster() throws Exception {
    // Given the Cluster sample
    harness.withReadyWorkloads();
    harness.apply(io.authtier.operator.support.Repo.sample("cluster.yaml"), NS);

    // Then the objects of a Cluster exist
    var set = await().atMost(OperatorHarness.TIMEOUT).until(() -> get(StatefulSet.class, "api-auth-redis"), s -> s != null);
    assertThat(set.getSpec().getReplicas()).isEqualTo(6);
    assertThat(set.getSpec().getServiceName()).isEqualTo("api-auth-redis-headless");
    var container = set.getSpec().getTemplate().getSpec().getContainers().getFirst();
    assertThat(container.getArgs()).containsSequence("--cluster-announce-hostname",
        "$(POD_NAME).api-auth-redis-headless.redis.svc");
    assertThat(set.getSpec().getTemplate().getSpec().getAffinity().getPodAntiAffinity()
        .getPreferredDuringSchedulingIgnoredDuringExecution()).singleElement()
        .satisfies(t -> assertThat(t.getPodAffinityTerm().getTopologyKey()).isEqualTo("kubernetes.io/hostname"));
    var headless = get(Service.class, "api-auth-redis-headless");
    assertThat(headless.getSpec().getClusterIP()).isEqualTo("None");
    assertThat(headless.getSpec().getPublishNotReadyAddresses()).isTrue();
    assertThat(get(PodDisruptionBudget.class, "api-auth-redis").getSpec().getMaxUnavailable().getIntVal()).isEqualTo(1);
    assertThat(get(ConfigMap.class, "api-auth-redis-config").getData().get("redis.conf")).contains(
        "cluster-enabled yes", "cluster-config-file /data/nodes.conf", "cluster-preferred-endpoint-type hostname",
        "include /etc/redis/acl/auth.conf");
    var password = awaitGeneratedPassword("api-auth");
    await().atMost(OperatorHarness.TIMEOUT).until(() -> get(Secret.class, "api-auth-redis-acl"), s -> s != null);
    assertThat(decode(get(Secret.class, "api-auth-redis-acl"), "auth.conf")).contains("masterauth \"" + password + "\"");
    assertThat(get(ConfigMap.class, "api-auth-config").getData().get("runtime.yaml")).contains("topology: Cluster",
        "- api-auth-redis-5.api-auth-redis-headless.redis.svc:6379");
    assertPasswordOnlyInSecrets(password);

    // And with a healthy cluster behind it, the tier is Ready and reports the cluster
    harness.awaitReady(NS, "api-auth");
    var redis = harness.tier(NS, "api-auth").get().getStatus().redis();
    assertThat(redis.mode()).isEqualTo("Cluster");
    assertThat(redis.clusterState()).isEqualTo("ok");
    assertThat(redis.slotsAssigned()).isEqualTo(16384);
    assertThat(redis.readyMasters()).isEqualTo(3);
    assertThat(redis.readyReplicas()).isEqualTo(3);
    assertThat(redis.reachable()).isEqualTo("6/6");
  }

  @Test
  @DisplayName("A steady Redis Cluster tier writes nothing: the password, ACL, config and StatefulSet are left as they are")
  void clusterSteadyStateWritesNothing() throws Exception {
    // Given the Cluster sample, Ready
    harness.withReadyWorkloads();
    harness.apply(io.authtier.operator.support.Repo.sample("cluster.yaml"), NS);
    // (the runtime rolls once more when the generated password appears in its secrets hash: wait for that)
    awaitGeneratedPassword("api-auth");
    var spec = harness.tier(NS, "api-auth").get().getSpec();
    var finalHash = io.authtier.operator.secrets.ReferencedSecrets.check(spec, "api-auth",
        name -> java.util.Optional.ofNullable(get(Secret.class, name))).digest();
    // (the Deployment may not exist yet when the password Secret does)
    await().atMost(OperatorHarness.TIMEOUT).until(() -> get(Deployment.class, "api-auth"),
        d -> d != null && finalHash.equals(annotation(d, RuntimeDeploymentDependent.SECRETS_HASH)));
    harness.awaitReady(NS, "api-auth");
    harness.awaitCondition(NS, "api-auth", "Reconciling", "False");
    await().atMost(OperatorHarness.TIMEOUT).until(() -> events("api-auth").stream().anyMatch(e -> "Ready".equals(e.getReason())));
    var settling = harness.reconciles().finished(NS, "api-auth");
    harness.client().secrets().inNamespace(NS).withName("api-cookie-keys")
        .edit(s -> new SecretBuilder(s).addToData("settle", "c2V0dGxl").build());
    await().atMost(OperatorHarness.TIMEOUT).until(() -> harness.reconciles().finished(NS, "api-auth") > settling);
    harness.awaitReady(NS, "api-auth");
    var reconciled = harness.reconciles().finished(NS, "api-auth");
    harness.drainRequests();

    // When a referenced Secret changes in a key the tier does not use, which triggers a reconcile
    harness.client().secrets().inNamespace(NS).withName("api-cookie-keys")
        .edit(s -> new SecretBuilder(s).addToData("unused", "dW51c2Vk").build());
    await().atMost(OperatorHarness.TIMEOUT).until(() -> harness.reconciles().finished(NS, "api-auth") > reconciled);

    // Then the only write the API server saw was the test's own
    var writes = harness.drainRequests().stream()
        .filter(r -> !r.getMethod().equals("GET"))
        .map(r -> r.getMethod() + " " + r.getPath())
        .toList();
    assertThat(writes).containsExactly("PATCH /api/v1/namespaces/redis/secrets/api-cookie-keys");
  }

  @Test
  @DisplayName("A Cluster whose nodes do not answer is not Ready; once they form a healthy cluster, the next poll makes it Ready")
  void clusterUnhealthyThenHealthy() throws Exception {
    // Given a Cluster whose nodes cannot be reached
    var stub = StubRedisAdmin.allUnreachable();
    harness.withRedisAdmin(stub).withReadyWorkloads();
    harness.create(tier("cl", redis(RedisMode.Cluster, null, null)));

    // Then RedisReady and Ready are False, naming the unreachable nodes, and nothing is done to Redis
    var redisReady = harness.awaitCondition(NS, "cl", "RedisReady", "False");
    assertThat(redisReady.message()).contains("cl-redis-0.cl-redis-headless.redis.svc:6379");
    assertThat(harness.condition(NS, "cl", "Ready")).hasValueSatisfying(c -> assertThat(c.status()).isEqualTo("False"));
    assertThat(harness.condition(NS, "cl", "Stalled")).hasValueSatisfying(c -> assertThat(c.status()).isEqualTo("False"));
    assertThat(harness.tier(NS, "cl").get().getStatus().redis().reachable()).isEqualTo("0/6");
    assertThat(stub.executed()).isEmpty();

    // When the nodes answer as a healthy cluster (no Kubernetes event announces it)
    stub.answerWith(nodes -> FakeRedisAdmin.healthyCluster(nodes, THREE_BY_ONE));

    // Then the poll finds it and the tier is Ready
    harness.awaitReady(NS, "cl");
    assertThat(harness.condition(NS, "cl", "RedisReady")).hasValueSatisfying(c -> assertThat(c.reason()).isEqualTo("ClusterHealthy"));
  }

  @Test
  @DisplayName("A Cluster's pods' Kubernetes nodes reach the replica placement, and a replica on its master's node is named in RedisReady")
  void replicaPlacementFromPodNodes() throws Exception {
    // Given a healthy 3×1 cluster (pod 3 replicates pod 0, 4 → 1, 5 → 2)
    harness.withRedisAdmin(new StubRedisAdmin(new ClusterPlanner(ReplicaPlacement.anyOtherNode()),
        nodes -> FakeRedisAdmin.healthyCluster(nodes, THREE_BY_ONE))).withReadyWorkloads();
    harness.create(tier("pl", redis(RedisMode.Cluster, null, null)));
    var set = await().atMost(OperatorHarness.TIMEOUT).until(() -> get(StatefulSet.class, "pl-redis"), s -> s != null);

    // When its pods run on three nodes, but pod 3 on its master's node a
    var nodes = List.of("node-a", "node-b", "node-c", "node-a", "node-c", "node-a");
    for (int i = 0; i < nodes.size(); i++) {
      harness.client().pods().inNamespace(NS).resource(new PodBuilder()
          .withNewMetadata().withName("pl-redis-" + i).withLabels(set.getSpec().getSelector().getMatchLabels())
          .endMetadata()
          .withNewSpec().withNodeName(nodes.get(i)).addNewContainer().withName("redis").withImage("redis").endContainer()
          .endSpec()
          .build()).create();
    }
    // (Pods are listed at each reconcile, not watched: an annotation wakes the tier now, not at the next 30 s poll.)
    harness.update(NS, "pl", t -> {
      t.getMetadata().setAnnotations(java.util.Map.of("test.authtier.io/wake", "pods-placed"));
      return t;
    });

    // Then RedisReady stays True and says which replica shares its master's node
    await().atMost(OperatorHarness.TIMEOUT).until(() -> harness.condition(NS, "pl", "RedisReady")
        .filter(c -> c.message().contains("pl-redis-3 with master pl-redis-0 on node-a")).isPresent());
    assertThat(harness.condition(NS, "pl", "RedisReady")).hasValueSatisfying(c -> {
      assertThat(c.status()).isEqualTo("True");
      assertThat(c.reason()).isEqualTo("ClusterHealthy");
      assertThat(c.message()).contains("1 replicas share their master's Kubernetes node");
    });
    // And the placement given to the administration prefers masters on another node
    var placement = harness.redisPlacements().getLast();
    assertThat(placement.preferred(node("pl", 3), node("pl", 1))).isTrue();
    assertThat(placement.preferred(node("pl", 3), node("pl", 0))).isFalse();
    assertThat(placement.preferred(node("pl", 5), node("pl", 5))).isFalse();
  }

  @Test
  @DisplayName("A node that holds data of its own is refused: RedisReady False, Stalled, a Warning Event, and no bootstrap")
  void foreignDataIsRefused() throws Exception {
    // Given fresh nodes but one that holds keys
    var stub = new StubRedisAdmin(new ClusterPlanner(ReplicaPlacement.anyOtherNode()), nodes -> {
      var observed = new ArrayList<NodeObservation>();
      for (int i = 0; i < nodes.size(); i++) {
        var id = String.format("%040x", i + 1);
        var self = ClusterEntries.self(id, nodes.get(i));
        observed.add(new NodeObservation.Reachable(nodes.get(i), true, id, "fail", 1, i == 0 ? 42 : 0, List.of(self)));
      }
      return new ClusterObservation(Instant.EPOCH, observed);
    });
    harness.withRedisAdmin(stub).withReadyWorkloads();
    harness.create(tier("dirty", redis(RedisMode.Cluster, null, null)));

    // Then the tier says why and stops for a person
    var stalled = harness.awaitCondition(NS, "dirty", "Stalled", "True");
    assertThat(stalled.reason()).isEqualTo("ClusterRefused");
    assertThat(stalled.message()).contains("holds 42 keys");
    assertThat(harness.condition(NS, "dirty", "RedisReady")).hasValueSatisfying(c -> {
      assertThat(c.status()).isEqualTo("False");
      assertThat(c.reason()).isEqualTo("ClusterRefused");
    });
    await().atMost(OperatorHarness.TIMEOUT).until(() -> events("dirty").stream()
        .anyMatch(e -> "Warning".equals(e.getType()) && "ClusterRefused".equals(e.getReason())));
    assertThat(stub.executed()).isEmpty();
  }

  @Test
  @DisplayName("External Redis reports its reachability: not Ready while it does not answer, Ready when it does")
  void externalReachability() throws Exception {
    // Given an External Redis that does not answer
    var stub = StubRedisAdmin.allUnreachable();
    harness.withRedisAdmin(stub).withReadyWorkloads();
    harness.create(tier("ext", new RedisSpec(RedisMode.External, null, null,
        new ExternalRedisSpec(List.of("redis.data.svc:6379"), RedisTopology.Standalone, null, false), null, null)));

    // Then RedisReady is False with the endpoint, and no Redis objects are made
    var redisReady = harness.awaitCondition(NS, "ext", "RedisReady", "False");
    assertThat(redisReady.reason()).isEqualTo("Unreachable");
    assertThat(redisReady.message()).contains("redis.data.svc:6379", "Connection refused");
    assertThat(harness.tier(NS, "ext").get().getStatus().redis().reachable()).isEqualTo("0/1");
    assertThat(get(StatefulSet.class, "ext-redis")).isNull();

    // When it answers
    harness.withRedisAdmin(new FakeRedisAdmin());

    // Then the tier is Ready
    harness.awaitReady(NS, "ext");
    assertThat(harness.tier(NS, "ext").get().getStatus().redis().reachable()).isEqualTo("1/1");
  }

  @Test
  @DisplayName("An External Redis Cluster reports the cluster's own numbers beside its reachability")
  void externalCluster() throws Exception {
    // Given an External Redis Cluster of six nodes, all named, answering as a healthy 3×1 cluster
    var stub = new StubRedisAdmin(new ClusterPlanner(ReplicaPlacement.anyOtherNode()),
        nodes -> FakeRedisAdmin.healthyCluster(nodes, THREE_BY_ONE));
    harness.withRedisAdmin(stub).withReadyWorkloads();
    var endpoints = java.util.stream.IntStream.range(0, 6).mapToObj(i -> "redis-" + i + ".data.svc:6379").toList();
    harness.create(tier("extc", new RedisSpec(RedisMode.External, null, null,
        new ExternalRedisSpec(endpoints, RedisTopology.Cluster, null, false), null, null)));

    // Then it is Ready and status.redis has the cluster's state
    harness.awaitReady(NS, "extc");
    var redis = harness.tier(NS, "extc").get().getStatus().redis();
    assertThat(redis.clusterState()).isEqualTo("ok");
    assertThat(redis.slotsAssigned()).isEqualTo(16384);
    assertThat(redis.readyMasters()).isEqualTo(3);
    assertThat(redis.reachable()).isEqualTo("6/6");
    assertThat(stub.executed()).isEmpty();
  }

  private AuthTier tier(String name, RedisSpec redis) {
    var tier = Tiers.sample("minimal.yaml", NS);
    tier.getMetadata().setName(name);
    tier.getMetadata().setGeneration(null);
    tier.setSpec(Tiers.withRedis(tier.getSpec(), redis));
    return tier;
  }

  private static RedisNodeAddress node(String tier, int ordinal) {
    return RedisNodeAddress.parse(tier + "-redis-" + ordinal + "." + tier + "-redis-headless." + NS + ".svc:6379");
  }

  private static RedisSpec redis(RedisMode mode, SecretKeyRef password, PersistenceSpec persistence) {
    return new RedisSpec(mode, mode == RedisMode.Cluster ? new RedisClusterSpec(3, 1) : null, persistence, null,
        password, null);
  }

  private String awaitGeneratedPassword(String tier) {
    var secret = await().atMost(OperatorHarness.TIMEOUT)
        .until(() -> get(Secret.class, tier + "-redis-password"), s -> s != null);
    return decode(secret, "password");
  }

  /** Every object in the namespace as YAML: the password only in its Secret (base64) and the ACL Secret. */
  private void assertPasswordOnlyInSecrets(String password) {
    var serialization = harness.client().getKubernetesSerialization();
    for (Class<? extends HasMetadata> kind : List.of(ConfigMap.class, Service.class, Deployment.class,
        StatefulSet.class, PodDisruptionBudget.class, Event.class)) {
      var yaml = serialization.asYaml(harness.client().resources(kind).inNamespace(NS).list().getItems());
      assertThat(yaml).as(kind.getSimpleName()).doesNotContain(password).doesNotContain(base64(password));
    }
    assertThat(serialization.asYaml(harness.client().resources(AuthTier.class).inNamespace(NS).list().getItems()))
        .doesNotContain(password);
  }

  /** Writes a StatefulSet's status as its controller would. */
  private void setStatus(String name, StatefulSetStatus status) {
    harness.client().apps().statefulSets().inNamespace(NS).withName(name).editStatus(s -> {
      s.setStatus(status);
      return s;
    });
  }

  private <T extends HasMetadata> T get(Class<T> kind, String name) {
    return harness.client().resources(kind).inNamespace(NS).withName(name).get();
  }

  private static String annotation(HasMetadata workload, String key) {
    var template = workload instanceof Deployment d ? d.getSpec().getTemplate() : ((StatefulSet) workload).getSpec().getTemplate();
    return template.getMetadata().getAnnotations().get(key);
  }

  private static String decode(Secret secret, String key) {
    return new String(Base64.getDecoder().decode(secret.getData().get(key)), StandardCharsets.UTF_8);
  }

  private static String base64(String text) {
    return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
  }

  private List<Event> events(String name) {
    return harness.client().v1().events().inNamespace(NS).list().getItems().stream()
        .filter(e -> name.equals(e.getInvolvedObject().getName()))
        .toList();
  }

  /** CLUSTER NODES lines of a node alone. */
  private static final class ClusterEntries {
    static io.authtier.operator.redisadmin.ClusterNodeEntry self(String id, io.authtier.operator.redisadmin.RedisNodeAddress at) {
      return io.authtier.operator.redisadmin.ClusterNodeEntry.parse(
          id + " 10.0.0.1:" + at.port() + "@16379," + at.host() + " myself,master - 0 0 0 connected");
    }
  }
}
