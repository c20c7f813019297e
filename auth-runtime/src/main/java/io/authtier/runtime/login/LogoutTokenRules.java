package io.authtier.runtime.login;

import io.authtier.runtime.token.jwt.Claims;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The claim rules of a back-channel logout token (OpenID Connect Back-Channel Logout 1.0, section 2.6),
 * after its signature and exact {@code iss} were checked: {@code aud} names this client, {@code iat}
 * present and at most {@link #MAX_AGE} old, {@code jti} present, {@code exp} (if present) not past, an
 * {@code events} object with the back-channel logout event, {@code sub} or {@code sid}, and no
 * {@code nonce} (so an ID token cannot pass for a logout token).
 */
final class LogoutTokenRules {

    static final String EVENT = "http://schemas.openid.net/event/backchannel-logout";
    /** How old a logout token may be ({@code iat}); older ones are refused as replays. */
    static final java.time.Duration MAX_AGE = java.time.Duration.ofMinutes(5);
    /**
     * {@code typ} values a logout token may carry (compared in lower case); absent is fine too. The media type
     * may be written in full (RFC 7515 4.1.9: {@code application/} may be left out), as access tokens' may.
     */
    static final Set<String> TYPES = Set.of("logout+jwt", "application/logout+jwt", "jwt");

    private LogoutTokenRules() {
    }

    /** The first rule that {@code claims} break, as a short code; empty if none. */
    static Optional<String> broken(Map<String, Object> claims, String clientId, Instant now, Duration skew) {
        if (!Claims.strings(claims.get("aud")).contains(clientId)) {
            return Optional.of("wrong_audience");
        }
        Long iat = Claims.seconds(claims.get("iat"));
        if (iat == null) {
            return Optional.of("missing_claim");
        }
        if (iat - skew.toSeconds() > now.getEpochSecond()) {
            return Optional.of("not_yet_valid");
        }
        // A logout token is sent at once; an old one is a replay (its sub could end sessions made since).
        if (iat + MAX_AGE.toSeconds() + skew.toSeconds() < now.getEpochSecond()) {
            return Optional.of("too_old");
        }
        if (Claims.string(claims.get("jti")).isEmpty()) {
            return Optional.of("missing_claim");
        }
        if (claims.containsKey("exp")) {
            Long exp = Claims.seconds(claims.get("exp"));
            if (exp == null || exp + skew.toSeconds() <= now.getEpochSecond()) {
                return Optional.of("expired");
            }
        }
        if (!(claims.get("events") instanceof Map<?, ?> events) || !(events.get(EVENT) instanceof Map<?, ?>)) {
            return Optional.of("missing_event");
        }
        if (claims.containsKey("nonce")) {
            return Optional.of("nonce_present");
        }
        if (Claims.string(claims.get("sub")).isEmpty() && Claims.string(claims.get("sid")).isEmpty()) {
            return Optional.of("missing_claim");
        }
        return Optional.empty();
    }
}
