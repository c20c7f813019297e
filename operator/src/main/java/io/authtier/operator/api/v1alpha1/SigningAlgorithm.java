package io.authtier.operator.api.v1alpha1;

/** JWS algorithms that the runtime may accept. Symmetric (HS*) and {@code none} are not among them. */
public enum SigningAlgorithm {
  RS256, RS384, RS512, PS256, PS384, PS512, ES256, ES384, ES512, EdDSA
}
