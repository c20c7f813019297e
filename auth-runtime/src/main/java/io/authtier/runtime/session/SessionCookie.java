package io.authtier.runtime.session;

import io.authtier.runtime.config.CookieConfig;
import io.authtier.runtime.config.SameSite;
import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The session cookie: its value (a signed {@link SessionTicket}) and its {@code Set-Cookie} header.
 *
 * <p>Value: base64url (no padding) of {@code version (1) | key id length (1) | key id | user tag (16) |
 * session id (32) | session key (32) | HMAC-SHA256 (32)}, the MAC over everything before it under the
 * signing key named by the id. The first configured key signs; every configured key verifies, so a new
 * key can be put first without logging anyone out, and an old one removed once its cookies have expired
 * (after the absolute timeout). The MAC is compared in constant time.
 *
 * <p>Attributes: a {@code __Host-} name, {@code Path=/}, no {@code Domain}, {@code Secure}, {@code HttpOnly},
 * {@code SameSite} from the configuration, {@code Max-Age} = the absolute timeout (the store enforces the
 * idle timeout).
 */
public final class SessionCookie {

    /** Longest value accepted before decoding (a valid one is under 200 characters). */
    static final int MAX_VALUE_CHARS = 512;
    private static final byte VERSION = 1;
    private static final int MAC_BYTES = 32;
    private static final int TICKET_BYTES = SessionUser.TAG_BYTES + SessionTicket.ID_BYTES + SessionTicket.KEY_BYTES;

    private final String name;
    private final SameSite sameSite;
    private final long maxAgeSeconds;
    private final SigningKey signer;
    private final Map<String, SigningKey> verifiers = new LinkedHashMap<>();
    /** An HMAC initialised with each key, cloned per use: getting and keying a new Mac cost more than the MAC itself. */
    private final Map<String, Mac> keyedMacs = new LinkedHashMap<>();

    /**
     * @param keys            the signing keys, the first signs; at least one, ids unique
     * @param absoluteTimeout the cookie's {@code Max-Age}
     */
    public SessionCookie(String name, SameSite sameSite, List<SigningKey> keys, Duration absoluteTimeout) {
        this.name = Objects.requireNonNull(name, "name");
        if (!name.startsWith("__Host-") || name.length() == "__Host-".length() || !token(name)) {
            throw new IllegalArgumentException("sessions.cookie.name must start with __Host- and be a cookie token, got '" + name + "'");
        }
        this.sameSite = Objects.requireNonNull(sameSite, "sameSite");
        if (keys.isEmpty()) {
            throw new IllegalArgumentException("sessions.cookie.signingKeys needs at least one key");
        }
        for (SigningKey key : keys) {
            if (verifiers.putIfAbsent(key.id(), key) != null) {
                throw new IllegalArgumentException("sessions.cookie.signingKeys: id '" + key.id() + "' appears twice");
            }
            keyedMacs.put(key.id(), keyedMac(key));
        }
        this.signer = keys.getFirst();
        if (!absoluteTimeout.isPositive()) {
            throw new IllegalArgumentException("the absolute timeout must be greater than zero");
        }
        this.maxAgeSeconds = absoluteTimeout.toSeconds();
    }

    /** The cookie's {@code SameSite} attribute. */
    public SameSite sameSite() {
        return sameSite;
    }

    /** From the configuration, reading every signing key file now. */
    public static SessionCookie of(CookieConfig config, Duration absoluteTimeout) {
        return new SessionCookie(config.name(), config.sameSite(),
                config.signingKeys().stream().map(SigningKey::read).toList(), absoluteTimeout);
    }

    public String name() {
        return name;
    }

    /** The signed value for {@code ticket}, under the first key. */
    public String value(SessionTicket ticket) {
        byte[] id = signer.idBytes();
        ByteBuffer payload = ByteBuffer.allocate(2 + id.length + TICKET_BYTES + MAC_BYTES);
        payload.put(VERSION).put((byte) id.length).put(id)
                .put(ticket.userTagBytes()).put(ticket.id()).put(ticket.key());
        payload.put(mac(signer, payload.array(), payload.position()));
        return Base64Url.encode(payload.array());
    }

    /** Checks a cookie value; never throws. */
    public CookieCheck read(String value) {
        if (value == null || value.isEmpty() || value.length() > MAX_VALUE_CHARS) {
            return new CookieCheck.Rejected(CookieCheck.Reason.MALFORMED);
        }
        byte[] bytes = Base64Url.decodeOrNull(value);
        // Canonical encoding only: base64's unused trailing bits would otherwise let one cookie have many spellings.
        if (bytes == null || bytes.length < 2 || bytes[0] != VERSION || !Base64Url.encode(bytes).equals(value)) {
            return new CookieCheck.Rejected(CookieCheck.Reason.MALFORMED);
        }
        int idLength = bytes[1] & 0xFF;
        if (idLength == 0 || bytes.length != 2 + idLength + TICKET_BYTES + MAC_BYTES) {
            return new CookieCheck.Rejected(CookieCheck.Reason.MALFORMED);
        }
        String keyId = new String(bytes, 2, idLength, java.nio.charset.StandardCharsets.US_ASCII);
        SigningKey key = verifiers.get(keyId);
        if (key == null) {
            return new CookieCheck.Rejected(CookieCheck.Reason.UNKNOWN_KEY);
        }
        int signed = bytes.length - MAC_BYTES;
        byte[] expected = mac(key, bytes, signed);
        byte[] actual = java.util.Arrays.copyOfRange(bytes, signed, bytes.length);
        if (!MessageDigest.isEqual(expected, actual)) {
            return new CookieCheck.Rejected(CookieCheck.Reason.BAD_SIGNATURE);
        }
        int at = 2 + idLength;
        SessionTicket ticket = new SessionTicket(
                java.util.Arrays.copyOfRange(bytes, at, at + SessionUser.TAG_BYTES),
                java.util.Arrays.copyOfRange(bytes, at + SessionUser.TAG_BYTES, at + SessionUser.TAG_BYTES + SessionTicket.ID_BYTES),
                java.util.Arrays.copyOfRange(bytes, at + SessionUser.TAG_BYTES + SessionTicket.ID_BYTES, signed));
        return new CookieCheck.Valid(ticket, keyId, key == signer);
    }

    /** The {@code Set-Cookie} header value that gives the browser {@code ticket}. */
    public String setCookie(SessionTicket ticket) {
        return name + "=" + value(ticket) + "; Path=/; Max-Age=" + maxAgeSeconds + attributes();
    }

    /** The {@code Set-Cookie} header value that removes the cookie (sign-out). */
    public String clearCookie() {
        return name + "=; Path=/; Max-Age=0" + attributes();
    }

    private String attributes() {
        return "; Secure; HttpOnly; SameSite=" + sameSite.name();
    }

    private byte[] mac(SigningKey key, byte[] bytes, int length) {
        Mac mac;
        try {
            mac = (Mac) keyedMacs.get(key.id()).clone();
        } catch (CloneNotSupportedException e) {
            mac = keyedMac(key); // a provider whose HMAC cannot be cloned: key a new one
        }
        mac.update(bytes, 0, length);
        return mac.doFinal();
    }

    private static Mac keyedMac(SigningKey key) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key.secret(), "HmacSHA256"));
            return mac;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HMAC-SHA256 failed: " + e.getClass().getSimpleName());
        }
    }

    /** RFC 6265 cookie-name: a token (visible ASCII without separators). */
    private static boolean token(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c <= 0x20 || c >= 0x7F || "()<>@,;:\\\"/[]?={}".indexOf(c) >= 0) {
                return false;
            }
        }
        return true;
    }
}
