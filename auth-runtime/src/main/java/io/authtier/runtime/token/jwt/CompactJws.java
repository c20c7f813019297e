package io.authtier.runtime.token.jwt;

import io.authtier.runtime.token.Rejection;
import java.util.Base64;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * A token that has the shape of a compact JWS and an acceptable header, checked before any key is looked
 * up or any signature computed (SECURITY.md, bearer tokens 1, 3, 6, 8, 9, 10): exactly three non-empty
 * base64url segments, JSON objects of bounded nesting, an {@code alg}, no {@code enc} (JWE), no
 * key-carrying header ({@code jwk}, {@code jku}, {@code x5u}, {@code x5c}), no {@code crit}, and a
 * {@code typ} that an access token may have.
 *
 * @param headerSegment  the first segment, base64url
 * @param payloadSegment the second segment, base64url
 * @param signature      the third segment, base64url
 * @param header         the decoded header
 * @param claims         the decoded payload; not yet trusted
 */
record CompactJws(String headerSegment, String payloadSegment, String signature,
                  Map<String, Object> header, Map<String, Object> claims) {

    /** Header parameters that carry or point at keys; keys come from the issuer's JWKS only. */
    private static final Set<String> KEY_HEADERS = Set.of("jwk", "jku", "x5u", "x5c");
    /** {@code typ} values of an access token (RFC 9068), compared ignoring case; absent is fine too. */
    private static final Set<String> ACCESS_TOKEN_TYPES = Set.of("jwt", "at+jwt", "application/at+jwt");
    /** Deeper JSON than this is refused before it is parsed; real tokens nest two or three levels. */
    static final int MAX_JSON_DEPTH = 16;

    CompactJws {
        Objects.requireNonNull(header, "header");
        Objects.requireNonNull(claims, "claims");
    }

    /** The outcome of reading a token: a {@link CompactJws} or the reason it is refused. */
    sealed interface Shape {
    }

    record Valid(CompactJws jws) implements Shape {
    }

    record Invalid(Rejection rejection) implements Shape {
    }

    private static final Invalid MALFORMED = new Invalid(Rejection.MALFORMED);

    /** Reads an access token; cheap, allocation-light, and never touches a key. */
    static Shape read(String token) {
        return read(token, ACCESS_TOKEN_TYPES);
    }

    /** Reads a token whose {@code typ}, if present, is one of {@code types} (lower case). */
    static Shape read(String token, Set<String> types) {
        int first = token.indexOf('.');
        int second = first < 0 ? -1 : token.indexOf('.', first + 1);
        if (first <= 0 || second < 0 || second == first + 1 || second == token.length() - 1
                || token.indexOf('.', second + 1) >= 0) {
            return MALFORMED; // JWE (5 parts), 2 or 4 segments, empty parts, missing signature
        }
        if (!base64url(token)) {
            return MALFORMED; // JSON serialization, padding, spaces, anything not base64url
        }
        if (!canonical(token, first) || !canonical(token, second) || !canonical(token, token.length())) {
            return MALFORMED; // one token, one spelling: no variants that get past a deny list or a cache key
        }
        String headerSegment = token.substring(0, first);
        String payloadSegment = token.substring(first + 1, second);
        Map<String, Object> header = json(headerSegment);
        Map<String, Object> claims = header == null ? null : json(payloadSegment);
        if (header == null || claims == null) {
            return MALFORMED;
        }
        if (header.containsKey("enc") || !(header.get("alg") instanceof String)) {
            return MALFORMED;
        }
        for (String name : KEY_HEADERS) {
            if (header.containsKey(name)) {
                return new Invalid(Rejection.FORBIDDEN_HEADER);
            }
        }
        if (header.containsKey("crit")) {
            return new Invalid(Rejection.UNKNOWN_CRITICAL_HEADER);
        }
        Object typ = header.get("typ");
        if (typ != null && !(typ instanceof String text && types.contains(text.toLowerCase(java.util.Locale.ROOT)))) {
            return new Invalid(Rejection.NOT_AN_ACCESS_TOKEN);
        }
        return new Valid(new CompactJws(headerSegment, payloadSegment, token.substring(second + 1), header, claims));
    }

    /** The {@code alg} header. */
    String algorithm() {
        return (String) header.get("alg");
    }

    private static boolean base64url(String token) {
        for (int i = 0; i < token.length(); i++) {
            char c = token.charAt(i);
            boolean ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.';
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    /**
     * Whether the segment ending at {@code end} (exclusive) is base64url as an encoder writes it: a length
     * that some bytes encode to, and the unused low bits of its last character zero. Decoders ignore those
     * bits, so without this check a token would have up to 16 spellings that all verify.
     */
    private static boolean canonical(String token, int end) {
        int start = token.lastIndexOf('.', end - 1) + 1;
        int last = sextet(token.charAt(end - 1));
        return switch ((end - start) % 4) {
            case 0 -> true;
            case 2 -> (last & 0x0F) == 0;
            case 3 -> (last & 0x03) == 0;
            default -> false;
        };
    }

    /** The 6-bit value of a base64url character (already known to be one). */
    private static int sextet(char c) {
        if (c >= 'A' && c <= 'Z') {
            return c - 'A';
        }
        if (c >= 'a' && c <= 'z') {
            return c - 'a' + 26;
        }
        if (c >= '0' && c <= '9') {
            return c - '0' + 52;
        }
        return c == '-' ? 62 : 63;
    }

    /** A base64url segment decoded to a JSON object, or null if it is not one. */
    private static Map<String, Object> json(String segment) {
        if (segment.length() % 4 == 1) {
            return null; // no byte sequence encodes to this length
        }
        byte[] utf8;
        try {
            utf8 = Base64.getUrlDecoder().decode(segment);
        } catch (IllegalArgumentException e) {
            return null;
        }
        return JsonObjects.parse(utf8);
    }
}
