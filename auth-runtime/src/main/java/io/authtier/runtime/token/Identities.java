package io.authtier.runtime.token;

import java.util.Map;
import java.util.Optional;

/**
 * Which identity claims may speak for a caller upstream, in the {@code X-Auth-Request-*} headers: one rule
 * for JWTs, introspected tokens and browser sessions alike.
 */
public final class Identities {

    private Identities() {
    }

    /**
     * Whether {@code value} reaches the upstream as it is: not empty, printable ASCII only (a header carries
     * nothing else unmangled), and no space at either end (header parsers trim it, so {@code " admins"} would
     * arrive as {@code admins}, a name the runtime never checked).
     */
    public static boolean passable(String value) {
        if (value.isEmpty() || value.charAt(0) == ' ' || value.charAt(value.length() - 1) == ' ') {
            return false;
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < 0x20 || c > 0x7E) {
                return false;
            }
        }
        return true;
    }

    /**
     * {@code email}, unless {@code email_verified} says false (JSON false, or the text "false" as some IdPs
     * send it): an address that a user typed in and the IdP never confirmed must not name an account upstream.
     * Without {@code email_verified} the address is taken as the IdP issued it, as oauth2-proxy does.
     */
    public static Optional<String> verifiedEmail(Map<String, ?> claims) {
        Object verified = claims.get("email_verified");
        if (Boolean.FALSE.equals(verified) || verified instanceof String text && text.equalsIgnoreCase("false")) {
            return Optional.empty();
        }
        return claims.get("email") instanceof String email && !email.isEmpty() ? Optional.of(email) : Optional.empty();
    }
}
