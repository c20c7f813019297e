package io.authtier.runtime.login;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * A login between {@code /oauth2/start} and {@code /oauth2/callback}: what the callback must check and
 * where the browser goes afterwards. Kept encrypted in {@link PendingLogins} under its {@code state}.
 *
 * @param codeVerifier the PKCE verifier
 * @param nonce        the {@code nonce} the ID token must carry
 * @param returnTo     where the browser goes after the login, already checked against the allowed domains
 * @param bindingHash  base64url SHA-256 of the browser-binding cookie: the callback must come from the
 *                     browser that started the login (no login CSRF)
 * @param redirectUri  the {@code redirect_uri} sent to the IdP, sent again with the code
 * @param startedAt    when the login started
 * @param reauthenticate the login asked the IdP to authenticate the user anew ({@code prompt=login}, {@code max_age=0}):
 *                     the ID token must say the user authenticated since {@code startedAt}
 */
record PendingLogin(String codeVerifier, String nonce, String returnTo, String bindingHash, String redirectUri, Instant startedAt,
        boolean reauthenticate) {

    private static final ObjectMapper JSON = new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    PendingLogin {
        Objects.requireNonNull(codeVerifier, "codeVerifier");
        Objects.requireNonNull(nonce, "nonce");
        Objects.requireNonNull(returnTo, "returnTo");
        Objects.requireNonNull(bindingHash, "bindingHash");
        Objects.requireNonNull(redirectUri, "redirectUri");
        Objects.requireNonNull(startedAt, "startedAt");
    }

    /** {@code a} is absent from a login started before it existed: false, as such a login did not ask. */
    private record Stored(String v, String n, String r, String b, String u, long t, boolean a) {
    }

    byte[] encode() {
        try {
            return JSON.writeValueAsBytes(new Stored(codeVerifier, nonce, returnTo, bindingHash, redirectUri, startedAt.toEpochMilli(),
                    reauthenticate));
        } catch (IOException e) {
            throw new IllegalStateException("cannot serialise a pending login: " + e.getClass().getSimpleName());
        }
    }

    static Optional<PendingLogin> decode(byte[] bytes) {
        try {
            Stored s = JSON.readValue(bytes, Stored.class);
            return Optional.of(new PendingLogin(s.v(), s.n(), s.r(), s.b(), s.u(), Instant.ofEpochMilli(s.t()), s.a()));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    @Override
    public String toString() {
        return "PendingLogin[returnTo=" + returnTo + ", startedAt=" + startedAt + "]";
    }
}
