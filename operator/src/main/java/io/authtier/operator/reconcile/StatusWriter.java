package io.authtier.operator.reconcile;

import io.authtier.operator.api.v1alpha1.AuthTier;
import io.authtier.operator.api.v1alpha1.AuthTierStatus;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.util.List;
import java.util.Map;

/**
 * Writes a whole status in one JSON Patch operation, {@code add /status}, which sets or replaces it.
 * The stored status is then always one computation's result: a diff against a cached copy (what a
 * generated JSON patch would send) blends two computations when the cache lags, and a JSON merge
 * patch leaves list handling to the server (fabric8's mock appends to lists where RFC 7386 replaces).
 */
final class StatusWriter {
  private StatusWriter() {}

  static void write(KubernetesClient client, AuthTier tier, AuthTierStatus status) {
    var serialization = client.getKubernetesSerialization();
    var patch = serialization.asJson(List.of(Map.of("op", "add", "path", "/status", "value", status)));
    client.resources(AuthTier.class)
        .inNamespace(tier.getMetadata().getNamespace())
        .withName(tier.getMetadata().getName())
        .subresource("status")
        .patch(PatchContext.of(PatchType.JSON), patch);
  }
}
