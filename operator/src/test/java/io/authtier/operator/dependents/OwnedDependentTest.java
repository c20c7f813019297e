package io.authtier.operator.dependents;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class OwnedDependentTest {
  private static final io.fabric8.kubernetes.api.model.Service SERVICE = new ServiceBuilder()
      .withNewMetadata().withName("shop-auth").withNamespace("prod").endMetadata().build();

  @Test
  @DisplayName("A failed write's error names the object where the API server did not, and stays the same error")
  void namesTheObject() {
    // Given the API server's refusal of a create, naming no object (as an admission webhook's does)
    var refused = new KubernetesClientException("Failure executing: POST", 403, new StatusBuilder().withCode(403)
        .withReason("Forbidden").withMessage("admission webhook \"x\" denied the request").build());

    // When it passes through the dependent
    var passed = OwnedDependent.naming(SERVICE, refused);

    // Then it is the same error, with code and message, and its details name the Service
    assertThat(passed).isSameAs(refused);
    assertThat(passed.getCode()).isEqualTo(403);
    assertThat(passed.getStatus().getDetails().getKind()).isEqualTo("Service");
    assertThat(passed.getStatus().getDetails().getName()).isEqualTo("shop-auth");
  }

  @Test
  @DisplayName("What the API server said of the object is kept, and an error without a status is passed on as it is")
  void keepsWhatTheApiServerSaid() {
    var conflict = new KubernetesClientException("conflict", 409, new StatusBuilder().withCode(409).withNewDetails()
        .withKind("services").withName("other").endDetails().build());
    var unreachable = new KubernetesClientException("Connection refused");

    assertThat(OwnedDependent.naming(SERVICE, conflict).getStatus().getDetails().getName()).isEqualTo("other");
    assertThat(OwnedDependent.naming(SERVICE, conflict).getStatus().getDetails().getKind()).isEqualTo("services");
    assertThat(OwnedDependent.naming(SERVICE, unreachable)).isSameAs(unreachable);
    assertThat(unreachable.getStatus()).isNull();
  }
}
