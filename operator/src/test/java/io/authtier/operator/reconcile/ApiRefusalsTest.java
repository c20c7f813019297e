package io.authtier.operator.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Status;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.api.model.StatusCauseBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.javaoperatorsdk.operator.AggregatedOperatorException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** API server errors as status tells them: the object, the API server's words, and the fix. */
class ApiRefusalsTest {
  private static final String INVALID_CPU = "Deployment.apps \"shop-auth\" is invalid: "
      + "spec.template.spec.containers[0].resources.requests[cpu]: Invalid value: \"-1\": must be greater than or equal to 0";

  @Test
  @DisplayName("A 422 names the object, gives the API server's message and the AuthTier field to change")
  void invalidNamesTheField() {
    // Given the API server's answer to a Deployment with a negative CPU request, as a real one gives it
    var invalid = error(422, new StatusBuilder().withCode(422).withReason("Invalid").withMessage(INVALID_CPU)
        .withNewDetails().withKind("Deployment").withGroup("apps").withName("shop-auth")
        .withCauses(new StatusCauseBuilder().withReason("FieldValueInvalid")
            .withField("spec.template.spec.containers[0].resources.requests[cpu]")
            .withMessage("Invalid value: \"-1\": must be greater than or equal to 0").build())
        .endDetails().build());

    // When it is told
    var told = ApiRefusals.of(workflowFailed(Map.of("deployment", invalid)));

    // Then it names the Deployment, quotes the API server, and says which field of the AuthTier to change
    assertThat(told).hasValue("The API server refused Deployment shop-auth (422 Invalid): " + INVALID_CPU
        + ". Change spec.runtime.resources in the AuthTier so that Kubernetes accepts it");
  }

  @Test
  @DisplayName("A 403 says to check the admission policy, the quota or the operator's RBAC, as the API server's message shows")
  void forbiddenNamesThePolicy() {
    var webhook = forbidden("admission webhook \"images.policy.example\" denied the request: images must come from registry.example");
    var quota = forbidden("deployments.apps \"shop-auth\" is forbidden: exceeded quota: objects, requested: count/deployments.apps=1,"
        + " used: count/deployments.apps=10, limited: count/deployments.apps=10");
    var rbac = forbidden("deployments.apps \"shop-auth\" is forbidden: User \"system:serviceaccount:authtier-system:authtier-operator\""
        + " cannot update resource \"deployments\" in API group \"apps\" in the namespace \"prod\"");

    assertThat(ApiRefusals.of(webhook)).hasValueSatisfying(m -> assertThat(m)
        .startsWith("The API server refused Deployment shop-auth (403 Forbidden): admission webhook \"images.policy.example\" denied")
        .endsWith(". Check the admission policy that refused it (the webhook or policy named above), or change the AuthTier"
            + " so that the object satisfies it"));
    assertThat(ApiRefusals.of(quota)).hasValueSatisfying(m -> assertThat(m)
        .endsWith(". Raise the namespace's ResourceQuota named above, or ask for less in the AuthTier"));
    assertThat(ApiRefusals.of(rbac)).hasValueSatisfying(m -> assertThat(m)
        .endsWith(". Grant the operator's ServiceAccount that permission (manifests/clusterrole.yaml)"));
  }

  @Test
  @DisplayName("Conflicts, server errors and lost connections are no refusal, and are told by object and message, not as Java")
  void transientErrorsAreReadable() {
    var conflict = error(409, new StatusBuilder().withCode(409).withReason("Conflict").withMessage(
        "Operation cannot be fulfilled on services \"shop-auth\": the object has been modified; please apply your changes"
            + " to the latest version and try again").withNewDetails().withKind("services").withName("shop-auth").endDetails().build());
    var unavailable = error(503, new StatusBuilder().withCode(503).withReason("ServiceUnavailable")
        .withMessage("the server is currently unable to handle the request").build());
    var invalid = error(422, new StatusBuilder().withCode(422).withReason("Invalid").withMessage(INVALID_CPU).build());
    var failed = workflowFailed(Map.of("service", conflict, "config", unavailable));

    assertThat(ApiRefusals.of(failed)).isEmpty();
    assertThat(ApiRefusals.of(new KubernetesClientException("Connection refused"))).isEmpty();
    assertThat(ApiRefusals.describe(failed).split("; (?=[A-Z]|an )")).containsExactlyInAnyOrder(
        "Service shop-auth: Operation cannot be fulfilled on services \"shop-auth\": the object has been modified;"
            + " please apply your changes to the latest version and try again (409 Conflict)",
        "an object: the server is currently unable to handle the request (503 ServiceUnavailable)");
    // A refusal among transient errors still stalls, and names only the refused object
    assertThat(ApiRefusals.of(workflowFailed(Map.of("service", conflict, "deployment", invalid))))
        .hasValueSatisfying(m -> assertThat(m).startsWith("The API server refused Deployment shop-auth (422 Invalid)")
            .doesNotContain("Conflict"));
  }

  @Test
  @DisplayName("A value the API server echoes back from a Secret is left out")
  void secretValuesAreNotShown() {
    var invalid = error(422, new StatusBuilder().withCode(422).withReason("Invalid")
        .withMessage("Secret \"shop-auth-cookie-key\" is invalid: type: Invalid value: \"s3cr\\\"et\": field is immutable")
        .withNewDetails().withKind("Secret").withName("shop-auth-cookie-key").endDetails().build());

    assertThat(ApiRefusals.of(invalid)).hasValueSatisfying(m -> assertThat(m)
        .contains("Secret shop-auth-cookie-key", "type: Invalid value: (not shown): field is immutable")
        .doesNotContain("s3cr"));
  }

  private static KubernetesClientException forbidden(String message) {
    // As OwnedDependent passes it on: the object's kind and name filled in where the API server left them out
    return error(403, new StatusBuilder().withCode(403).withReason("Forbidden").withMessage(message)
        .withNewDetails().withKind("Deployment").withName("shop-auth").endDetails().build());
  }

  private static KubernetesClientException error(int code, Status status) {
    return new KubernetesClientException("Failure executing: POST at: http://127.0.0.1:1/apis/apps/v1/namespaces/prod/deployments."
        + " Message: " + status.getMessage() + ". Received status: " + status + ".", code, status);
  }

  private static AggregatedOperatorException workflowFailed(Map<String, Exception> errors) {
    return new AggregatedOperatorException("Exception(s) during workflow execution.", new LinkedHashMap<>(errors));
  }
}
