package io.authtier.operator.api.v1alpha1;

/** Session store kinds. */
public enum SessionStore {
  /** Shared by all replicas; survives restarts. */
  Redis,
  /** In one process; for development, one replica only. */
  Memory
}
