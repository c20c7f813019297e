package io.authtier.runtime.config;

import java.util.List;
import java.util.Objects;

/**
 * {@code sessions.cookie}. The cookie is always {@code Secure}, {@code HttpOnly}, without {@code Domain}
 * (SECURITY.md); those are not settings.
 *
 * @param name        starts with {@code __Host-}
 * @param sameSite    the {@code SameSite} attribute
 * @param signingKeys keys the cookie is signed with; the first signs, all verify (rotation); required
 *                    when login is on
 */
public record CookieConfig(String name, SameSite sameSite, List<SigningKeyFile> signingKeys) {

    public CookieConfig {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(sameSite, "sameSite");
        signingKeys = List.copyOf(signingKeys);
    }
}
