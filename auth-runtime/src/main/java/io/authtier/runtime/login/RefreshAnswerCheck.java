package io.authtier.runtime.login;

import io.authtier.runtime.session.Session;
import io.authtier.runtime.token.Rejection;
import io.authtier.runtime.token.jwt.Claims;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Whether a refresh answer belongs to the session it would renew, decided before anything of it is used
 * (OIDC Core 12.2). A new ID token must pass every check a login's passes ({@link IdTokenCheck}, without the
 * nonce) and name the login's {@code iss} and {@code sub}. A new access token that is a JWT must name the
 * session's {@code sub}, and its {@code iss} (if it has one) the session's issuer; or the {@code sub} and
 * {@code iss} of the access token it replaces, which came with the login's checked ID token or a checked
 * refresh (Okta names the user's login, not the ID token's {@code sub}, in access tokens; Entra ID's v1
 * access tokens have another issuer). An opaque access token cannot be checked: it is kept, and
 * {@link SessionGrants} reads no roles from it. An answer that fails is another user's or a forgery (a
 * misrouted or misconfigured IdP): the caller ends the session rather than keep tokens that may be
 * someone else's.
 */
final class RefreshAnswerCheck {

    /** Rejections that mean "another issuer or client", as opposed to a broken token. */
    private static final Set<String> OTHER_PARTY = Set.of(Rejection.UNKNOWN_ISSUER.code(), Rejection.WRONG_AUDIENCE.code());

    private final IdTokenCheck idTokens;

    RefreshAnswerCheck(IdTokenCheck idTokens) {
        this.idTokens = Objects.requireNonNull(idTokens, "idTokens");
    }

    sealed interface Verdict {
    }

    /** Of the session's user: its tokens may be used. */
    record Accepted() implements Verdict {
    }

    /**
     * Not of the session's user, or not valid: nothing of it may be used.
     *
     * @param outcome the {@code authtier_session_refreshes_total} outcome
     * @param reason  what was wrong, for the log; never a claim value
     */
    record Refused(String outcome, String reason) implements Verdict {
    }

    /** The ID token's signature cannot be checked now (the issuer's keys are out of reach). */
    record Undecidable(String reason) implements Verdict {
    }

    CompletionStage<Verdict> check(Session session, TokenGrant.Granted granted) {
        if (!sameHolder(session, granted.accessToken())) {
            return CompletableFuture.completedFuture(new Refused("access_token_mismatch", "an access token of another subject or issuer"));
        }
        if (granted.idToken().isEmpty()) {
            return CompletableFuture.completedFuture(new Accepted());
        }
        return idTokens.check(granted.idToken().get(), Optional.empty()).thenApply(result -> switch (result) {
            case IdTokenCheck.Undecidable undecidable -> new Undecidable(undecidable.reason());
            case IdTokenCheck.Invalid invalid when OTHER_PARTY.contains(invalid.reason()) ->
                    new Refused("id_token_mismatch", "an ID token of another issuer or audience");
            case IdTokenCheck.Invalid invalid -> new Refused("id_token_invalid", "an ID token that is not valid (" + invalid.reason() + ")");
            case IdTokenCheck.Valid valid when !session.issuer().equals(valid.claims().get("iss"))
                    || !session.subject().equals(valid.claims().get("sub")) -> new Refused("id_token_mismatch", "an ID token of another subject");
            case IdTokenCheck.Valid valid -> new Accepted();
        });
    }

    /** Whether {@code accessToken}, if it is a JWT, is of the session's user; one without {@code sub} is not. */
    private static boolean sameHolder(Session session, String accessToken) {
        Optional<Map<String, Object>> claims = Claims.unverified(accessToken);
        if (claims.isEmpty()) {
            return true;
        }
        Optional<Map<String, Object>> held = Claims.unverified(session.tokens().accessToken());
        return known(claims.get().get("sub"), session.subject(), held.map(h -> h.get("sub")))
                && (!claims.get().containsKey("iss") || known(claims.get().get("iss"), session.issuer(), held.map(h -> h.get("iss"))));
    }

    private static boolean known(Object value, String ofSession, Optional<Object> ofHeldToken) {
        return value instanceof String text && (text.equals(ofSession) || ofHeldToken.filter(text::equals).isPresent());
    }
}
