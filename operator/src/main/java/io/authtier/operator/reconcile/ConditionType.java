package io.authtier.operator.reconcile;

/** The condition types of an AuthTier, in the order status lists them. */
public enum ConditionType {
  /** kstatus: the tier is serving and fully reconciled to the current generation. */
  Ready,
  /** kstatus: the operator is still making the world match the spec. */
  Reconciling,
  /** kstatus: the operator cannot make progress without a change (a bad spec, a missing Secret). */
  Stalled,
  /** The runtime Deployment has its minimum of pods available. */
  RuntimeReady,
  /** The Redis answers and, for Cluster, serves every slot with its replicas; True without spec.redis. */
  RedisReady,
  /** The HPA is active, or autoscaling is off. */
  AutoscalingReady,
  /** The ServiceMonitor and PrometheusRule are in place, or monitoring is off. */
  MonitoringAvailable
}
