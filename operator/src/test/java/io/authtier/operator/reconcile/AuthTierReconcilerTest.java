package io.authtier.operator.reconcile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.authtier.operator.api.v1alpha1.AuthTier;
import io.authtier.operator.api.v1alpha1.AutoscalingSpec;
import io.authtier.operator.api.v1alpha1.AuthTierSpec;
import io.authtier.operator.api.v1alpha1.IssuerSpec;
import io.authtier.operator.dependents.runtime.RuntimeDeploymentDependent;
import io.authtier.operator.support.OperatorHarness;
import io.authtier.operator.support.Repo;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The real operator against fabric8's mock API server in CRUD mode. */
class AuthTierReconcilerTest {
  private static final List<Class<? extends HasMetadata>> RUNTIME_KINDS = List.of(ServiceAccount.class,
      ConfigMap.class, Service.class, Deployment.class, PodDisruptionBudget.class);

  private OperatorHarness harness;

  @BeforeEach
  void start() {
    harness = OperatorHarness.start();
  }

  @AfterEach
  void stop() {
    harness.close();
  }

  static List<Path> samples() {
    return Repo.samples();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("samples")
  @DisplayName("A sample becomes owned runtime objects, Reconciling until its pods are ready, then Ready")
  void sampleBecomesReady(Path sample) throws Exception {
    // Given a sample applied, with no controller marking its pods ready yet
    var tier = harness.apply(sample, "samples").getFirst();
    var name = tier.getMetadata().getName();

    // Then every runtime object exists, owned by the AuthTier
    var uid = harness.tier("samples", name).get().getMetadata().getUid();
    await().atMost(OperatorHarness.TIMEOUT).untilAsserted(() -> {
      for (var kind : RUNTIME_KINDS) {
        var object = harness.client().resources(kind).inNamespace("samples")
            .withName(kind == ConfigMap.class ? name + "-config" : name).get();
        assertThat(object).as(kind.getSimpleName()).isNotNull();
        assertThat(object.getMetadata().getOwnerReferences()).singleElement().satisfies(owner -> {
          assertThat(owner.getUid()).isEqualTo(uid);
          assertThat(owner.getKind()).isEqualTo("AuthTier");
          assertThat(owner.getController()).isTrue();
        });
      }
    });
    var autoscaling = harness.tier("samples", name).get().getSpec().autoscaling().enabled();
    await().atMost(OperatorHarness.TIMEOUT).untilAsserted(() -> assertThat(
        harness.client().resources(HorizontalPodAutoscaler.class).inNamespace("samples").withName(name).get() != null)
        .isEqualTo(autoscaling));
    // And the status says it is rolling out
    var reconciling = harness.awaitCondition("samples", name, "Reconciling", "True");
    assertThat(reconciling.reason()).isEqualTo("RollingOut");
    assertThat(harness.condition("samples", name, "Ready")).hasValueSatisfying(c -> assertThat(c.status()).isEqualTo("False"));

    // When the pods come up
    harness.withReadyWorkloads();

    // Then it is Ready, with the runtime's endpoint, for the generation it was given
    harness.awaitReady("samples", name);
    var status = harness.tier("samples", name).get().getStatus();
    assertThat(status.observedGeneration()).isEqualTo(1L);
    assertThat(status.runtime().endpoint()).isEqualTo("http://" + name + ".samples.svc:8080");
    assertThat(status.conditions()).extracting(c -> c.type() + "=" + c.status())
        .contains("Ready=True", "Reconciling=False", "Stalled=False", "RuntimeReady=True");
    // (the Event follows the status write that the wait saw)
    await().atMost(OperatorHarness.TIMEOUT).untilAsserted(() ->
        assertThat(events("samples", name)).extracting(Event::getReason).contains("Ready"));
  }

  @Test
  @DisplayName("Spec changes reach the objects; the pod template rolls exactly when the configuration changes")
  void specChangesFollow() throws Exception {
    // Given a Ready tier without autoscaling
    harness.withReadyWorkloads();
    var tier = productionTier(false, 3);
    harness.create(tier);
    harness.awaitReady("prod", "shop-auth");
    var hashBefore = configHash();

    // When only the replica count changes
    update(t -> withSpec(t, spec(t.getSpec(), t.getSpec().issuers(), autoscaling(false), 5)));

    // Then the Deployment follows, the pods do not roll, and status reports the new generation
    await().atMost(OperatorHarness.TIMEOUT).until(() -> deployment().getSpec().getReplicas() == 5);
    assertThat(configHash()).isEqualTo(hashBefore);
    await().atMost(OperatorHarness.TIMEOUT).until(() -> harness.tier("prod", "shop-auth").get().getStatus().observedGeneration() == 2L);
    harness.awaitReady("prod", "shop-auth");

    // When an issuer's audience changes
    update(t -> {
      var issuers = new ArrayList<>(t.getSpec().issuers());
      var first = issuers.getFirst();
      issuers.set(0, new IssuerSpec(first.name(), first.issuerUrl(), List.of("shop-api", "shop-admin"),
          first.allowedAlgorithms(), first.clockSkew(), first.introspection()));
      return withSpec(t, spec(t.getSpec(), issuers, t.getSpec().autoscaling(), 5));
    });

    // Then the configuration and the pod-template hash change with it
    await().atMost(OperatorHarness.TIMEOUT).until(() -> !configHash().equals(hashBefore));
    assertThat(harness.client().configMaps().inNamespace("prod").withName("shop-auth-config").get()
        .getData().get("runtime.yaml")).contains("shop-admin");

    // When autoscaling is turned on, then off again
    update(t -> withSpec(t, spec(t.getSpec(), t.getSpec().issuers(), autoscaling(true), 5)));
    await().atMost(OperatorHarness.TIMEOUT).until(() -> hpa() != null);
    update(t -> withSpec(t, spec(t.getSpec(), t.getSpec().issuers(), autoscaling(false), 4)));

    // Then the HPA is removed and the Deployment has a fixed replica count again
    await().atMost(OperatorHarness.TIMEOUT).until(() -> hpa() == null && deployment().getSpec().getReplicas() == 4);
    harness.awaitReady("prod", "shop-auth");
    assertThat(harness.tier("prod", "shop-auth").get().getStatus().observedGeneration()).isEqualTo(5L);
  }

  @Test
  @DisplayName("Owned objects that are deleted or edited by hand are put back")
  void driftIsRepaired() throws Exception {
    harness.withReadyWorkloads();
    harness.apply(Repo.sample("production.yaml"), "prod");
    harness.awaitReady("prod", "shop-auth");

    // When someone deletes the Service and edits the ConfigMap and the Deployment
    harness.client().services().inNamespace("prod").withName("shop-auth").delete();
    harness.client().configMaps().inNamespace("prod").withName("shop-auth-config")
        .edit(cm -> {
          cm.getData().put("runtime.yaml", "issuers: []\n");
          return cm;
        });
    harness.client().apps().deployments().inNamespace("prod").withName("shop-auth")
        .edit(d -> {
          d.getSpec().getTemplate().getSpec().getContainers().getFirst().setImage("attacker/image:latest");
          return d;
        });

    // Then the operator restores each of them
    await().atMost(OperatorHarness.TIMEOUT).untilAsserted(() -> {
      assertThat(harness.client().services().inNamespace("prod").withName("shop-auth").get()).isNotNull();
      assertThat(harness.client().configMaps().inNamespace("prod").withName("shop-auth-config").get()
          .getData().get("runtime.yaml")).contains("shop-api");
      assertThat(deployment().getSpec().getTemplate().getSpec().getContainers().getFirst().getImage())
          .isEqualTo("ghcr.io/authtier/auth-runtime:0.1.0");
    });
  }

  @Test
  @DisplayName("A missing Secret stalls the tier with its name and an Event; creating it heals the tier")
  void missingSecretStallsThenRecovers() throws Exception {
    // Given a tier whose Redis password Secret does not exist
    harness.withReadyWorkloads();
    harness.namespace("prod");
    var contents = io.authtier.operator.cli.AuthTierFiles.read(Repo.sample("production.yaml"));
    contents.secrets().stream()
        .filter(s -> !s.getMetadata().getName().equals("shop-redis"))
        .forEach(s -> harness.client().secrets().inNamespace("prod").resource(s).create());
    harness.create(namespaced(contents.tiers().getFirst(), "prod"));

    // Then it is Stalled, naming the Secret, and nothing was created
    var stalled = harness.awaitCondition("prod", "shop-auth", "Stalled", "True");
    assertThat(stalled.reason()).isEqualTo("SecretNotFound");
    assertThat(stalled.message()).contains("shop-redis").contains("spec.redis.external.passwordSecretRef")
        .endsWith("create Secret shop-redis with key password in namespace prod, or point"
            + " spec.redis.external.passwordSecretRef at a Secret that exists");
    assertThat(harness.condition("prod", "shop-auth", "Ready")).hasValueSatisfying(c -> {
      assertThat(c.status()).isEqualTo("False");
      assertThat(c.reason()).isEqualTo("SecretNotFound");
    });
    assertThat(deployment()).isNull();
    await().atMost(OperatorHarness.TIMEOUT).untilAsserted(() -> assertThat(events("prod", "shop-auth"))
        .anySatisfy(e -> {
          assertThat(e.getType()).isEqualTo("Warning");
          assertThat(e.getReason()).isEqualTo("SecretNotFound");
          assertThat(e.getMessage()).contains("shop-redis");
        }));

    // When the Secret is created, and nobody touches the AuthTier
    harness.client().secrets().inNamespace("prod").resource(new SecretBuilder()
        .withNewMetadata().withName("shop-redis").endMetadata()
        .withStringData(Map.of("password", "s3cret")).build()).create();

    // Then the tier recovers
    harness.awaitReady("prod", "shop-auth");
    assertThat(harness.condition("prod", "shop-auth", "Stalled").orElseThrow().status()).isEqualTo("False");
    assertThat(events("prod", "shop-auth")).extracting(Event::getReason).contains("Recovered");
  }

  @Test
  @DisplayName("A changed Secret value rolls the runtime's pods; the value itself is nowhere in the objects")
  void secretChangeRollsPods() throws Exception {
    harness.withReadyWorkloads();
    harness.apply(Repo.sample("production.yaml"), "prod");
    harness.awaitReady("prod", "shop-auth");
    var before = deployment().getSpec().getTemplate().getMetadata().getAnnotations().get(RuntimeDeploymentDependent.SECRETS_HASH);

    harness.client().secrets().inNamespace("prod").withName("shop-redis")
        .edit(s -> new SecretBuilder(s).withData(Map.of("password", java.util.Base64.getEncoder()
            .encodeToString("rotated-password-value".getBytes()))).build());

    await().atMost(OperatorHarness.TIMEOUT).until(() -> !before.equals(deployment().getSpec().getTemplate()
        .getMetadata().getAnnotations().get(RuntimeDeploymentDependent.SECRETS_HASH)));
    for (var kind : RUNTIME_KINDS) {
      var yaml = harness.client().getKubernetesSerialization().asYaml(
          harness.client().resources(kind).inNamespace("prod").list().getItems());
      assertThat(yaml).doesNotContain("rotated-password-value").doesNotContain("replace-me");
    }
    // And the hash is keyed with the Secrets' UIDs: whoever may read the Deployment but not the Secrets cannot
    // test a guessed password against it, as a plain SHA-256 of the values (what render shows) would allow
    var tier = harness.client().resources(io.authtier.operator.api.v1alpha1.AuthTier.class).inNamespace("prod").withName("shop-auth").get();
    java.util.function.Function<String, java.util.Optional<io.fabric8.kubernetes.api.model.Secret>> live =
        name -> java.util.Optional.ofNullable(harness.client().secrets().inNamespace("prod").withName(name).get());
    var keyed = io.authtier.operator.secrets.ReferencedSecrets.check(tier.getSpec(), "shop-auth", live).digest();
    var plain = io.authtier.operator.secrets.ReferencedSecrets.check(tier.getSpec(), "shop-auth",
        name -> live.apply(name).map(secret -> new SecretBuilder(secret).editMetadata().withUid(null).endMetadata().build())).digest();
    assertThat(live.apply("shop-redis").orElseThrow().getMetadata().getUid()).isNotBlank();
    assertThat(deployment().getSpec().getTemplate().getMetadata().getAnnotations().get(RuntimeDeploymentDependent.SECRETS_HASH))
        .isEqualTo(keyed).isNotEqualTo(plain);
  }

  @Test
  @DisplayName("A steady-state reconcile writes nothing to the API server")
  void steadyStateWritesNothing() throws Exception {
    // Given a Ready tier
    harness.withReadyWorkloads();
    harness.apply(Repo.sample("production.yaml"), "prod");
    harness.awaitReady("prod", "shop-auth");
    await().atMost(OperatorHarness.TIMEOUT).until(() -> !events("prod", "shop-auth").isEmpty());
    var reconciled = harness.reconciles().finished("prod", "shop-auth");
    harness.drainRequests();

    // When a referenced Secret changes in a key the tier does not use, which triggers a reconcile
    harness.client().secrets().inNamespace("prod").withName("shop-redis")
        .edit(s -> new SecretBuilder(s).addToData("unused", "dW51c2Vk").build());
    await().atMost(OperatorHarness.TIMEOUT).until(() -> harness.reconciles().finished("prod", "shop-auth") > reconciled);

    // Then the only write the API server saw was the test's own
    var writes = harness.drainRequests().stream()
        .filter(r -> !r.getMethod().equals("GET"))
        .map(r -> r.getMethod() + " " + r.getPath())
        .toList();
    assertThat(writes).containsExactly("PATCH /api/v1/namespaces/prod/secrets/shop-redis");
  }

  @Test
  @DisplayName("Fifty AuthTiers in five namespaces become Ready; a broken one among them delays none")
  void fiftyTiers() throws Exception {
    harness.withReadyWorkloads();
    var template = io.authtier.operator.cli.AuthTierFiles.read(Repo.sample("minimal.yaml")).tiers().getFirst();
    var broken = namespaced(template, "ns-0");
    broken.getMetadata().setName("broken");
    broken.setSpec(new AuthTierSpec(List.of(new IssuerSpec("main", "https://idp", List.of("a"), null, null,
        new io.authtier.operator.api.v1alpha1.IntrospectionSpec("c",
            new io.authtier.operator.api.v1alpha1.SecretKeyRef("nowhere", "secret")))),
        null, null, template.getSpec().sessions(), null, template.getSpec().runtime(), template.getSpec().autoscaling(),
        null, null, null));
    harness.create(broken);
    var names = new ArrayList<String[]>();
    for (int i = 0; i < 50; i++) {
      var tier = namespaced(template, "ns-" + (i % 5));
      tier.getMetadata().setName("tier-" + i);
      harness.create(tier);
      names.add(new String[] {"ns-" + (i % 5), "tier-" + i});
    }
    await().atMost(OperatorHarness.TIMEOUT.multipliedBy(2)).untilAsserted(() -> {
      for (var n : names) {
        assertThat(harness.condition(n[0], n[1], "Ready")).as(n[1])
            .hasValueSatisfying(c -> assertThat(c.status()).isEqualTo("True"));
      }
    });
    assertThat(harness.condition("ns-0", "broken", "Stalled")).hasValueSatisfying(c -> {
      assertThat(c.status()).isEqualTo("True");
      assertThat(c.message()).contains("nowhere");
    });
  }

  @Test
  @DisplayName("An invalid spec that the mock API server let through is Stalled with the field named")
  void invalidSpecStalls() throws Exception {
    var tier = io.authtier.operator.cli.AuthTierFiles.read(Repo.sample("minimal.yaml")).tiers().getFirst();
    tier = namespaced(tier, "dev");
    tier.setSpec(spec(tier.getSpec(), tier.getSpec().issuers(), new AutoscalingSpec(false, 5, 3, null, null, null), 1));
    harness.create(tier);

    var stalled = harness.awaitCondition("dev", "dev-auth", "Stalled", "True");
    assertThat(stalled.reason()).isEqualTo("InvalidSpec");
    assertThat(stalled.message()).contains("spec.autoscaling.minReplicas");
    assertThat(harness.client().apps().deployments().inNamespace("dev").withName("dev-auth").get()).isNull();
  }

  @Test
  @DisplayName("An AuthTier without spec (the CRD requires one; a cluster without its schema does not) is Stalled, not an error retried forever")
  void missingSpecStalls() throws Exception {
    var tier = new io.authtier.operator.api.v1alpha1.AuthTier();
    tier.setMetadata(new io.fabric8.kubernetes.api.model.ObjectMetaBuilder().withNamespace("dev").withName("nospec").build());
    harness.create(tier);

    var stalled = harness.awaitCondition("dev", "nospec", "Stalled", "True");
    assertThat(stalled.reason()).isEqualTo("InvalidSpec");
    assertThat(stalled.message()).contains("spec: is required");
    assertThat(harness.condition("dev", "nospec", "Ready")).hasValueSatisfying(c -> assertThat(c.status()).isEqualTo("False"));
    assertThat(harness.condition("dev", "nospec", "RuntimeReady"))
        .hasValueSatisfying(c -> assertThat(c.status()).isEqualTo("Unknown"));
    assertThat(harness.client().apps().deployments().inNamespace("dev").withName("nospec").get()).isNull();
  }

  // --- helpers

  private Deployment deployment() {
    return harness.client().apps().deployments().inNamespace("prod").withName("shop-auth").get();
  }

  private HorizontalPodAutoscaler hpa() {
    return harness.client().resources(HorizontalPodAutoscaler.class).inNamespace("prod").withName("shop-auth").get();
  }

  private String configHash() {
    return deployment().getSpec().getTemplate().getMetadata().getAnnotations().get(RuntimeDeploymentDependent.CONFIG_HASH);
  }

  private List<Event> events(String namespace, String name) {
    return harness.client().v1().events().inNamespace(namespace).list().getItems().stream()
        .filter(e -> name.equals(e.getInvolvedObject().getName()))
        .toList();
  }

  private void update(java.util.function.UnaryOperator<AuthTier> change) {
    harness.update("prod", "shop-auth", change);
  }

  private AuthTier productionTier(boolean autoscaling, int replicas) throws Exception {
    var contents = io.authtier.operator.cli.AuthTierFiles.read(Repo.sample("production.yaml"));
    harness.namespace("prod");
    contents.secrets().forEach(s -> harness.client().secrets().inNamespace("prod").resource(s).create());
    var tier = namespaced(contents.tiers().getFirst(), "prod");
    return withSpec(tier, spec(tier.getSpec(), tier.getSpec().issuers(), autoscaling(autoscaling), replicas));
  }

  private static AutoscalingSpec autoscaling(boolean enabled) {
    return new AutoscalingSpec(enabled, 3, 30, null, null, null);
  }

  private static AuthTierSpec spec(AuthTierSpec base, List<IssuerSpec> issuers, AutoscalingSpec autoscaling, int replicas) {
    var runtime = base.runtime();
    return new AuthTierSpec(issuers, base.tokenCache(), base.resilience(), base.sessions(), base.redis(),
        new io.authtier.operator.api.v1alpha1.RuntimeSpec(runtime.image(), runtime.imagePullPolicy(), replicas,
            runtime.resources(), runtime.trustedProxies(), runtime.maxTokenBytes()),
        autoscaling, base.disruption(), base.monitoring(), base.routes());
  }

  private static AuthTier withSpec(AuthTier tier, AuthTierSpec spec) {
    tier.setSpec(spec);
    return tier;
  }

  private static AuthTier namespaced(AuthTier tier, String namespace) {
    var copy = new AuthTier();
    copy.setMetadata(new io.fabric8.kubernetes.api.model.ObjectMetaBuilder(tier.getMetadata()).withNamespace(namespace).build());
    copy.setSpec(tier.getSpec());
    return copy;
  }
}
