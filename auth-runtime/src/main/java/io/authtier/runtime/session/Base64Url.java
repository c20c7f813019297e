package io.authtier.runtime.session;

import java.util.Base64;

/** base64url without padding, the one text form of bytes in sessions and logins. */
public final class Base64Url {

    private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder DECODER = Base64.getUrlDecoder();

    private Base64Url() {
    }

    public static String encode(byte[] bytes) {
        return ENCODER.encodeToString(bytes);
    }

    /** The bytes, or null if {@code text} is not base64url. */
    public static byte[] decodeOrNull(String text) {
        try {
            return DECODER.decode(text);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
