package io.authtier.runtime.login;

import io.authtier.runtime.session.Base64Url;
import java.security.SecureRandom;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The short-lived cookie that ties a login's callback to the browser that started it, so that nobody can
 * finish their own login in someone else's browser (login CSRF). One random value per browser, reused by
 * logins started in parallel tabs; the pending login keeps its hash.
 */
final class BrowserBinding {

    private static final Pattern VALUE = Pattern.compile("[A-Za-z0-9_-]{43}");

    private static final String ATTRIBUTES = "; Secure; HttpOnly; SameSite=Lax";

    private final String name;

    /** @param sessionCookieName the session cookie's name; this cookie is named after it */
    BrowserBinding(String sessionCookieName) {
        this.name = sessionCookieName + "-login";
    }

    String name() {
        return name;
    }

    /** The value of a well-formed binding cookie. */
    Optional<String> read(Optional<String> cookieValue) {
        return cookieValue.filter(value -> VALUE.matcher(value).matches());
    }

    String newValue(SecureRandom random) {
        return Secrets.randomToken(random);
    }

    static String hash(String value) {
        return Base64Url.encode(Secrets.hash("authtier browser binding", value));
    }

    /** Lax whatever the session cookie says: the IdP's redirect back is a cross-site top-level GET. */
    String setCookie(String value) {
        return name + "=" + value + "; Path=/; Max-Age=" + PendingLoginVault.TTL.toSeconds() + ATTRIBUTES;
    }

    /** Ends the cookie once its login is done; same attributes, or a browser may keep the old one ({@code __Host-} needs them too). */
    String clearCookie() {
        return name + "=; Path=/; Max-Age=0" + ATTRIBUTES;
    }
}
