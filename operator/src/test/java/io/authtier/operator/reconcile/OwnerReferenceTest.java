package io.authtier.operator.reconcile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.authtier.operator.api.v1alpha1.AuthTier;
import io.authtier.operator.api.v1alpha1.ExternalRedisSpec;
import io.authtier.operator.api.v1alpha1.IssuerSpec;
import io.authtier.operator.api.v1alpha1.RedisClusterSpec;
import io.authtier.operator.api.v1alpha1.RedisMode;
import io.authtier.operator.api.v1alpha1.RedisSpec;
import io.authtier.operator.api.v1alpha1.RedisTopology;
import io.authtier.operator.dependents.DesiredState;
import io.authtier.operator.dependents.Metadata;
import io.authtier.operator.dependents.monitoring.PrometheusOperator;
import io.authtier.operator.support.OperatorHarness;
import io.authtier.operator.support.Repo;
import io.authtier.operator.support.Tiers;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.client.dsl.Resource;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The tier stays its objects' controller: a removed owner reference is put back (else garbage collection would
 * leave the object behind when the tier goes), and an object that is not the tier's is never taken over.
 */
class OwnerReferenceTest {
  private static final String NS = "owners";
  /** Another owner's reference, such as a GitOps tool might add; it is kept. */
  private static final OwnerReference ANOTHER_OWNER = new OwnerReferenceBuilder()
      .withApiVersion("argoproj.io/v1alpha1").withKind("Application").withName("shop").withUid("argo-uid")
      .withController(false).build();

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
  @DisplayName("Owner references removed from every object of a tier are put back; another owner's reference is kept")
  void removedOwnerReferencesArePutBack() throws Exception {
    // Given a Cluster tier with autoscaling and monitoring, which has every kind of object the operator makes
    harness.installPrometheusOperator();
    harness.apply(Repo.sample("cluster.yaml"), NS);
    harness.awaitReady(NS, "api-auth");
    var tier = harness.tier(NS, "api-auth").get();
    var ours = Metadata.ownerReference(tier);
    var objects = DesiredState.of(tier, "");
    assertThat(objects).extracting(HasMetadata::getKind).contains("ServiceAccount", "ConfigMap", "Service",
        "Deployment", "PodDisruptionBudget", "HorizontalPodAutoscaler", "Secret", "StatefulSet", "ServiceMonitor",
        "PrometheusRule");
    await().atMost(OperatorHarness.TIMEOUT).untilAsserted(() -> objects.forEach(o ->
        assertThat(live(o).get()).as(id(o)).isNotNull()));
    var password = harness.client().secrets().inNamespace(NS).withName("api-auth-redis-password").get().getData();

    // When someone removes the owner references of all of them (the monitoring objects first: they are
    // repaired by the next reconcile, which the others' changes bring), and gives the runtime ConfigMap
    // another owner instead
    objects.stream().sorted(Comparator.comparing(o -> !generic(o))).forEach(o ->
        setOwners(live(o), id(o).equals("ConfigMap/api-auth-config") ? List.of(ANOTHER_OWNER) : List.of()));

    // Then every object has the tier as its controller again, the ConfigMap keeps its other owner too
    await().atMost(OperatorHarness.TIMEOUT).untilAsserted(() -> {
      for (var object : objects) {
        var owners = live(object).get().getMetadata().getOwnerReferences();
        if (id(object).equals("ConfigMap/api-auth-config")) {
          assertThat(owners).as(id(object)).containsExactlyInAnyOrder(ANOTHER_OWNER, ours);
        } else {
          assertThat(owners).as(id(object)).containsExactly(ours);
        }
      }
    });
    // And the generated password was not rewritten in passing
    assertThat(harness.client().secrets().inNamespace(NS).withName("api-auth-redis-password").get().getData())
        .isEqualTo(password);
  }

