package io.authtier.operator.api.v1alpha1;

/** Who runs Redis, and how. */
public enum RedisMode {
  /** One Redis run by the operator. */
  Standalone,
  /** A Redis Cluster run by the operator. */
  Cluster,
  /** A Redis that you run; the operator only points the runtime at it. */
  External
}
