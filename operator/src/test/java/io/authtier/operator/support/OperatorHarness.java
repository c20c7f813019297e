package io.authtier.operator.support;

import static org.awaitility.Awaitility.await;

import io.authtier.operator.AuthTierOperator;
import io.authtier.operator.api.v1alpha1.AuthTier;
import io.authtier.operator.api.v1alpha1.Condition;
import io.authtier.operator.cli.AuthTierFiles;
import io.authtier.operator.demo.EmbeddedApiServer;
import io.authtier.operator.demo.FakeRedisAdmin;
import io.authtier.operator.demo.FakeWorkloadController;
import io.authtier.operator.dependents.monitoring.PrometheusOperator;
import io.authtier.operator.redisadmin.RedisAdmin;
import io.authtier.operator.redisadmin.ReplicaPlacement;
import java.util.concurrent.CopyOnWriteArrayList;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionBuilder;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.javaoperatorsdk.operator.Operator;
import java.nio.file.Path;
import org.awaitility.core.ConditionTimeoutException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import io.fabric8.kubernetes.client.KubernetesClientException;

/**
 * The real operator on fabric8's mock API server in CRUD mode. The fake workload controller, which
 * marks Deployments ready, starts only when a test asks for it, so tests can see a tier before and
 * after its pods are up.
 */
public final class OperatorHarness implements AutoCloseable {
  public static final Duration TIMEOUT = Duration.ofSeconds(30);
  /** The User-Agent of the operator's own requests, which tells them from the test's (see {@link #drainRequests}). */
  public static final String OPERATOR_USER_AGENT = "authtier-operator-under-test";
  /** Where the operator under test runs, as POD_NAMESPACE would say in the cluster. */
  public static final String OPERATOR_NAMESPACE = "authtier-system";

  private final EmbeddedApiServer api;
  /** The operator's client: the same API server, its own User-Agent. */
  private final KubernetesClient operatorClient;
  private final Operator operator;
  private final ReconcileCounter reconciles = new ReconcileCounter();
  private FakeWorkloadController workloads;
  /** What the operator's Redis administration sees; a healthy stand-in until a test says otherwise. */
  private volatile RedisAdmin redisAdmin = new FakeRedisAdmin();
  private final List<String> redisPasswords = new CopyOnWriteArrayList<>();
  private final List<ReplicaPlacement> redisPlacements = new CopyOnWriteArrayList<>();

  private OperatorHarness(EmbeddedApiServer api) {
    this.api = api;
    this.operatorClient = new KubernetesClientBuilder().withConfig(new ConfigBuilder(api.client().getConfiguration())
        .withUserAgent(OPERATOR_USER_AGENT).build()).build();
    this.operator = AuthTierOperator.create(operatorClient,
        new AuthTierOperator.Settings(Clock.systemUTC(), "test", Optional.empty(), Set.of(), reconciles)
            .withOperatorNamespace(OPERATOR_NAMESPACE)
            .withRedisAdmins((password, tls, placement) -> {
              redisPasswords.add(password.toString());
              redisPlacements.add(placement);
              return new Unclosed(redisAdmin);
            }));
  }

  /** Makes the operator's Redis administration talk to {@code admin} from now on (a StubRedisAdmin). */
  public OperatorHarness withRedisAdmin(RedisAdmin admin) {
    this.redisAdmin = admin;
    return this;
  }

  /** The replica placements given to the Redis administration, one per round, oldest first. */
  public List<ReplicaPlacement> redisPlacements() {
    return List.copyOf(redisPlacements);
  }

  /** How the passwords given to the Redis administration printed: masked, or a test fails. */
  public List<String> redisPasswordsAsPrinted() {
    return List.copyOf(redisPasswords);
  }

  /** The reconciler closes each admin after a round; the test's admin outlives it. */
  private record Unclosed(RedisAdmin admin) implements RedisAdmin {
    @Override
    public io.authtier.operator.redisadmin.ClusterObservation observe(List<io.authtier.operator.redisadmin.RedisNodeAddress> nodes) {
      return admin.observe(nodes);
    }

    @Override
    public List<io.authtier.operator.redisadmin.ClusterAction> plan(io.authtier.operator.redisadmin.ClusterObservation observation,
        io.authtier.operator.redisadmin.DesiredCluster desired) {
      return admin.plan(observation, desired);
    }

    @Override
    public void execute(List<io.authtier.operator.redisadmin.ClusterAction> actions) {
      admin.execute(actions);
    }

    @Override
    public Round reconcile(List<io.authtier.operator.redisadmin.RedisNodeAddress> nodes,
        io.authtier.operator.redisadmin.DesiredCluster desired) {
      return admin.reconcile(nodes, desired);
    }

    @Override
    public void close() {}
  }

  public static OperatorHarness start() {
    var harness = new OperatorHarness(EmbeddedApiServer.start());
    harness.operator.start();
    return harness;
  }

  public OperatorHarness withReadyWorkloads() {
    if (workloads == null) {
      workloads = new FakeWorkloadController(api.client());
    }
    return this;
  }

  /**
   * Stops marking workloads ready: from now on a Deployment or StatefulSet keeps the status that the test gives
   * it (none after the operator replaces it: the mock API server drops status on PUT).
   */
  public OperatorHarness withoutReadyWorkloads() {
    if (workloads != null) {
      workloads.close();
      workloads = null;
    }
    return this;
  }

