package io.authtier.runtime.login;

import io.authtier.runtime.resilience.RateLimitedLog;
import io.authtier.runtime.session.Base64Url;
import io.authtier.runtime.session.SessionStore;
import io.authtier.runtime.session.SessionUser;
import io.authtier.runtime.token.jwt.Claims;
import io.authtier.runtime.token.jwt.SignedJwtVerifier;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
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
 * (a bad or replayed token) or 503 (send it again: the store failed, or a delivery of the same token is
 * still under way).
 */
final class BackchannelLogout {

    private static final Logger LOG = LoggerFactory.getLogger(BackchannelLogout.class);
    /** First byte of a token's record while an attempt ends its sessions. */
    private static final byte IN_PROGRESS = 2;
    /** A token's record once its sessions are ended; what earlier versions wrote for every token seen. */
    private static final byte[] USED = {1};
    /**
     * How long an attempt's claim holds: far beyond an attempt (a few Redis calls, each bounded by the command
     * timeout), well within the time a token is accepted, so that a retry after a replica died mid-way works.
     */
    static final Duration ATTEMPT = Duration.ofMinutes(1);

    private final String issuerUrl;
    private final String clientId;
    private final Duration clockSkew;
    private final SignedJwtVerifier verifier;
    private final SessionStore store;
    private final PendingLogins usedTokens;
    private final Clock clock;
    private final SessionMetrics metrics;
    private final RateLimitedLog unrecorded;
    private final SecureRandom random;

