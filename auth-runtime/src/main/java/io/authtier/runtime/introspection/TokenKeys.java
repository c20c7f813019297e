package io.authtier.runtime.introspection;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;

/**
 * Cache keys for opaque tokens: {@code <issuer name>:<base64url SHA-256 of the token>}, so that neither
 * the cache nor Redis ever holds the raw token (ARCHITECTURE.md, contract 4).
 */
public final class TokenKeys {

    private static final Base64.Encoder BASE64URL = Base64.getUrlEncoder().withoutPadding();

    private TokenKeys() {
    }

    /** The cache key of {@code token} for the issuer called {@code issuerName}. */
    public static String key(String issuerName, String token) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
            return issuerName + ":" + BASE64URL.encodeToString(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }
}
