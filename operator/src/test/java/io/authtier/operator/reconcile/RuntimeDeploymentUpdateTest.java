package io.authtier.operator.reconcile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.authtier.operator.api.v1alpha1.IssuerSpec;
import io.authtier.operator.api.v1alpha1.RuntimeSpec;
import io.authtier.operator.dependents.runtime.RuntimeDeploymentDependent;
import io.authtier.operator.support.OperatorHarness;
import io.authtier.operator.support.Repo;
import io.authtier.operator.support.Tiers;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Fields of the runtime Deployment that others write: the HPA's replica count and the API server's
 * {@code serviceAccount} alias. Updates are whole-object PUTs (no server-side apply), so what the
 * desired object leaves out is lost, and what it leaves out that the server adds back is a difference.
 */
class RuntimeDeploymentUpdateTest {
  private static final String DEPLOYMENT_PATH = "/apis/apps/v1/namespaces/prod/deployments/shop-auth";

  private OperatorHarness harness;
  private int editsByTest;

  @BeforeEach
  void start() throws Exception {
    harness = OperatorHarness.start().withReadyWorkloads();
    // production.yaml autoscales from 3 to 30 pods
    harness.apply(Repo.sample("production.yaml"), "prod");
    harness.awaitReady("prod", "shop-auth");
  }

  @AfterEach
  void stop() {
    harness.close();
  }

  @Test
  @DisplayName("With autoscaling, the HPA's replica count survives a configuration change and is not fought over")
  void hpaReplicasSurviveUpdates() throws Exception {
    // Given the HPA has scaled the Deployment to 7 pods
    harness.drainRequests();
    editDeployment(d -> {
      d.getSpec().setReplicas(7);
      return d;
    });
    reconcileAfterSettling();

    // Then the operator leaves the Deployment alone
    assertThat(operatorWrites(harness.drainRequests())).isEmpty();

    // When an issuer's audience changes, which rewrites the Deployment's pod template
    var hashBefore = configHash();
    harness.update("prod", "shop-auth", t -> {
      var issuers = new ArrayList<>(t.getSpec().issuers());
      var first = issuers.getFirst();
      issuers.set(0, new IssuerSpec(first.name(), first.issuerUrl(), List.of("shop-api", "shop-admin"),
          first.allowedAlgorithms(), first.clockSkew(), first.introspection()));
      t.setSpec(Tiers.withIssuers(t.getSpec(), issuers));
      return t;
    });
    await().atMost(OperatorHarness.TIMEOUT).until(() -> !configHash().equals(hashBefore));

    // Then the update kept the 7 pods rather than dropping the count (which an API server defaults to 1)
    assertThat(deployment().getSpec().getReplicas()).isEqualTo(7);
    harness.awaitReady("prod", "shop-auth");
    assertThat(harness.tier("prod", "shop-auth").get().getStatus().runtime().replicas()).isEqualTo(7);
  }

  @Test
  @DisplayName("A Deployment as a real API server returns it (defaults and the serviceAccount alias filled in) is not updated again")
  void serverDefaultsAreNoDifference() throws Exception {
    // Given a tier that pulls its image Always, a value the API server also gives restartPolicy
    harness.update("prod", "shop-auth", t -> {
      var r = t.getSpec().runtime();
      t.setSpec(Tiers.withRuntime(t.getSpec(), new RuntimeSpec(r.image(), RuntimeSpec.PullPolicy.Always, r.replicas(),
          r.resources(), r.trustedProxies(), r.maxTokenBytes())));
      return t;
    });
    await().atMost(OperatorHarness.TIMEOUT).until(() -> "Always".equals(
        deployment().getSpec().getTemplate().getSpec().getContainers().getFirst().getImagePullPolicy()));

    // And the Deployment as a real API server returns it: defaults filled in, serviceAccount copied from
    // serviceAccountName. A value equal to one elsewhere is a JSON-patch copy, which the matcher does not ignore.
    harness.drainRequests();
    editDeployment(d -> {
      d.getSpec().setProgressDeadlineSeconds(600);
      var pod = d.getSpec().getTemplate().getSpec();
      pod.setServiceAccount(pod.getServiceAccountName());
      pod.setRestartPolicy("Always");
      pod.setDnsPolicy("ClusterFirst");
      pod.setSchedulerName("default-scheduler");
      var container = pod.getContainers().getFirst();
      container.setTerminationMessagePath("/dev/termination-log");
      container.setTerminationMessagePolicy("File");
      return d;
    });

    // When the tier is reconciled again
    reconcileAfterSettling();

    // Then the operator wrote nothing to the Deployment
    assertThat(operatorWrites(harness.drainRequests())).isEmpty();
    assertThat(deployment().getSpec().getTemplate().getSpec().getServiceAccount()).isEqualTo("shop-auth");
  }

  /**
   * The test's own edit, a PATCH, once the fake workload controller has reported the Deployment (its status
   * writes would conflict), retried on a conflict all the same.
   */
  private void editDeployment(UnaryOperator<Deployment> change) {
    awaitSettled();
    await().atMost(OperatorHarness.TIMEOUT)
        .ignoreExceptionsMatching(e -> e instanceof KubernetesClientException k && k.getCode() == 409)
        .until(() -> {
          editsByTest++;
          harness.client().apps().deployments().inNamespace("prod").withName("shop-auth").edit(change);
          return true;
        });
  }

  private void awaitSettled() {
    await().atMost(OperatorHarness.TIMEOUT).until(() -> {
      var d = deployment();
      return d.getStatus() != null && d.getMetadata().getGeneration().equals(d.getStatus().getObservedGeneration());
    });
  }

  /**
   * Waits until the fake workload controller has reported the edited Deployment, then makes one more reconcile
   * happen (a change to a key of a referenced Secret that the tier does not use) and waits for it.
   */
  private void reconcileAfterSettling() {
    awaitSettled();
    var reconciled = harness.reconciles().finished("prod", "shop-auth");
    harness.client().secrets().inNamespace("prod").withName("shop-redis")
        .edit(s -> new SecretBuilder(s).addToData("unused-" + editsByTest, "dW51c2Vk").build());
    await().atMost(OperatorHarness.TIMEOUT).until(() -> harness.reconciles().finished("prod", "shop-auth") > reconciled);
  }

  /** PUTs and PATCHes of the Deployment itself (not its status), less the test's own edits (every attempt). */
  private List<String> operatorWrites(List<RecordedRequest> requests) {
    var writes = new ArrayList<>(requests.stream()
        .filter(r -> r.getPath().equals(DEPLOYMENT_PATH))
        .filter(r -> r.getMethod().equals("PUT") || r.getMethod().equals("PATCH"))
        .map(r -> r.getMethod() + " " + r.getPath())
        .toList());
    for (int i = 0; i < editsByTest; i++) {
      writes.remove("PATCH " + DEPLOYMENT_PATH);
    }
    return writes;
  }

  private Deployment deployment() {
    return harness.client().apps().deployments().inNamespace("prod").withName("shop-auth").get();
  }

  private String configHash() {
    return deployment().getSpec().getTemplate().getMetadata().getAnnotations().get(RuntimeDeploymentDependent.CONFIG_HASH);
  }
}
