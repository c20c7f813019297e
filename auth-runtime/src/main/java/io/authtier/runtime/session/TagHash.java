package io.authtier.runtime.session;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;

/** The tags that group sessions in a store: a hash of two strings, never the strings themselves. */
final class TagHash {

    /** 128 bits of SHA-256, enough to never collide. */
    static final int BYTES = 16;

    // Never updated, only cloned: MessageDigest.getInstance looks the provider up each time, which cost more than the hash.
    private static final MessageDigest SHA_256_PROTOTYPE = newSha256();

    private TagHash() {
    }

    /** The first {@value #BYTES} bytes of SHA-256(first, NUL, second), UTF-8. */
    static byte[] of(String first, String second) {
        MessageDigest sha = sha256();
        sha.update(first.getBytes(StandardCharsets.UTF_8));
        sha.update((byte) 0);
        sha.update(second.getBytes(StandardCharsets.UTF_8));
        return Arrays.copyOf(sha.digest(), BYTES);
    }

    private static MessageDigest sha256() {
        try {
            return (MessageDigest) SHA_256_PROTOTYPE.clone();
        } catch (CloneNotSupportedException e) {
            return newSha256(); // a provider whose digest cannot be cloned
        }
    }

    private static MessageDigest newSha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