    /** @param usedTokens where the {@code jti}s of accepted logout tokens are kept, once each (the pending-login store) */
    BackchannelLogout(String issuerUrl, String clientId, Duration clockSkew, SignedJwtVerifier verifier, SessionStore store,
            PendingLogins usedTokens, Clock clock, SecureRandom random, SessionMetrics metrics) {
        this.issuerUrl = Objects.requireNonNull(issuerUrl, "issuerUrl");
        this.clientId = Objects.requireNonNull(clientId, "clientId");
        this.clockSkew = Objects.requireNonNull(clockSkew, "clockSkew");
        this.verifier = Objects.requireNonNull(verifier, "verifier");
        this.store = Objects.requireNonNull(store, "store");
        this.usedTokens = Objects.requireNonNull(usedTokens, "usedTokens");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.metrics = Objects.requireNonNull(metrics, "metrics");
        this.unrecorded = new RateLimitedLog(LOG, clock, Duration.ofSeconds(30));
        this.random = Objects.requireNonNull(random, "random");
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
     * Ends the sessions unless this token's {@code jti} is used already, and records it as used once they are.
     *
     * <p>First the {@code jti} is claimed as in progress, so that of two deliveries of one token only one ends
     * sessions (a replay must not end the sessions made since). A copy that finds the claim is answered 503:
     * the first may yet fail, and a copy answered 400 or 200 meanwhile is one the IdP never sends again, so
     * the logout would be lost. Once the sessions are ended the record says used (a copy then gets 400); an
     * attempt that fails gives its claim up (only its own), so the IdP's retry ends them. The claim lapses
     * after {@link #ATTEMPT} should its replica die mid-way.
     *
     * <p>If the {@code jti} cannot be claimed (Redis full under {@code noeviction} refuses the write while its
     * deletes still work), the sessions are ended all the same: a lost logout leaves sessions that the IdP has
     * ended alive, whereas a replay in that window can only end sessions of the same {@code sid} or
     * {@code sub}, and only while the token is still accepted ({@link LogoutTokenRules#MAX_AGE}).
     */
    private CompletionStage<WebAnswer> once(Map<String, Object> claims) {
        String key = usedTokenKey(issuerUrl, String.valueOf(claims.get("jti")));
        byte[] attempt = attemptMark();
        return usedTokens.claim(key, attempt, ATTEMPT)
                .handle((held, error) -> {
                    if (error != null) {
                        unrecorded.warn("back-channel logout: the token id could not be recorded, the sessions are ended all the same: {}",
                                StepFailures.describe(error));
                        return Claim.UNRECORDED;
                    }
                    return held.map(value -> value.length > 0 && value[0] == IN_PROGRESS ? Claim.IN_PROGRESS : Claim.USED)
                            .orElse(Claim.OURS);
                })
                .thenCompose(claim -> switch (claim) {
                    // A claim whose answer failed may be stored all the same (a timeout once the command was sent):
                    // settled as our own, best effort, so that no orphaned claim asks the IdP's retries to wait.
                    case OURS, UNRECORDED -> end(claims).thenCompose(answer -> settle(key, attempt, answer));
                    case IN_PROGRESS -> CompletableFuture.completedFuture(inProgress());
                    case USED -> invalid("replayed", "the logout token was used already");
                }).exceptionally(error -> unavailable());
    }

    /** Records the token as used once its sessions are ended, else gives this attempt's claim up (its own only). */
    private CompletionStage<WebAnswer> settle(String key, byte[] attempt, WebAnswer answer) {
        return answer.status() == 200
                ? usedTokens.put(key, USED, remember()).handle((recorded, error) -> recordedOrNot(answer, error))
                : usedTokens.release(key, attempt).handle((released, error) -> answer);
    }

    /** What a claim of a token's {@code jti} found. */
    private enum Claim {
        /** Claimed by this attempt. */
        OURS,
        /** Another attempt (a copy of the token, here or on another replica) is ending the sessions. */
        IN_PROGRESS,
        /** The sessions are ended: a replay. */
        USED,
        /** The claim's answer failed: the store refused it, or it timed out and may be stored all the same. */
        UNRECORDED
    }

    /** How long a used token is remembered: as long as LogoutTokenRules would accept it (iat skew ahead, MAX_AGE + skew behind). */
    private Duration remember() {
        return LogoutTokenRules.MAX_AGE.plus(clockSkew.multipliedBy(2));
    }

    /** {@link #IN_PROGRESS} and 16 random bytes: this attempt's own claim, which only it gives up. */
    private byte[] attemptMark() {
        byte[] mark = new byte[17];
        random.nextBytes(mark);
        mark[0] = IN_PROGRESS;
        return mark;
    }

    /** The sessions are ended: done, even if the record of it failed (a copy then waits for the claim to lapse). */
    private WebAnswer recordedOrNot(WebAnswer answer, Throwable error) {
        if (error != null) {
            unrecorded.warn("back-channel logout: the sessions are ended, but the token could not be recorded as used: {}",
                    StepFailures.describe(error));
        }
        return answer;
    }

    /** The key under which a logout token's use is recorded: a hash of its issuer and {@code jti}, never the raw values. */
    static String usedTokenKey(String issuerUrl, String jti) {
        return "jti." + Base64Url.encode(Secrets.hash("authtier logout token", issuerUrl + "\n" + jti));
    }

    private CompletionStage<WebAnswer> end(Map<String, Object> claims) {
        Optional<String> sid = Claims.string(claims.get("sid"));
        CompletionStage<Long> ended = sid.isPresent()
                // With a sub beside the sid, only that user's sessions: an IdP's mix-up must not end another user's.
                ? store.deleteAllForIdpSession(issuerUrl, sid.get(), Claims.string(claims.get("sub")))
                // By sub alone: remembered with the token's iat, so that a login the logout overtook (its user
                // authenticated before: auth_time, else the ID token's iat) is refused too; one after the logout is not.
                : store.deleteAllForUser(new SessionUser(issuerUrl, (String) claims.get("sub")),
                        Instant.ofEpochSecond(Claims.seconds(claims.get("iat"))));
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

    private static WebAnswer inProgress() {
        LOG.debug("back-channel logout: a copy of a token in progress, asked to come again");
        return WebAnswer.text(503, "this logout is in progress; send it again");
    }

    private static WebAnswer unavailable() {
        return WebAnswer.text(503, "cannot end the sessions right now; send the logout again");
    }
}
