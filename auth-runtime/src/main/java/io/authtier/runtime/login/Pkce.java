package io.authtier.runtime.login;

import io.authtier.runtime.session.Base64Url;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;

/**
 * PKCE (RFC 7636) with S256: a verifier of 256 random bits (43 base64url characters) and its challenge,
 * base64url(SHA-256(verifier)). The verifier stays in the encrypted pending login; only the challenge
 * travels through the browser.
 */
record Pkce(String verifier, String challenge) {

    static Pkce create(SecureRandom random) {
        String verifier = Base64Url.encode(Secrets.randomBytes(random, 32));
        return new Pkce(verifier, challengeOf(verifier));
    }

    static String challengeOf(String verifier) {
        try {
            return Base64Url.encode(MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    @Override
    public String toString() {
        return "Pkce[***]";
    }
}
