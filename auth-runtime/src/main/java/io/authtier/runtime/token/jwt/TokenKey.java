package io.authtier.runtime.token.jwt;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * The cache key of a token: its SHA-256, never the token itself (ARCHITECTURE.md, contract 4).
 */
record TokenKey(long a, long b, long c, long d) {

    private static final ThreadLocal<MessageDigest> SHA_256 = ThreadLocal.withInitial(() -> {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    });

    static TokenKey of(String token) {
        MessageDigest digest = SHA_256.get();
        ByteBuffer hash = ByteBuffer.wrap(digest.digest(token.getBytes(StandardCharsets.UTF_8)));
        return new TokenKey(hash.getLong(), hash.getLong(), hash.getLong(), hash.getLong());
    }

    @Override
    public String toString() {
        return "TokenKey[sha256]"; // even a hash stays out of logs
    }
}
