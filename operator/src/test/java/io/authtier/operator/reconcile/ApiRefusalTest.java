package io.authtier.operator.reconcile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.authtier.operator.support.OperatorHarness;
import io.authtier.operator.support.Repo;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Objects that the API server refuses for good (422 Invalid, 403 Forbidden): Stalled, said plainly, still retried. */
class ApiRefusalTest {
  private static final String DEPLOYMENTS = "/apis/apps/v1/namespaces/prod/deployments";

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
  @DisplayName("A Deployment refused as Invalid stalls the tier with the object, the API server's words and the field; it recovers by retrying")
  void invalidDeploymentStalls() throws Exception {
    // Given an API server that refuses the runtime's Deployment as Invalid, for now
    var refusing = new AtomicBoolean(true);
    var invalid = "Deployment.apps \"shop-auth\" is invalid: spec.template.spec.containers[0].resources.requests[cpu]:"
        + " Invalid value: \"-1\": must be greater than or equal to 0";
    harness.refuse(r -> refusing.get() && r.getMethod().equals("POST") && r.getPath().startsWith(DEPLOYMENTS),
        422, "Invalid", invalid);

    // When a tier is created
    harness.apply(Repo.sample("production.yaml"), "prod");

    // Then it is Stalled as Rejected, saying which object, what the API server said and what to change
    var stalled = harness.awaitCondition("prod", "shop-auth", "Stalled", "True");
    assertThat(stalled.reason()).isEqualTo("Rejected");
    assertThat(stalled.message()).isEqualTo("The API server refused Deployment shop-auth (422 Invalid): " + invalid
        + ". Change spec.runtime.resources in the AuthTier so that Kubernetes accepts it");
    assertThat(conditions()).contains("Ready=False/Rejected", "Reconciling=False/Stalled");
    await().atMost(OperatorHarness.TIMEOUT).untilAsserted(() -> assertThat(events()).anySatisfy(e -> {
      assertThat(e.getType()).isEqualTo("Warning");
      assertThat(e.getReason()).isEqualTo("Rejected");
      assertThat(e.getMessage()).isEqualTo(stalled.message());
    }));

    // When the API server accepts it again (a webhook fixed), with nobody touching the AuthTier
    refusing.set(false);

    // Then a retry creates it and the tier becomes Ready
    harness.awaitReady("prod", "shop-auth");
    assertThat(events()).extracting(Event::getReason).contains("Recovered");
  }

  @Test
  @DisplayName("A Deployment update refused by an admission webhook stalls a Ready tier, pointing at the admission policy")
  void webhookRefusalStalls() throws Exception {
    // Given a Ready tier, and an admission webhook that from now on refuses updates of its Deployment
    harness.apply(Repo.sample("production.yaml"), "prod");
    harness.awaitReady("prod", "shop-auth");
    var denial = "admission webhook \"images.policy.example\" denied the request: images must come from registry.example";
    harness.refuse(r -> r.getMethod().equals("PUT") && r.getPath().startsWith(DEPLOYMENTS + "/shop-auth")
        && !r.getPath().endsWith("/status"), 403, "Forbidden", denial);

    // When a referenced Secret is rotated, which rolls the Deployment
    harness.client().secrets().inNamespace("prod").withName("shop-redis")
        .edit(s -> new SecretBuilder(s).withData(Map.of("password", java.util.Base64.getEncoder()
            .encodeToString("rotated-password-value".getBytes()))).build());

    // Then the tier is Stalled as Rejected, neither Ready nor Reconciling, and the message names the webhook and the fix
    var stalled = harness.awaitCondition("prod", "shop-auth", "Stalled", "True");
    assertThat(stalled.reason()).isEqualTo("Rejected");
    assertThat(stalled.message()).startsWith("The API server refused Deployment shop-auth (403 Forbidden): " + denial + ". ")
        .contains("Check the admission policy that refused it")
        .doesNotContain("Exception", "http://", "rotated-password-value");
    assertThat(conditions()).contains("Ready=False/Rejected", "Reconciling=False/Stalled");
  }

  private List<String> conditions() {
    return harness.tier("prod", "shop-auth").get().getStatus().conditions().stream()
        .map(c -> c.type() + "=" + c.status() + "/" + c.reason()).toList();
  }

  private List<Event> events() {
    return harness.client().v1().events().inNamespace("prod").list().getItems().stream()
        .filter(e -> "shop-auth".equals(e.getInvolvedObject().getName()))
        .toList();
  }
}
