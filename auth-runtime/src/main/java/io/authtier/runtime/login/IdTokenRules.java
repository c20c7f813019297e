package io.authtier.runtime.login;

import io.authtier.runtime.token.Identities;
import io.authtier.runtime.token.jwt.Claims;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The claim rules of an ID token from the token endpoint (OpenID Connect Core 1.0, section 3.1.3.7), after
 * its signature and exact {@code iss} were checked: {@code aud} names this client (and {@code azp}, if
 * present, is this client), {@code exp} not past and {@code iat} present (with the issuer's clock skew),
 * {@code sub} present, and, at login, {@code nonce} equal to the one this login sent.
 */
final class IdTokenRules {

    /** The code of {@link #notAuthenticatedSince}'s refusal. */
    static final String NOT_REAUTHENTICATED = "not_reauthenticated";

    private IdTokenRules() {
    }

    /**
     * {@value #NOT_REAUTHENTICATED} unless {@code auth_time} is a number no earlier than {@code since} (less the
     * issuer's clock skew); empty if it is. For a login that asked the IdP to authenticate the user anew
     * ({@code prompt=login} and {@code max_age=0}, which makes {@code auth_time} required: OIDC Core 3.1.2.1 and
     * 3.1.3.7 item 13): an IdP that heeds neither would answer from its single sign-on, and an old authentication
     * would pass for a new one, to the app that asked for it (a step-up) and to the login again after a logout.
     */
    static Optional<String> notAuthenticatedSince(Map<String, Object> claims, Instant since, Duration skew) {
        Long authTime = Claims.seconds(claims.get("auth_time"));
        boolean anew = authTime != null && authTime + skew.toSeconds() >= since.getEpochSecond();
        return anew ? Optional.empty() : Optional.of(NOT_REAUTHENTICATED);
    }

    /**
     * The first rule that {@code claims} break, as a short code for logs and metrics; empty if none.
     *
     * @param nonce the login's {@code nonce}; empty for a refresh's ID token (OIDC Core 12.2 binds it to none)
     */
    static Optional<String> broken(Map<String, Object> claims, String clientId, Optional<String> nonce, Instant now, Duration skew) {
        List<String> audiences = Claims.strings(claims.get("aud"));
        if (!audiences.contains(clientId)) {
            return Optional.of("wrong_audience");
        }
        // Several audiences: this client must be the authorized party (OIDC Core 3.1.3.7, items 4 and 5).
        if ((claims.containsKey("azp") || audiences.size() > 1) && !clientId.equals(claims.get("azp"))) {
            return Optional.of("wrong_authorized_party");
        }
        Long exp = Claims.seconds(claims.get("exp"));
        Long iat = Claims.seconds(claims.get("iat"));
        if (exp == null || iat == null || Claims.string(claims.get("sub")).filter(Identities::passable).isEmpty()) {
            return Optional.of("missing_claim");
        }
        if (exp + skew.toSeconds() <= now.getEpochSecond()) {
            return Optional.of("expired");
        }
        if (iat - skew.toSeconds() > now.getEpochSecond()) {
            return Optional.of("not_yet_valid");
        }
        if (nonce.isPresent() && (!(claims.get("nonce") instanceof String sent) || !Secrets.same(sent, nonce.get()))) {
            return Optional.of("wrong_nonce");
        }
        return Optional.empty();
    }
}