  public KubernetesClient client() {
    return api.client();
  }

  /** Makes the API server refuse the matching requests with this code and message (see EmbeddedApiServer). */
  public void refuse(java.util.function.Predicate<RecordedRequest> which, int code, String reason, String message) {
    api.refuse(which, code, reason, message);
  }

  public ReconcileCounter reconciles() {
    return reconciles;
  }

  public void namespace(String name) {
    client().namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(name).endMetadata().build())
        .createOr(existing -> existing.update());
  }

  /** Applies a sample (its Secrets, then its AuthTiers) in a namespace; returns the AuthTiers. */
  public List<AuthTier> apply(Path file, String namespace) throws AuthTierFiles.InvalidFileException {
    namespace(namespace);
    var contents = AuthTierFiles.read(file);
    contents.secrets().forEach(s -> client().secrets().inNamespace(namespace).resource(s).create());
    var created = new ArrayList<AuthTier>();
    for (var tier : contents.tiers()) {
      created.add(client().resources(AuthTier.class).inNamespace(namespace).resource(tier).create());
    }
    return created;
  }

  /** Installs the Prometheus Operator's CRDs (ServiceMonitor, PrometheusRule), as a cluster that has it would. */
  public void installPrometheusOperator() {
    for (var kind : List.of(PrometheusOperator.SERVICE_MONITOR, PrometheusOperator.PROMETHEUS_RULE)) {
      client().apiextensions().v1().customResourceDefinitions().resource(new CustomResourceDefinitionBuilder()
          .withNewMetadata().withName(kind.getPlural() + "." + kind.getGroup()).endMetadata()
          .withNewSpec()
            .withGroup(kind.getGroup())
            .withScope("Namespaced")
            .withNewNames().withKind(kind.getKind()).withPlural(kind.getPlural()).endNames()
            .addNewVersion().withName("v1").withServed(true).withStorage(true)
              .withNewSchema().withNewOpenAPIV3Schema().withType("object").withXKubernetesPreserveUnknownFields(true)
              .endOpenAPIV3Schema().endSchema()
            .endVersion()
          .endSpec()
          .build()).create();
    }
  }

  public AuthTier create(AuthTier tier) {
    namespace(tier.getMetadata().getNamespace());
    return client().resources(AuthTier.class).resource(tier).create();
  }

  public Resource<AuthTier> tier(String namespace, String name) {
    return client().resources(AuthTier.class).inNamespace(namespace).withName(name);
  }

  /**
   * Edits an AuthTier as kubectl would: on a conflict (the operator wrote status meanwhile), read
   * it again and retry.
   */
  public void update(String namespace, String name, UnaryOperator<AuthTier> change) {
    await().atMost(TIMEOUT).ignoreExceptionsMatching(e -> e instanceof KubernetesClientException k && k.getCode() == 409)
        .until(() -> {
          tier(namespace, name).edit(change);
          return true;
        });
  }

  public Optional<Condition> condition(String namespace, String name, String type) {
    var tier = tier(namespace, name).get();
    if (tier == null || tier.getStatus() == null) {
      return Optional.empty();
    }
    return tier.getStatus().conditions().stream().filter(c -> c.type().equals(type)).findFirst();
  }

  public Condition awaitCondition(String namespace, String name, String type, String status) {
    try {
      await().atMost(TIMEOUT).until(() -> condition(namespace, name, type).map(c -> c.status().equals(status)).orElse(false));
    } catch (ConditionTimeoutException e) {
      throw new AssertionError("AuthTier " + namespace + "/" + name + " did not reach " + type + "=" + status
          + " within " + TIMEOUT + "; what the API server holds:\n" + describe(namespace, name), e);
    }
    return condition(namespace, name, type).orElseThrow();
  }

  /** The tier's status and its Deployment, for failure messages. */
  public String describe(String namespace, String name) {
    var serialization = client().getKubernetesSerialization();
    var tier = tier(namespace, name).get();
    var deployment = client().apps().deployments().inNamespace(namespace).withName(name).get();
    return "AuthTier generation " + (tier == null ? "-" : tier.getMetadata().getGeneration()) + ", status:\n"
        + (tier == null ? "(no AuthTier)" : serialization.asYaml(tier.getStatus()))
        + "Deployment:\n" + (deployment == null ? "(none)" : "generation " + deployment.getMetadata().getGeneration()
            + ", spec.replicas " + deployment.getSpec().getReplicas() + ", status:\n" + serialization.asYaml(deployment.getStatus()));
  }

  public void awaitReady(String namespace, String name) {
    awaitCondition(namespace, name, "Ready", "True");
  }

  /** Every request the API server received since the last call, in order. */
  public List<RecordedRequest> drainRequests() throws InterruptedException {
    var requests = new ArrayList<RecordedRequest>();
    RecordedRequest request;
    while ((request = api.server().takeRequest(10, TimeUnit.MILLISECONDS)) != null) {
      requests.add(request);
    }
    return requests;
  }

  @Override
  public void close() {
    if (workloads != null) {
      workloads.close();
    }
    operator.stop();
    operatorClient.close();
    api.close();
  }
}
