package io.authtier.operator.reconcile;

import io.authtier.operator.api.v1alpha1.AuthTier;
import java.util.Map;
import java.util.TreeMap;

/** The labels of the runtime's objects; the selector is the stable subset of them. */
public record Labels(String instance, String component) {

  public static final String NAME = "app.kubernetes.io/name";
  public static final String INSTANCE = "app.kubernetes.io/instance";
  public static final String COMPONENT = "app.kubernetes.io/component";
  public static final String PART_OF = "app.kubernetes.io/part-of";
  public static final String MANAGED_BY = "app.kubernetes.io/managed-by";
  /** The operator's informers only cache objects that carry this. */
  public static final String MANAGED_BY_SELECTOR = MANAGED_BY + "=" + Names.OPERATOR;

  public static Labels runtime(AuthTier tier) {
    return new Labels(tier.getMetadata().getName(), "runtime");
  }

  /** The management Service's own labels (its selector is the runtime's): what the ServiceMonitor selects. */
  public static Labels metrics(AuthTier tier) {
    return new Labels(tier.getMetadata().getName(), "metrics");
  }

  public static Labels redis(AuthTier tier) {
    return new Labels(tier.getMetadata().getName(), "redis");
  }

  /** Labels that never change over the tier's life: a Deployment's selector is immutable. */
  public Map<String, String> selector() {
    return new TreeMap<>(Map.of(NAME, "authtier", INSTANCE, instance, COMPONENT, component));
  }

  public Map<String, String> all() {
    var labels = selector();
    labels.put(PART_OF, "authtier");
    labels.put(MANAGED_BY, Names.OPERATOR);
    return labels;
  }
}
