package io.authtier.runtime.login;

import io.authtier.runtime.resilience.RateLimitedLog;
import io.authtier.runtime.session.Base64Url;
import io.authtier.runtime.session.SessionStore;
import io.authtier.runtime.session.SessionUser;
import io.authtier.runtime.token.jwt.Claims;
import io.authtier.runtime.token.jwt.SignedJwtVerifier;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /oauth2/backchannel-logout} (OpenID Connect Back-Channel Logout 1.0): the IdP posts a logout
 * token; once it is valid (signature, {@code iss}, {@code aud}, {@code iat}, the logout event, no
 * {@code nonce}) the sessions of its {@code sid}, or without a {@code sid} every session of its {@code sub},
 * end in the store. Its {@code jti} is remembered for as long as the token could be accepted, so a replay is
 * refused rather than ending the sessions made since. Answers 200 (done), 400 with {@code invalid_request}
 * (a bad or replayed token) or 503.
 */
final class BackchannelLogout {

    private static final Logger LOG = LoggerFactory.getLogger(BackchannelLogout.class);

    private final String issuerUrl;
    private final String clientId;
    private final Duration clockSkew;
    private final SignedJwtVerifier verifier;
    private final SessionStore store;
    private final PendingLogins usedTokens;
    private final Clock clock;
    private final SessionMetrics metrics;
    private final RateLimitedLog unrecorded;

    /** @param usedTokens where the {@code jti}s of accepted logout tokens are kept, once each (the pending-login store) */
    BackchannelLogout(String issuerUrl, String clientId, Duration clockSkew, SignedJwtVerifier verifier, SessionStore store,
            PendingLogins usedTokens, Clock clock, SessionMetrics metrics) {
        this.issuerUrl = Objects.requireNonNull(issuerUrl, "issuerUrl");
        this.clientId = Objects.requireNonNull(clientId, "clientId");
        this.clockSkew = Objects.requireNonNull(clockSkew, "clockSkew");
        this.verifier = Objects.requireNonNull(verifier, "verifier");
        this.store = Objects.requireNonNull(store, "store");
        this.usedTokens = Objects.requireNonNull(usedTokens, "usedTokens");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.metrics = Objects.requireNonNull(metrics, "metrics");
        this.unrecorded = new RateLimitedLog(LOG, clock, Duration.ofSeconds(30));
    }

    /** @param logoutToken the {@code logout_token} form parameter, if any */
    CompletionStage<WebAnswer> logout(Optional<String> logoutToken) {
        if (logoutToken.isEmpty() || logoutToken.get().isEmpty()) {
            return invalid("no_token", "logout_token is required");
        }
        return verifier.verify(logoutToken.get(), LogoutTokenRules.TYPES).thenCompose(checked -> switch (checked) {
            case SignedJwtVerifier.Invalid invalid -> invalid(invalid.rejection().code(), "the logout token is not valid");
            case SignedJwtVerifier.Undecidable undecidable -> CompletableFuture.completedFuture(unavailable());
            case SignedJwtVerifier.Valid valid -> {
                Optional<String> broken = LogoutTokenRules.broken(valid.claims(), clientId, clock.instant(), clockSkew);
                yield broken.isPresent() ? invalid(broken.get(), "the logout token is not valid") : once(valid.claims());
            }
        });
    }

    /**
     * Ends the sessions the first time this token's {@code jti} is seen; a failure to end them forgets it, so
     * the IdP's retry works.
     *
     * <p>The {@code jti} is recorded first, so that of two deliveries of one token only one ends sessions (a
     * replay must not end the sessions made since). If it cannot be recorded (Redis full under
     * {@code noeviction} refuses the SET while its deletes still work), the sessions are ended all the same:
     * a lost logout leaves sessions that the IdP has ended alive, whereas a replay in that window can only
     * end sessions of the same {@code sid} or {@code sub}, and only while the token is still accepted
     * ({@link LogoutTokenRules#MAX_AGE}).
     */
    private CompletionStage<WebAnswer> once(Map<String, Object> claims) {
        String key = "jti." + Base64Url.encode(Secrets.hash("authtier logout token", issuerUrl + "\n" + claims.get("jti")));
        // As long as LogoutTokenRules would accept the token: its iat may be skew ahead or MAX_AGE + skew behind.
        Duration remember = LogoutTokenRules.MAX_AGE.plus(clockSkew.multipliedBy(2));
        return usedTokens.putIfAbsent(key, new byte[] {1}, remember)
                .handle((first, error) -> {
                    if (error != null) {
                        unrecorded.warn("back-channel logout: the token id could not be recorded, the sessions are ended all the same: {}",
                                StepFailures.describe(error));
                        return Optional.<Boolean>empty();
                    }
                    return Optional.of(first);
                })
                .thenCompose(recorded -> {
                    if (recorded.isEmpty()) {
                        return end(claims);
                    }
                    if (!recorded.get()) {
                        return invalid("replayed", "the logout token was used already");
                    }
                    return end(claims).thenCompose(answer -> answer.status() == 200
                            ? CompletableFuture.completedFuture(answer)
                            : usedTokens.take(key).handle((forgotten, error) -> answer));
                }).exceptionally(error -> unavailable());
    }

    private CompletionStage<WebAnswer> end(Map<String, Object> claims) {
        Optional<String> sid = Claims.string(claims.get("sid"));
        CompletionStage<Long> ended = sid.isPresent()
                // With a sub beside the sid, only that user's sessions: an IdP's mix-up must not end another user's.
                ? store.deleteAllForIdpSession(issuerUrl, sid.get(), Claims.string(claims.get("sub")))
                : store.deleteAllForUser(new SessionUser(issuerUrl, (String) claims.get("sub")));
        return ended.thenApply(count -> {
            metrics.logout("backchannel", count);
            LOG.info("back-channel logout by {} ended {} session(s)", sid.isPresent() ? "sid" : "sub", count);
            return new WebAnswer(200, Optional.empty(), List.of(), "text/plain; charset=utf-8", "");
        }).exceptionally(error -> unavailable());
    }

    private static CompletionStage<WebAnswer> invalid(String reason, String description) {
        LOG.debug("back-channel logout refused: {}", reason); // anyone may post here: not at INFO
        return CompletableFuture.completedFuture(WebAnswer.json(400,
                "{\"error\":\"invalid_request\",\"error_description\":\"" + description + "\"}", List.of()));
    }

    private static WebAnswer unavailable() {
        return WebAnswer.text(503, "cannot end the sessions right now; send the logout again");
    }
}
