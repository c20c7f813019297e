package io.authtier.operator.secrets;

import io.authtier.operator.api.v1alpha1.SecretKeyRef;

/**
 * A Secret key that the spec names, with the field that names it.
 *
 * @param generated the operator makes this Secret itself (the Redis password when no passwordSecretRef is
 *     given): its absence is not a problem for a person, the workflow creates it
 * @param minBytes the fewest bytes the runtime accepts in the mounted file (it refuses empty secret files,
 *     and cookie signing keys under 32 bytes)
 */
public record SecretReference(String field, SecretKeyRef ref, boolean generated, int minBytes) {

  /** The runtime's minimum for a cookie signing key. */
  public static final int MIN_SIGNING_KEY_BYTES = 32;

  public SecretReference(String field, SecretKeyRef ref) {
    this(field, ref, false, 1);
  }
}
