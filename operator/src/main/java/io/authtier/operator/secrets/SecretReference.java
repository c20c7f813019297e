package io.authtier.operator.secrets;

import io.authtier.operator.api.v1alpha1.SecretKeyRef;

/**
 * A Secret key that the spec names, with the field that names it.
 *
 * @param generated the operator makes this Secret itself (the Redis password when no passwordSecretRef is
 *     given): its absence is not a problem for a person, the workflow creates it
 */
public record SecretReference(String field, SecretKeyRef ref, boolean generated) {

  public SecretReference(String field, SecretKeyRef ref) {
    this(field, ref, false);
  }
}
