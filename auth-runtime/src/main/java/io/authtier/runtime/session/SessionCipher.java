package io.authtier.runtime.session;

import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Objects;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * AES-256-GCM for stored sessions (and, keyed per entry, for L2 token cache values). Each {@link #seal} draws a fresh random 96-bit nonce; the additional
 * authenticated data is the session id, so a value copied under another session's id does not open.
 *
 * <p>Sealed form: {@code version (1 byte, 1) | nonce (12) | ciphertext | tag (16)}. A nonce is random
 * per write under a key that belongs to one session: the number of writes per key (one per minute at
 * most, plus refreshes) stays far below the 2^32 at which random GCM nonces become a concern.
 */
public final class SessionCipher {

    private static final byte VERSION = 1;
    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;
    private static final int OVERHEAD = 1 + NONCE_BYTES + TAG_BITS / 8;

    private final SecureRandom random;
    /** A Cipher is not thread-safe, and getting one costs as much as a small decryption: one per thread, reused. */
    private final ThreadLocal<Cipher> ciphers = ThreadLocal.withInitial(SessionCipher::newCipher);

    public SessionCipher(SecureRandom random) {
        this.random = Objects.requireNonNull(random, "random");
    }

    /** {@code plaintext} encrypted under {@code key} (32 bytes), bound to {@code sessionId}. */
    public byte[] seal(byte[] key, byte[] sessionId, byte[] plaintext) {
        return seal(key, sessionId, plaintext, plaintext.length);
    }

    /** As {@link #seal(byte[], byte[], byte[])}, for the first {@code length} bytes of {@code plaintext}. */
    public byte[] seal(byte[] key, byte[] sessionId, byte[] plaintext, int length) {
        byte[] nonce = new byte[NONCE_BYTES];
        random.nextBytes(nonce);
        try {
            Cipher cipher = ciphers.get();
            cipher.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "AES"), new GCMParameterSpec(TAG_BITS, nonce));
            cipher.updateAAD(sessionId);
            byte[] sealed = new byte[1 + NONCE_BYTES + cipher.getOutputSize(length)];
            sealed[0] = VERSION;
            System.arraycopy(nonce, 0, sealed, 1, NONCE_BYTES);
            cipher.doFinal(plaintext, 0, length, sealed, 1 + NONCE_BYTES);
            return sealed;
        } catch (GeneralSecurityException e) {
            // A bad key length or a JVM without AES-GCM: a programming or platform error, never data.
            throw new IllegalStateException("AES-GCM encryption failed: " + e.getClass().getSimpleName());
        }
    }

    /** The plaintext, or {@link Opened.Failed} if {@code sealed} was not sealed under this key and id. */
    public Opened open(byte[] key, byte[] sessionId, byte[] sealed) {
        if (sealed.length < OVERHEAD || sealed[0] != VERSION || key.length != SessionTicket.KEY_BYTES) {
            return new Opened.Failed();
        }
        try {
            Cipher cipher = ciphers.get();
            cipher.init(Cipher.DECRYPT_MODE, new SecretKeySpec(key, "AES"), new GCMParameterSpec(TAG_BITS, sealed, 1, NONCE_BYTES));
            cipher.updateAAD(sessionId);
            return new Opened.Plain(cipher.doFinal(sealed, 1 + NONCE_BYTES, sealed.length - 1 - NONCE_BYTES));
        } catch (GeneralSecurityException e) {
            return new Opened.Failed();
        }
    }

    private static Cipher newCipher() {
        try {
            return Cipher.getInstance("AES/GCM/NoPadding");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is missing from this JVM: " + e.getClass().getSimpleName());
        }
    }

    /** The outcome of {@link #open}. */
    public sealed interface Opened {

        /** The decrypted bytes. */
        record Plain(byte[] bytes) implements Opened {
        }

        /** Wrong key, wrong session id, tampered or truncated: which one is deliberately not said. */
        record Failed() implements Opened {
        }
    }
}
