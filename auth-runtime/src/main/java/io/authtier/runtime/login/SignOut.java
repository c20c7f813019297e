package io.authtier.runtime.login;

import io.authtier.runtime.idp.Discovery;
import io.authtier.runtime.resilience.RateLimitedLog;
import io.authtier.runtime.session.CookieCheck;
import io.authtier.runtime.session.Session;
import io.authtier.runtime.session.SessionCookie;
import io.authtier.runtime.session.SessionLookup;
import io.authtier.runtime.session.SessionStore;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code /oauth2/sign_out?rd=URL}: ends the browser's session in the store (so every replica sees it at
 * once), removes the cookie, and sends the browser to the IdP's {@code end_session_endpoint} with
 * {@code id_token_hint} and {@code post_logout_redirect_uri} (OpenID Connect RP-Initiated Logout 1.0), or
 * straight to {@code rd} if the IdP has no such endpoint. A cookie whose session is gone already (timed out, or
 * deleted by an earlier try of this sign-out that failed after the delete) still goes to the IdP, with
 * {@code client_id} in place of the ID token: the IdP's session may live on, and would log the user straight
 * back in (the IdP may ask the user to confirm). A request without a valid cookie goes straight to {@code rd}. A path in
 * {@code rd} is made absolute on the origin that {@link CallbackUrls} allows for this request (the
 * {@code redirectUrl}'s, or an allowed host's): the request's own {@code Host} may be forged, and an IdP
 * with loose post-logout URIs would send the browser there. Without one, the IdP gets no
 * {@code post_logout_redirect_uri} and shows its own signed-out page.
 */
final class SignOut {

    private static final Logger LOG = LoggerFactory.getLogger(SignOut.class);

    private final String clientId;
    private final SessionCookie cookie;
    private final SessionStore store;
    private final Discovery<ProviderEndpoints> discovery;
    private final ReturnTargets targets;
    private final CallbackUrls origins;
    private final RateLimitedLog refusedHosts;
    private final SessionMetrics metrics;
    /** One line per failed sign-out during an outage would flood the log: at most one every 30 s. */
    private final RateLimitedLog failures;

    SignOut(String clientId, SessionCookie cookie, SessionStore store, Discovery<ProviderEndpoints> discovery, ReturnTargets targets,
            CallbackUrls origins, Clock clock, SessionMetrics metrics) {
        this.clientId = Objects.requireNonNull(clientId, "clientId");
        this.cookie = Objects.requireNonNull(cookie, "cookie");
        this.store = Objects.requireNonNull(store, "store");
        this.discovery = Objects.requireNonNull(discovery, "discovery");
        this.targets = Objects.requireNonNull(targets, "targets");
        this.origins = Objects.requireNonNull(origins, "origins");
        this.refusedHosts = new RateLimitedLog(LOG, clock, Duration.ofSeconds(10));
        this.failures = new RateLimitedLog(LOG, clock, Duration.ofSeconds(30));
        this.metrics = Objects.requireNonNull(metrics, "metrics");
    }

    /**
     * @param cookieHeaders the request's {@code Cookie} headers
     * @param rd            where to go afterwards; {@code /} if absent
     * @param origin        {@code scheme://host[:port]} as the browser reached the runtime, if the request
     *                      names one: a path in {@code rd} is made absolute with it for the IdP, if allowed
     */
    CompletionStage<WebAnswer> signOut(List<String> cookieHeaders, Optional<String> rd, Optional<String> origin) {
        Optional<String> returnTo = targets.check(rd.orElse("/"));
        if (returnTo.isEmpty()) {
            return CompletableFuture.completedFuture(WebAnswer.text(400, "rd is not an allowed redirect target: use a path "
                    + "on this host or a host listed in sessions.login.allowedRedirectDomains"));
        }
        Optional<String> after = postLogoutRedirect(returnTo.get(), origin);
        Optional<CookieCheck.Valid> valid = Cookies.value(cookieHeaders, cookie.name()).map(cookie::read)
                .filter(CookieCheck.Valid.class::isInstance).map(CookieCheck.Valid.class::cast);
        if (valid.isEmpty()) {
            return CompletableFuture.completedFuture(WebAnswer.redirect(returnTo.get(), List.of(cookie.clearCookie())));
        }
        // A peek, not a load: a load may write (the once-a-minute touch), and a store that refuses writes
        // (Redis full) must not keep a session from ending.
        return store.peek(valid.get().ticket())
                .thenCompose(lookup -> store.delete(valid.get().ticket()).thenApply(deleted -> {
                    if (deleted) {
                        metrics.logout("sign_out", 1);
                    }
                    return lookup instanceof SessionLookup.Found(Session session) ? session.tokens().idToken() : Optional.<String>empty();
                }))
                // The IdP's session too, also when this one is gone already: it may have timed out while the IdP's
                // lives on, or an earlier try of this sign-out may have deleted it and failed after that (its
                // confirmation, the IdP's endpoints). Without the ID token the IdP is told the client instead.
                .thenCompose(idToken -> discovery.get().thenApply(endpoints -> WebAnswer.redirect(
                        endpoints.endSession().map(end -> endSession(end, idToken, after)).orElse(returnTo.get()),
                        List.of(cookie.clearCookie()))))
                .exceptionally(error -> {
                    failures.warn("sign-out failed, the session may live on until the user tries again: {}", StepFailures.describe(error));
                    // The cookie stays: without it the browser could not try again, and the session (perhaps not
                    // deleted) would live on, unreachable by any sign-out, until it times out.
                    return new WebAnswer(503, Optional.empty(), List.of(), "text/plain; charset=utf-8",
                            "signing out is unavailable right now; try again shortly\n");
                });
    }

    /** {@code returnTo} as an absolute URL for the IdP; empty if it is a path and this request's host may not have it. */
    private Optional<String> postLogoutRedirect(String returnTo, Optional<String> origin) {
        if (!returnTo.startsWith("/")) {
            return Optional.of(returnTo); // on a host of allowedRedirectDomains (ReturnTargets)
        }
        return switch (origins.origin(origin)) {
            case CallbackUrls.Url url -> Optional.of(url.value() + returnTo);
            case CallbackUrls.Refused refused -> {
                if (!refused.host().isEmpty()) {
                    refusedHosts.warn("sign-out on host {}: {}; the IdP is sent no post_logout_redirect_uri", refused.host(), refused.message());
                }
                yield Optional.empty();
            }
        };
    }

    /** RP-Initiated Logout 1.0: {@code id_token_hint} where the session had one; {@code client_id} always. */
    private String endSession(URI endpoint, Optional<String> idToken, Optional<String> after) {
        return endpoint + (endpoint.getRawQuery() == null ? "?" : "&")
                + idToken.map(token -> "id_token_hint=" + encode(token) + "&").orElse("")
                + "client_id=" + encode(clientId)
                + after.map(url -> "&post_logout_redirect_uri=" + encode(url)).orElse("");
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
