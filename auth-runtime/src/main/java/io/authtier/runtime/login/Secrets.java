package io.authtier.runtime.login;

import io.authtier.runtime.session.Base64Url;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;

/** Random values and labelled hashes for the login flow. */
final class Secrets {

    private Secrets() {
    }

    static byte[] randomBytes(SecureRandom random, int length) {
        byte[] bytes = new byte[length];
        random.nextBytes(bytes);
        return bytes;
    }

    /** 256 random bits, base64url: a {@code state}, a {@code nonce}, a browser binding. */
    static String randomToken(SecureRandom random) {
        return Base64Url.encode(randomBytes(random, 32));
    }

    /** SHA-256(label NUL value): one secret yields unrelated values for unrelated uses. */
    static byte[] hash(String label, String value) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(label.getBytes(StandardCharsets.US_ASCII));
            sha.update((byte) 0);
            return sha.digest(value.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    /** Constant-time comparison of two strings. */
    static boolean same(String a, String b) {
        return MessageDigest.isEqual(a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));
    }
}
