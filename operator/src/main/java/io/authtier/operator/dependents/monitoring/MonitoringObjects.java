package io.authtier.operator.dependents.monitoring;

import io.authtier.operator.api.v1alpha1.AuthTier;
import io.authtier.operator.dependents.Metadata;
import io.authtier.operator.dependents.Ownership;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;
import java.util.Objects;

/**
 * Keeps a tier's ServiceMonitor and PrometheusRule as desired, where the Prometheus Operator is
 * installed. Not JOSDK dependents: JOSDK 5.2 resolves a dependent's kind through API discovery
 * even while its activation condition is false, which fails on clusters without these CRDs. So they
 * are read and written here on each reconcile (reads only, when nothing changed), and an edit by
 * hand is undone at the tier's next reconcile rather than at once. They follow {@link Ownership} like the
 * dependents: an object of the tier's that lost its owner reference gets it back, another's is not taken.
 */
public final class MonitoringObjects {
  private MonitoringObjects() {}

  public static void reconcile(KubernetesClient client, AuthTier tier) {
    var enabled = tier.getSpec().monitoring().serviceMonitor();
    keep(client, tier, PrometheusOperator.SERVICE_MONITOR, enabled ? RuntimeServiceMonitor.build(tier) : null);
    keep(client, tier, PrometheusOperator.PROMETHEUS_RULE, enabled ? RuntimePrometheusRule.build(tier) : null);
  }

  /**
   * The API server's own message (such as an admission webhook's refusal) rather than the client's, which
   * repeats the URL and the whole Status.
   */
  public static String apiMessage(KubernetesClientException e) {
    var status = e.getStatus();
    if (status != null && status.getMessage() != null && !status.getMessage().isBlank()) {
      return status.getMessage();
    }
    return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
  }

  /**
   * Makes the object of this kind named after the tier be {@code desired}, or gone when it is null. A failure
   * names the object and keeps the API server's code (404: the kind is not there).
   */
  private static void keep(KubernetesClient client, AuthTier tier, ResourceDefinitionContext kind,
      GenericKubernetesResource desired) {
    try {
      write(client, tier, kind, desired);
    } catch (KubernetesClientException e) {
      var name = kind.getKind() + " " + tier.getMetadata().getName();
      throw new KubernetesClientException(name + ": " + apiMessage(e), e.getCode(), null);
    }
  }

  private static void write(KubernetesClient client, AuthTier tier, ResourceDefinitionContext kind,
      GenericKubernetesResource desired) {
    var objects = client.genericKubernetesResources(kind).inNamespace(tier.getMetadata().getNamespace());
    var actual = objects.withName(tier.getMetadata().getName()).get();
    if (desired == null) {
      if (actual != null && Ownership.claimable(actual, tier)) {
        objects.resource(actual).delete();
      }
      return;
    }
    if (actual != null && !Ownership.claimable(actual, tier)) {
      // Someone else's object of that name: taking it over would silently replace their monitoring.
      throw new KubernetesClientException("exists and is not owned by this AuthTier; rename or delete it, or turn "
          + "spec.monitoring off (the operator does not take over objects it did not create)", 409, null);
    }
    Metadata.ownedBy(desired, tier);
    if (actual == null) {
      objects.resource(desired).create();
    } else if (!matches(client, desired, actual, tier)) {
      desired.getMetadata().setResourceVersion(actual.getMetadata().getResourceVersion());
      desired.getMetadata().setOwnerReferences(Ownership.withController(actual, tier));
      keepOthersMetadata(actual, desired);
      objects.resource(desired).update();
    }
  }

  private static boolean matches(KubernetesClient client, GenericKubernetesResource desired,
      GenericKubernetesResource actual, AuthTier tier) {
    // Compared as JSON values, the form the API server returns them in.
    var serialization = client.getKubernetesSerialization();
    var desiredSpec = serialization.convertValue(desired.getAdditionalProperties().get("spec"), Map.class);
    var labels = actual.getMetadata().getLabels() == null ? Map.<String, String>of() : actual.getMetadata().getLabels();
    return Objects.equals(desiredSpec, actual.getAdditionalProperties().get("spec"))
        && labels.entrySet().containsAll(desired.getMetadata().getLabels().entrySet())
        && Objects.equals(addedLabels(desired), addedLabels(actual))
        && Ownership.controlledBy(actual, tier);
  }

  /**
   * Labels and annotations that others put on the object stay; of the labels spec.monitoring.labels added before,
   * those it no longer has come off.
   */
  private static void keepOthersMetadata(GenericKubernetesResource actual, GenericKubernetesResource desired) {
    var labels = new TreeMap<String, String>(actual.getMetadata().getLabels() == null ? Map.of() : actual.getMetadata().getLabels());
    var previouslyAdded = addedLabels(actual);
    if (previouslyAdded != null) {
      Arrays.stream(previouslyAdded.split(",")).forEach(labels::remove);
    }
    labels.putAll(desired.getMetadata().getLabels());
    desired.getMetadata().setLabels(labels);
    var annotations = new TreeMap<String, String>(
        actual.getMetadata().getAnnotations() == null ? Map.of() : actual.getMetadata().getAnnotations());
    annotations.remove(PrometheusOperator.ADDED_LABELS);
    if (desired.getMetadata().getAnnotations() != null) {
      annotations.putAll(desired.getMetadata().getAnnotations());
    }
    desired.getMetadata().setAnnotations(annotations.isEmpty() ? null : annotations);
  }

  private static String addedLabels(GenericKubernetesResource object) {
    var annotations = object.getMetadata().getAnnotations();
    return annotations == null ? null : annotations.get(PrometheusOperator.ADDED_LABELS);
  }
}
