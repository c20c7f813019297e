package io.authtier.runtime.token;

/**
 * Why a token was refused. The {@link #code()} is the {@code result} label of
 * {@code authtier_token_validations_total} and appears in logs; nothing here ever carries the token.
 * Clients get a generic message only (see {@code http.Responses}).
 */
public enum Rejection {
    /** Longer than {@code server.maxTokenBytes}. */
    TOO_LARGE("too_large"),
    /** An opaque token that introspection (RFC 7662) calls inactive: revoked, expired, or unknown. */
    INACTIVE("inactive"),
    /** Not three base64url segments, bad base64url, bad or too deeply nested JSON, JWE, JSON serialization. */
    MALFORMED("malformed"),
    /** {@code alg} is none, HMAC, or not among the issuer's {@code allowedAlgorithms}. */
    ALGORITHM_NOT_ALLOWED("algorithm_not_allowed"),
    /** A {@code jwk}, {@code jku}, {@code x5u} or {@code x5c} header: keys come from the issuer's JWKS only. */
    FORBIDDEN_HEADER("forbidden_header"),
    /** A {@code crit} header: no extension is understood. */
    UNKNOWN_CRITICAL_HEADER("unknown_critical_header"),
    /** Not an access token: a {@code typ} other than JWT/at+jwt, a {@code nonce} (ID token), a Keycloak refresh or ID {@code typ} claim. */
    NOT_AN_ACCESS_TOKEN("not_an_access_token"),
    /** {@code iss} missing or not exactly one of the configured issuers. */
    UNKNOWN_ISSUER("unknown_issuer"),
    /** No key in the issuer's JWKS has this {@code kid} and key type. */
    UNKNOWN_KEY("unknown_key"),
    /** The signature does not verify. */
    BAD_SIGNATURE("bad_signature"),
    /** {@code exp}, {@code sub} or {@code aud} missing, or a claim of the wrong type. */
    MISSING_CLAIM("missing_claim"),
    /** {@code exp} is past (beyond the clock skew). */
    EXPIRED("expired"),
    /** {@code nbf} or {@code iat} is in the future beyond the clock skew. */
    NOT_YET_VALID("not_yet_valid"),
    /** {@code aud} names none of the configured audiences. */
    WRONG_AUDIENCE("wrong_audience");

    private final String code;

    Rejection(String code) {
        this.code = code;
    }

    /** A short stable code for metrics and logs. */
    public String code() {
        return code;
    }
}
