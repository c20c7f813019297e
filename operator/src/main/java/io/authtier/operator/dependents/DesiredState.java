package io.authtier.operator.dependents;

import io.authtier.operator.api.v1alpha1.AuthTier;
import io.authtier.operator.dependents.autoscaling.RuntimeAutoscalerDependent;
import io.authtier.operator.dependents.autoscaling.RuntimePodDisruptionBudgetDependent;
import io.authtier.operator.dependents.monitoring.RuntimePrometheusRule;
import io.authtier.operator.dependents.monitoring.RuntimeServiceMonitor;
import io.authtier.operator.dependents.runtime.CookieKeySecretDependent;
import io.authtier.operator.dependents.runtime.RuntimeConfigMapDependent;
import io.authtier.operator.dependents.runtime.RuntimeDeploymentDependent;
import io.authtier.operator.dependents.runtime.RuntimeServiceAccountDependent;
import io.authtier.operator.dependents.runtime.RuntimeMetricsServiceDependent;
import io.authtier.operator.dependents.runtime.RuntimeServiceDependent;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.authtier.operator.dependents.redis.RedisAclSecretDependent;
import io.authtier.operator.dependents.redis.RedisConditions;
import io.authtier.operator.dependents.redis.RedisConfigMapDependent;
import io.authtier.operator.dependents.redis.RedisHeadlessServiceDependent;
import io.authtier.operator.dependents.redis.RedisNetworkPolicyDependent;
import io.authtier.operator.dependents.redis.RedisPasswordSecretDependent;
import io.authtier.operator.dependents.redis.RedisPodDisruptionBudgetDependent;
import io.authtier.operator.dependents.redis.RedisServiceDependent;
import io.authtier.operator.dependents.redis.RedisStatefulSetDependent;
import java.util.ArrayList;
import java.util.Optional;
import java.util.List;

/**
 * Every object the operator keeps for an AuthTier, as a pure function of the AuthTier and the digest
 * of the Secrets it references. The dependents of the reconciler's workflow call the same builders
 * one object each; {@code render} calls this. Order: the order in which they are applied.
 */
public final class DesiredState {
  private DesiredState() {}

  /** Where manifests/ installs the operator: what {@code render} assumes unless told otherwise. */
  public static final String DEFAULT_OPERATOR_NAMESPACE = "authtier-system";

  public static List<HasMetadata> of(AuthTier tier, String secretsDigest) {
    return of(tier, secretsDigest, Optional.of(DEFAULT_OPERATOR_NAMESPACE));
  }

  /** @param operatorNamespace where the operator's pods run (the Redis NetworkPolicy admits them); empty: any */
  public static List<HasMetadata> of(AuthTier tier, String secretsDigest, Optional<String> operatorNamespace) {
    var objects = new ArrayList<HasMetadata>();
    objects.add(RuntimeServiceAccountDependent.build(tier));
    objects.add(RuntimeConfigMapDependent.build(tier));
    objects.add(RuntimeServiceDependent.build(tier));
    objects.add(RuntimeMetricsServiceDependent.build(tier));
    objects.add(RuntimeDeploymentDependent.build(tier, secretsDigest));
    objects.add(RuntimePodDisruptionBudgetDependent.build(tier));
    if (CookieKeySecretDependent.needed(tier)) {
      objects.add(CookieKeySecretDependent.build(tier)); // without data, like the Redis password below
    }
    if (RedisConditions.managed(tier)) {
      // Secrets without data: the password is generated in the cluster, and the ACL Secret is derived from it.
      if (RedisConditions.passwordGenerated(tier)) {
        objects.add(RedisPasswordSecretDependent.build(tier));
      }
      objects.add(RedisAclSecretDependent.build(tier, Optional.empty()));
      objects.add(RedisConfigMapDependent.build(tier));
      objects.add(RedisServiceDependent.build(tier));
      if (RedisConditions.cluster(tier)) {
        objects.add(RedisHeadlessServiceDependent.build(tier));
      }
      objects.add(RedisNetworkPolicyDependent.build(tier, operatorNamespace));
      objects.add(RedisStatefulSetDependent.build(tier, ""));
      if (RedisConditions.cluster(tier)) {
        objects.add(RedisPodDisruptionBudgetDependent.build(tier));
      }
    }
    if (tier.getSpec().autoscaling().enabled()) {
      objects.add(RuntimeAutoscalerDependent.build(tier));
    }
    // Applied only where the Prometheus Operator's CRDs exist; render shows what would be applied there.
    if (tier.getSpec().monitoring().serviceMonitor()) {
      objects.add(RuntimeServiceMonitor.build(tier));
      objects.add(RuntimePrometheusRule.build(tier));
    }
    return List.copyOf(objects);
  }
}
