package io.authtier.runtime.config;

/**
 * The JWS algorithms an issuer's tokens may be signed with. Asymmetric only: with an HMAC algorithm the
 * verification key would be a shared secret, and accepting HS* next to RS* is the classic algorithm
 * confusion attack (SECURITY.md, bearer tokens 2). Constant names are the JOSE {@code alg} values.
 * {@code EdDSA} (RFC 8037) and {@code Ed25519} (its fully specified name, RFC 9864) are verified with
 * Ed25519 keys only, through the JDK; Ed448 keys are not supported.
 */
public enum SignatureAlgorithm {
    RS256, RS384, RS512,
    PS256, PS384, PS512,
    ES256, ES384, ES512,
    EdDSA, Ed25519;

    /**
     * Reads an {@code alg} value as written in the file.
     *
     * @throws IllegalArgumentException that names the accepted values; {@code HS*} and {@code none} get a
     *                                  message saying why they are refused
     */
    static SignatureAlgorithm parse(String text) {
        if (text.regionMatches(true, 0, "HS", 0, 2) || text.equalsIgnoreCase("none")) {
            throw new IllegalArgumentException(("'%s' is refused: only asymmetric algorithms are allowed, "
                    + "so that a token cannot be signed with a shared secret; use %s").formatted(text, ConfigEnums.names(SignatureAlgorithm.class)));
        }
        return ConfigEnums.parse(SignatureAlgorithm.class, text);
    }
}
