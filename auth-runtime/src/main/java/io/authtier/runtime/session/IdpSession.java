package io.authtier.runtime.session;

import java.util.Objects;

/**
 * A session at the identity provider: the issuer and the ID token's {@code sid}. Its {@link #tag()} indexes
 * the sessions created under it, so that an OIDC back-channel logout (issuer + {@code sid}) ends them all
 * ({@link SessionStore#deleteAllForIdpSession}).
 *
 * @param issuer the issuer, exactly as configured
 * @param sid    the ID token's {@code sid}
 */
public record IdpSession(String issuer, String sid) {

    public IdpSession {
        Objects.requireNonNull(issuer, "issuer");
        Objects.requireNonNull(sid, "sid");
    }

    /**
     * The first 16 bytes of SHA-256(issuer, NUL, sid) as base64url without padding (22 characters, never
     * {@code {}}): a hash, because a {@code sid} may hold anything and names a person's login.
     */
    public String tag() {
        return Base64Url.encode(TagHash.of(issuer, sid));
    }

    /** {@code new IdpSession(issuer, sid).tag()}. */
    public static String idpSessionTag(String issuer, String sid) {
        return new IdpSession(issuer, sid).tag();
    }
}
