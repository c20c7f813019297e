package io.authtier.runtime.session;

import java.util.Objects;

/**
 * A user as sessions see one: the issuer and its {@code sub}. Its {@link #tag()} groups the user's
 * sessions (one Redis Cluster slot, one index for "log out everywhere").
 *
 * @param issuer  the issuer, exactly as configured
 * @param subject {@code sub}
 */
public record SessionUser(String issuer, String subject) {

    /** Bytes of {@link #tagBytes()}: 128 bits of SHA-256, enough to never collide between users. */
    public static final int TAG_BYTES = TagHash.BYTES;

    public SessionUser {
        Objects.requireNonNull(issuer, "issuer");
        Objects.requireNonNull(subject, "subject");
    }

    /**
     * The first {@value #TAG_BYTES} bytes of SHA-256(issuer, NUL, subject). A hash, not the {@code sub}
     * itself: a {@code sub} may hold {@code {}} (which would break a Redis hash tag) and is personal data.
     */
    public byte[] tagBytes() {
        return TagHash.of(issuer, subject);
    }

    /** {@link #tagBytes()} as base64url without padding (22 characters, never {@code {}}). */
    public String tag() {
        return Base64Url.encode(tagBytes());
    }
}
