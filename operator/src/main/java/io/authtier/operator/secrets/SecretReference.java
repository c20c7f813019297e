package io.authtier.operator.secrets;

import io.authtier.operator.api.v1alpha1.SecretKeyRef;

/** A Secret key that the spec names, with the field that names it. */
public record SecretReference(String field, SecretKeyRef ref) {}
