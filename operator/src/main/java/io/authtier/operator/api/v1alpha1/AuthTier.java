package io.authtier.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.crdv2.generator.v1.SchemaCustomizer;
import io.fabric8.generator.annotation.Required;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;

/**
 * A managed auth tier: the auth-runtime service that validates tokens and keeps browser sessions for
 * the apps behind an ingress, with its Redis, autoscaling and monitoring.
 */
@Group(AuthTier.GROUP)
@Version(AuthTier.VERSION)
@ShortNames("at")
@AdditionalPrinterColumn(name = "Ready", jsonPath = ".status.conditions[?(@.type==\"Ready\")].status")
@AdditionalPrinterColumn(name = "Redis", jsonPath = ".spec.redis.mode")
@AdditionalPrinterColumn(name = "Replicas", jsonPath = ".status.runtime.replicaSummary")
@AdditionalPrinterColumn(name = "Age", jsonPath = ".metadata.creationTimestamp",
    type = AdditionalPrinterColumn.Type.DATE)
@AdditionalPrinterColumn(name = "Reason", jsonPath = ".status.conditions[?(@.type==\"Ready\")].reason",
    priority = 1)
// The generator takes descriptions from properties only; the root's (kubectl explain authtier) is set here.
@SchemaCustomizer(value = SchemaCustomizer.MergePatchCustomizer.class, input = "{\"description\": \""
    + AuthTier.DESCRIPTION + "\"}")
public class AuthTier extends CustomResource<AuthTierSpec, AuthTierStatus> implements Namespaced {

  public static final String GROUP = "authtier.io";
  public static final String VERSION = "v1alpha1";
  static final String DESCRIPTION = "A managed auth tier: the auth-runtime service that validates tokens and keeps"
      + " browser sessions for the apps behind an ingress, with its Redis, autoscaling and monitoring."
      + " The operator makes and keeps its objects in the AuthTier's namespace and reports in status.";

  @Override
  @Required
  @JsonPropertyDescription("What the auth tier should be: its OIDC issuers, caches, sessions, Redis, runtime pods,"
      + " autoscaling, disruption budget, monitoring and route rules. The operator never writes it.")
  public AuthTierSpec getSpec() {
    return super.getSpec();
  }

  @Override
  @JsonPropertyDescription("What the auth tier is, written by the operator on every change: the conditions (Ready,"
      + " Reconciling, Stalled for kubectl wait, Argo CD and Flux), the runtime's pods and endpoint, and the Redis.")
  public AuthTierStatus getStatus() {
    return super.getStatus();
  }

  @Override
  protected AuthTierSpec initSpec() {
    return null;
  }

  @Override
  protected AuthTierStatus initStatus() {
    return null;
  }
}
