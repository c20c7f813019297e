package io.authtier.runtime.session;

/** What {@link SessionCookie#read} made of a cookie value. */
public sealed interface CookieCheck {

    /**
     * A cookie signed by one of the configured keys.
     *
     * @param ticket           the session's handle
     * @param keyId            the id of the key that signed it
     * @param signedWithFirstKey false if an older key signed it: re-issue the cookie to move it to the current key
     */
    record Valid(SessionTicket ticket, String keyId, boolean signedWithFirstKey) implements CookieCheck {
    }

    /** Refused; {@link Reason} is for metrics and logs (it holds nothing from the cookie). */
    record Rejected(Reason reason) implements CookieCheck {
    }

    /** Why a cookie was refused. */
    enum Reason {
        /** Not base64url, wrong length or layout, unknown version. */
        MALFORMED,
        /** Signed with a key id that is not configured (anymore). */
        UNKNOWN_KEY,
        /** The signature does not match: tampered with, or forged. */
        BAD_SIGNATURE
    }
}
