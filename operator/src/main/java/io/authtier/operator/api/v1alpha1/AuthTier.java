package io.authtier.operator.api.v1alpha1;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
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
public class AuthTier extends CustomResource<AuthTierSpec, AuthTierStatus> implements Namespaced {

  public static final String GROUP = "authtier.io";
  public static final String VERSION = "v1alpha1";

  @Override
  protected AuthTierSpec initSpec() {
    return null;
  }

  @Override
  protected AuthTierStatus initStatus() {
    return null;
  }
}