  static List<Named<ConfigMap>> foreignConfigMaps() {
    var labelled = new ConfigMapBuilder()
        .withNewMetadata().withName("dev-auth-config").withNamespace(NS)
          .withLabels(Map.of(Labels.MANAGED_BY, Names.OPERATOR, Labels.INSTANCE, "dev-auth"))
          .withOwnerReferences(new OwnerReferenceBuilder().withApiVersion("authtier.io/v1alpha1").withKind("AuthTier")
              .withName("dev-auth").withUid("uid-of-an-earlier-dev-auth").withController(true)
              .withBlockOwnerDeletion(true).build())
        .endMetadata()
        .withData(Map.of("runtime.yaml", "theirs\n"))
        .build();
    var byHand = new ConfigMapBuilder()
        .withNewMetadata().withName("dev-auth-config").withNamespace(NS).endMetadata()
        .withData(Map.of("runtime.yaml", "theirs\n"))
        .build();
    return List.of(Named.of("labelled as the tier's, controlled by an earlier AuthTier of its name", labelled),
        Named.of("made by hand", byHand));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("foreignConfigMaps")
  @DisplayName("An object of the tier's name that another AuthTier controls, or that was made by hand, is left as it is, and the tier is Stalled as NameConflict")
  void anotherOwnersObjectIsNotTaken(ConfigMap foreign) {
    // Given a ConfigMap named like the tier's that is not the tier's: one with the tier's labels whose
    // controller is another AuthTier of that name (an earlier one, whose garbage collection is pending), or
    // one made by hand
    harness.namespace(NS);
    var before = harness.client().configMaps().inNamespace(NS).resource(foreign).create();

    // When the tier is created
    harness.create(Tiers.sample("minimal.yaml", NS));

    // Then it is Stalled, naming the ConfigMap, and the ConfigMap is as it was
    var stalled = harness.awaitCondition(NS, "dev-auth", "Stalled", "True");
    assertThat(stalled.reason()).isEqualTo("NameConflict");
    assertThat(stalled.message()).contains("dev-auth-config", "controlled by another owner");
    var after = harness.client().configMaps().inNamespace(NS).withName("dev-auth-config").get();
    assertThat(after.getData()).isEqualTo(before.getData());
    assertThat(after.getMetadata().getOwnerReferences()).isEqualTo(before.getMetadata().getOwnerReferences());
    assertThat(after.getMetadata().getResourceVersion()).isEqualTo(before.getMetadata().getResourceVersion());
  }

  @Test
  @DisplayName("A Redis whose ConfigMap and Service another tier holds is not created: the tier is Stalled as NameConflict, and its StatefulSet comes once the names are free")
  void redisOnAnotherTiersObjectsIsNotCreated() {
    // Given a Ready tier shop-redis with an External Redis: its runtime objects are shop-redis and shop-redis-config
    harness.create(named("shop-redis", new RedisSpec(RedisMode.External, null, null,
        new ExternalRedisSpec(List.of("redis.data.svc:6379"), RedisTopology.Standalone, null, false), null, null)));
    harness.awaitReady(NS, "shop-redis");
    var theirConfig = harness.client().configMaps().inNamespace(NS).withName("shop-redis-config").get();
    var theirService = harness.client().services().inNamespace(NS).withName("shop-redis").get();

    // When a tier shop runs its own Redis, whose objects would have those names
    harness.create(named("shop", new RedisSpec(RedisMode.Standalone, null, null, null, null, null)));

    // Then it is Stalled as NameConflict
    var stalled = harness.awaitCondition(NS, "shop", "Stalled", "True");
    assertThat(stalled.reason()).isEqualTo("NameConflict");
    assertThat(stalled.message()).containsAnyOf("shop-redis-config", "services \"shop-redis\"");
    // And, through retries and the generated password's creation, no Redis StatefulSet was made on the other
    // tier's ConfigMap and Service, which are as they were
    await().atMost(OperatorHarness.TIMEOUT).until(() -> harness.reconciles().finished(NS, "shop") >= 3);
    assertThat(harness.client().apps().statefulSets().inNamespace(NS).withName("shop-redis").get()).isNull();
    assertThat(harness.client().configMaps().inNamespace(NS).withName("shop-redis-config").get().getMetadata()
        .getResourceVersion()).isEqualTo(theirConfig.getMetadata().getResourceVersion());
    assertThat(harness.client().services().inNamespace(NS).withName("shop-redis").get().getMetadata()
        .getResourceVersion()).isEqualTo(theirService.getMetadata().getResourceVersion());
    assertThat(harness.condition(NS, "shop-redis", "Ready").orElseThrow().status()).isEqualTo("True");

    // When tier shop-redis is deleted with its objects (as the garbage collector would), and shop is looked at again
    harness.tier(NS, "shop-redis").delete();
    harness.client().configMaps().inNamespace(NS).withName("shop-redis-config").delete();
    harness.client().services().inNamespace(NS).withName("shop-redis").delete();
    harness.update(NS, "shop", t -> {
      t.getMetadata().setAnnotations(Map.of("example.com/poke", "1"));
      return t;
    });

    // Then shop is Ready, with a StatefulSet written once, on its own ConfigMap and Service
    harness.awaitReady(NS, "shop");
    var set = harness.client().apps().statefulSets().inNamespace(NS).withName("shop-redis").get();
    assertThat(set.getMetadata().getGeneration()).isEqualTo(1L);
    assertThat(set.getSpec().getServiceName()).isEqualTo("shop-redis");
    assertThat(harness.client().configMaps().inNamespace(NS).withName("shop-redis-config").get().getMetadata()
        .getLabels()).containsEntry(Labels.INSTANCE, "shop");
  }

  static List<Arguments> foreignRedisObjects() {
    var service = new ServiceBuilder().withNewSpec().withSelector(Map.of("app", "something-else"))
        .addNewPort().withPort(80).endPort().endSpec().build();
    return List.of(
        Arguments.of(Named.of("ConfigMap cm-redis-config", RedisMode.Standalone),
            new ConfigMapBuilder().withNewMetadata().withName("cm-redis-config").endMetadata().build()),
        Arguments.of(Named.of("Service svc-redis", RedisMode.Standalone),
            new ServiceBuilder(service).withNewMetadata().withName("svc-redis").endMetadata().build()),
        Arguments.of(Named.of("Secret acl-redis-acl", RedisMode.Standalone),
            new SecretBuilder().withNewMetadata().withName("acl-redis-acl").endMetadata().build()),
        Arguments.of(Named.of("Service hl-redis-headless of a Cluster", RedisMode.Cluster),
            new ServiceBuilder(service).withNewMetadata().withName("hl-redis-headless").endMetadata().build()));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("foreignRedisObjects")
  @DisplayName("The Redis StatefulSet is not created while an object it mounts or is named through is not the tier's")
  void redisWaitsForItsOwnObjects(RedisMode mode, HasMetadata foreign) {
    // Given an object made by hand with the name of one the tier's Redis needs (its ConfigMap, Service, headless
    // Service or ACL Secret)
    var tierName = foreign.getMetadata().getName().substring(0, foreign.getMetadata().getName().indexOf("-redis"));
    harness.namespace(NS);
    harness.client().resource(foreign).inNamespace(NS).create();

    // When a tier of that name is created
    harness.create(named(tierName, new RedisSpec(mode, mode == RedisMode.Cluster
        ? new RedisClusterSpec(3, 1) : null, null, null, null, null)));

    // Then it is Stalled as NameConflict, naming it, and through retries its Redis StatefulSet is never made
    var stalled = harness.awaitCondition(NS, tierName, "Stalled", "True");
    assertThat(stalled.reason()).isEqualTo("NameConflict");
    assertThat(stalled.message()).contains(foreign.getMetadata().getName());
    await().atMost(OperatorHarness.TIMEOUT).until(() -> harness.reconciles().finished(NS, tierName) >= 3);
    assertThat(harness.client().apps().statefulSets().inNamespace(NS).withName(tierName + "-redis").get()).isNull();
  }

  @Test
  @DisplayName("A Service of the tier's name that is not its own keeps the runtime Deployment from being created")
  void runtimeBehindAnotherServiceIsNotCreated() {
    // Given a Service made by hand with the name of the tier's runtime Service
    harness.namespace(NS);
    harness.client().services().inNamespace(NS).resource(new ServiceBuilder()
        .withNewMetadata().withName("dev-auth").withNamespace(NS).endMetadata()
        .withNewSpec().withSelector(Map.of("app", "something-else")).addNewPort().withPort(80).endPort().endSpec()
        .build()).create();

    // When the tier is created
    harness.create(Tiers.sample("minimal.yaml", NS));

    // Then it is Stalled as NameConflict, naming the Service, and no Deployment runs behind a Service not its own
    var stalled = harness.awaitCondition(NS, "dev-auth", "Stalled", "True");
    assertThat(stalled.reason()).isEqualTo("NameConflict");
    assertThat(stalled.message()).contains("dev-auth");
    await().atMost(OperatorHarness.TIMEOUT).until(() -> harness.reconciles().finished(NS, "dev-auth") >= 2);
    assertThat(harness.client().apps().deployments().inNamespace(NS).withName("dev-auth").get()).isNull();
  }

  @Test
  @DisplayName("A copy of the runtime Deployment with the tier's labels and another name is not adopted, and the tier still follows its spec")
  void labelledCopyIsNotAdopted() throws Exception {
    // Given a Ready tier, and a copy of its Deployment under another name with its labels and no owner
    harness.create(Tiers.sample("minimal.yaml", NS));
    harness.awaitReady(NS, "dev-auth");
    var live = harness.client().apps().deployments().inNamespace(NS).withName("dev-auth").get();
    harness.client().apps().deployments().inNamespace(NS).resource(new DeploymentBuilder()
        .withNewMetadata().withName("dev-auth-copy").withNamespace(NS).withLabels(live.getMetadata().getLabels())
        .endMetadata()
        .withSpec(live.getSpec())
        .build()).create();

    // When the tier's spec changes
    harness.update(NS, "dev-auth", t -> {
      var issuer = t.getSpec().issuers().getFirst();
      t.setSpec(Tiers.withIssuers(t.getSpec(), List.of(new IssuerSpec(issuer.name(), issuer.issuerUrl(),
          List.of("dev-api", "dev-admin"), issuer.allowedAlgorithms(), issuer.clockSkew(), issuer.introspection()))));
      return t;
    });

    // Then the tier is Ready at the new generation, and the copy has no owner
    await().atMost(OperatorHarness.TIMEOUT).untilAsserted(() -> assertThat(harness.condition(NS, "dev-auth", "Ready"))
        .hasValueSatisfying(c -> {
          assertThat(c.status()).isEqualTo("True");
          assertThat(c.observedGeneration()).isEqualTo(2L);
        }));
    assertThat(harness.client().apps().deployments().inNamespace(NS).withName("dev-auth-copy").get()
        .getMetadata().getOwnerReferences()).isEmpty();
  }

  /** The minimal sample under another name, with this Redis. */
  private static AuthTier named(String name, RedisSpec redis) {
    var tier = Tiers.sample("minimal.yaml", NS);
    tier.getMetadata().setName(name);
    tier.getMetadata().setGeneration(null);
    tier.setSpec(Tiers.withRedis(tier.getSpec(), redis));
    return tier;
  }

  /** The live object that {@code desired} stands for, through the API of its kind. */
  private Resource<? extends HasMetadata> live(HasMetadata desired) {
    var name = desired.getMetadata().getName();
    if (generic(desired)) {
      var kind = desired.getKind().equals(PrometheusOperator.SERVICE_MONITOR.getKind())
          ? PrometheusOperator.SERVICE_MONITOR : PrometheusOperator.PROMETHEUS_RULE;
      return harness.client().genericKubernetesResources(kind).inNamespace(NS).withName(name);
    }
    return harness.client().resources(desired.getClass()).inNamespace(NS).withName(name);
  }

  private static boolean generic(HasMetadata object) {
    return object instanceof GenericKubernetesResource;
  }

  private static String id(HasMetadata object) {
    return object.getKind() + "/" + object.getMetadata().getName();
  }

  private static <T extends HasMetadata> void setOwners(Resource<T> object, List<OwnerReference> owners) {
    object.edit(o -> {
      o.getMetadata().setOwnerReferences(new ArrayList<>(owners));
      return o;
    });
  }
}
