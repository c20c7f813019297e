package io.authtier.runtime.session;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Arrays;

/**
 * The handle of one session, carried (signed) in the cookie: the user's tag, the session id and the
 * session's own key. The store holds the session under SHA-256 of the id, encrypted with the key; neither
 * the id nor the key is ever stored, so the store alone does not yield a session, and the cookie alone
 * holds no tokens.
 *
 * <p>Immutable; accessors return copies. {@link #toString()} shows nothing secret.
 */
public final class SessionTicket {

    /** Bytes of a session id: 256 bits from a CSPRNG. */
    public static final int ID_BYTES = 32;
    /** Bytes of a session key: AES-256. */
    public static final int KEY_BYTES = 32;

    private final byte[] userTag;
    private final byte[] id;
    private final byte[] key;

    /** Fails with {@link IllegalArgumentException} on wrong lengths. */
    public SessionTicket(byte[] userTag, byte[] id, byte[] key) {
        if (userTag.length != SessionUser.TAG_BYTES || id.length != ID_BYTES || key.length != KEY_BYTES) {
            throw new IllegalArgumentException("a session ticket needs a " + SessionUser.TAG_BYTES + "-byte user tag, a "
                    + ID_BYTES + "-byte id and a " + KEY_BYTES + "-byte key");
        }
        this.userTag = userTag.clone();
        this.id = id.clone();
        this.key = key.clone();
    }

    /** A new ticket for {@code user}: a fresh random id and key (never reused: no session fixation). */
    public static SessionTicket issue(SessionUser user, SecureRandom random) {
        byte[] id = new byte[ID_BYTES];
        byte[] key = new byte[KEY_BYTES];
        random.nextBytes(id);
        random.nextBytes(key);
        return new SessionTicket(user.tagBytes(), id, key);
    }

    public byte[] userTagBytes() {
        return userTag.clone();
    }

    public byte[] id() {
        return id.clone();
    }

    public byte[] key() {
        return key.clone();
    }

    /** Where the store keeps this session: the user's tag and SHA-256 of the id, both base64url. */
    public SessionAddress address() {
        try {
            return new SessionAddress(Base64Url.encode(userTag), Base64Url.encode(MessageDigest.getInstance("SHA-256").digest(id)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    /** Whether this ticket belongs to {@code user}. */
    public boolean isFor(SessionUser user) {
        return MessageDigest.isEqual(userTag, user.tagBytes());
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof SessionTicket that && MessageDigest.isEqual(id, that.id)
                && MessageDigest.isEqual(key, that.key) && MessageDigest.isEqual(userTag, that.userTag);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(id);
    }

    @Override
    public String toString() {
        return "SessionTicket[***]";
    }
}
