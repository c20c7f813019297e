package io.authtier.operator.api.v1alpha1;

/**
 * JWS algorithms that the runtime may accept. Symmetric (HS*) and {@code none} are not among them.
 * {@code EdDSA} and {@code Ed25519} (RFC 9864) are verified with Ed25519 keys only; Ed448 is not supported.
 */
public enum SigningAlgorithm {
  RS256, RS384, RS512, PS256, PS384, PS512, ES256, ES384, ES512, EdDSA, Ed25519
}
