package io.authtier.runtime.login;

import io.authtier.runtime.token.jwt.SignedJwtVerifier;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletionStage;

/**
 * An ID token from the token endpoint, checked in full (OIDC Core 3.1.3.7): {@code typ}, the exact
 * {@code iss}, one of the issuer's pinned algorithms and a signature by its JWKS ({@link SignedJwtVerifier}),
 * then the claim rules of {@link IdTokenRules}. One check for the login's ID token and a refresh's, so that
 * a refresh cannot bring in a token that a login would refuse; only the {@code nonce} is a login's alone.
 */
final class IdTokenCheck {

    private static final Set<String> TYPES = Set.of("jwt");

    private final SignedJwtVerifier verifier;
    private final String clientId;
    private final Duration clockSkew;
    private final Clock clock;

    IdTokenCheck(SignedJwtVerifier verifier, String clientId, Duration clockSkew, Clock clock) {
        this.verifier = Objects.requireNonNull(verifier, "verifier");
        this.clientId = Objects.requireNonNull(clientId, "clientId");
        this.clockSkew = Objects.requireNonNull(clockSkew, "clockSkew");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** What {@link #check} found. */
    sealed interface Result {
    }

    /** Signed by the issuer and every rule kept: the claims are the issuer's. */
    record Valid(Map<String, Object> claims) implements Result {
    }

    /** @param reason a short code for logs and metrics ({@code bad_signature}, {@code expired}, {@code wrong_audience}, …) */
    record Invalid(String reason) implements Result {
    }

    /** The issuer's keys cannot be had now: neither valid nor invalid. */
    record Undecidable(String reason) implements Result {
    }

    /**
     * @param nonce the login's {@code nonce}, which the token must carry; empty for a refresh's ID token,
     *              which OIDC Core 12.2 does not bind to one
     */
    CompletionStage<Result> check(String idToken, Optional<String> nonce) {
        return check(idToken, nonce, Optional.empty());
    }

    /**
     * @param authenticatedSince at a login that asked the IdP to authenticate the user anew: when it started; the
     *                           token's {@code auth_time} must not be earlier ({@link IdTokenRules#notAuthenticatedSince})
     */
    CompletionStage<Result> check(String idToken, Optional<String> nonce, Optional<Instant> authenticatedSince) {
        return verifier.verify(idToken, TYPES).thenApply(checked -> switch (checked) {
            case SignedJwtVerifier.Invalid invalid -> new Invalid(invalid.rejection().code());
            case SignedJwtVerifier.Undecidable undecidable -> new Undecidable(undecidable.reason());
            case SignedJwtVerifier.Valid valid -> IdTokenRules.broken(valid.claims(), clientId, nonce, clock.instant(), clockSkew)
                    .or(() -> authenticatedSince.flatMap(since -> IdTokenRules.notAuthenticatedSince(valid.claims(), since, clockSkew)))
                    .<Result>map(Invalid::new).orElseGet(() -> new Valid(valid.claims()));
        });
    }
}
