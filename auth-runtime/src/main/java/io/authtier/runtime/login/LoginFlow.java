package io.authtier.runtime.login;

import io.authtier.runtime.token.Identities;
import io.authtier.runtime.config.LoginConfig;
import io.authtier.runtime.config.SameSite;
import io.authtier.runtime.idp.Discovery;
import io.authtier.runtime.resilience.RateLimitedLog;
import io.authtier.runtime.session.CookieCheck;
import io.authtier.runtime.resilience.Failures;
import io.authtier.runtime.session.IdpSessionEndedException;
import io.authtier.runtime.session.LoginTimes;
import io.authtier.runtime.session.Session;
import io.authtier.runtime.session.SessionCookie;
import io.authtier.runtime.session.SessionStore;
import io.authtier.runtime.session.SessionTicket;
import io.authtier.runtime.session.SessionTokens;
import io.authtier.runtime.session.SessionUser;
import io.authtier.runtime.token.jwt.Claims;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
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
 * The OIDC authorization code flow with PKCE (S256) that creates browser sessions.
 *
 * <p>{@code /oauth2/start?[prompt=login&]rd=URL}: finds the callback URL ({@link CallbackUrls}), checks {@code rd} against the allowed domains, draws {@code state},
 * {@code nonce} and a PKCE verifier, keeps them (sealed, at most 10 minutes) as a {@link PendingLogin} and
 * redirects to the IdP. {@code /oauth2/callback}: takes the pending login of {@code state} and this browser's
 * binding cookie (once: a replay finds nothing; another browser finds nothing and takes nothing) if its
 * {@code iss}, when sent or promised, is the issuer's (RFC 9207), exchanges the code with the
 * verifier, validates the ID token (signature, {@code iss}, {@code aud}, lifetime, {@code nonce}), stores a
 * new session under a fresh id and key, sets the session cookie and redirects to {@code rd}.
 *
 * <p>Every failure is an answer, never an exception; the messages name the problem, never a value.
 */
public final class LoginFlow {

    private static final Logger LOG = LoggerFactory.getLogger(LoginFlow.class);
    /** The access token's lifetime when the IdP does not say ({@code expires_in} is only RECOMMENDED). */
    static final Duration DEFAULT_ACCESS_TOKEN_LIFETIME = Duration.ofMinutes(5);
    /** The one {@code prompt} value that {@code /oauth2/start} passes on to the IdP. */
    static final String PROMPT_LOGIN = "login";
    /** One answer whether the login is unknown or another browser's: which, the caller need not learn. */
    private static final String UNKNOWN_LOGIN = "this login is unknown, expired or already used, or was started in another browser; start again";
    /**
     * A callback that could not finish: its pending login is taken (once) whether or not the store answered in
     * time (a GETDEL queued behind a pause runs later), so the same callback cannot be tried again.
     */
    static final String CALLBACK_UNAVAILABLE = "the login could not be completed right now; start it again in a moment";

    private final LoginConfig config;
    private final String issuerUrl;
    private final Discovery<ProviderEndpoints> discovery;
    private final TokenEndpoint tokens;
    private final PendingLoginVault pending;
    private final IdTokenCheck idTokens;
    private final SessionStore store;
    private final SessionCookie cookie;
    private final BrowserBinding binding;
    private final ReturnTargets targets;
    private final CallbackUrls callbacks;
    private final RateLimitedLog refusedHosts;
    /** Store and IdP failures: one per request during an outage, so at most one line every 30 s. */
    private final RateLimitedLog failures;
    private final Clock clock;
    private final SecureRandom random;
    private final SessionMetrics metrics;

    LoginFlow(LoginConfig config, String issuerUrl, Discovery<ProviderEndpoints> discovery, TokenEndpoint tokens,
            PendingLoginVault pending, IdTokenCheck idTokens, SessionStore store, SessionCookie cookie,
            Clock clock, SecureRandom random, SessionMetrics metrics) {
        this.config = Objects.requireNonNull(config, "config");
        this.issuerUrl = Objects.requireNonNull(issuerUrl, "issuerUrl");
        this.discovery = Objects.requireNonNull(discovery, "discovery");
        this.tokens = Objects.requireNonNull(tokens, "tokens");
        this.pending = Objects.requireNonNull(pending, "pending");
        this.idTokens = Objects.requireNonNull(idTokens, "idTokens");
        this.store = Objects.requireNonNull(store, "store");
        this.cookie = Objects.requireNonNull(cookie, "cookie");
        this.binding = new BrowserBinding(cookie.name());
        this.targets = new ReturnTargets(config.allowedRedirectDomains());
        this.callbacks = new CallbackUrls(config);
        this.clock = Objects.requireNonNull(clock, "clock");
        this.refusedHosts = new RateLimitedLog(LOG, clock, Duration.ofSeconds(10));
        this.failures = new RateLimitedLog(LOG, clock, Duration.ofSeconds(30));
        this.random = Objects.requireNonNull(random, "random");
        this.metrics = Objects.requireNonNull(metrics, "metrics");
    }

    /** The name of the browser-binding cookie that {@link #start} sets and {@link #callback} reads. */
    public String bindingCookieName() {
        return binding.name();
    }

    /**
     * {@code /oauth2/start}.
     *
     * @param rd           where to go after the login; {@code /} if absent
     * @param prompt       the {@code prompt} values sent: none, or {@code login} alone (the IdP is to authenticate
     *                     the user anew: a fresh {@code auth_time}, see {@link LoginAgainPage}); anything else is refused
     * @param bindingValue the browser-binding cookie, if the browser has one
     * @param origin       {@code scheme://host[:port]} as the browser reached the runtime, if the request names
     *                     one: where the callback is unless {@code redirectUrl} is configured
     */
    public CompletionStage<WebAnswer> start(Optional<String> rd, List<String> prompt, Optional<String> bindingValue,
            Optional<String> origin) {
        String redirectUri;
        switch (callbacks.of(origin)) {
            case CallbackUrls.Url url -> redirectUri = url.value();
            case CallbackUrls.Refused refused -> {
                metrics.login(refused.outcome());
                if (!refused.host().isEmpty()) {
                    // A missing allowedRedirectDomains entry or a forged Host: the operator needs the host to tell which.
                    refusedHosts.warn("login refused for host {}: {}", refused.host(), refused.message());
                }
                return done(WebAnswer.text(400, refused.message()));
            }
        }
        Optional<String> returnTo = targets.check(rd.orElse("/"));
        if (returnTo.isEmpty()) {
            metrics.login("redirect_refused");
            return done(WebAnswer.text(400, "rd is not an allowed redirect target: use a path on this host or a host listed "
                    + "in sessions.login.allowedRedirectDomains"));
        }
        // Only "login": it makes the IdP stricter. "none" or "consent" would change what the IdP may do on this
        // client's behalf (a silent login failing, a consent screen), which no caller of this route needs.
        if (!prompt.isEmpty() && !prompt.equals(List.of(PROMPT_LOGIN))) {
            metrics.login("prompt_refused");
            return done(WebAnswer.text(400, "prompt may only be login (the identity provider authenticates the user anew), "
                    + "or be left out"));
        }
        Optional<String> known = binding.read(bindingValue);
        String browser = known.orElseGet(() -> binding.newValue(random));
        String state = Secrets.randomToken(random);
        String nonce = Secrets.randomToken(random);
        Pkce pkce = Pkce.create(random);
        PendingLogin login = new PendingLogin(pkce.verifier(), nonce, returnTo.get(), BrowserBinding.hash(browser), redirectUri, clock.instant(),
                !prompt.isEmpty());
        return discovery.get()
                .thenCompose(endpoints -> pending.put(state, browser, login).thenApply(stored -> {
                    String location = endpoints.authorization() + (endpoints.authorization().getRawQuery() == null ? "?" : "&")
                            + "response_type=code"
                            + "&client_id=" + encode(config.clientId())
                            + "&redirect_uri=" + encode(redirectUri)
                            + "&scope=" + encode(String.join(" ", config.scopes()))
                            + "&state=" + state
                            + "&nonce=" + nonce
                            + "&code_challenge=" + pkce.challenge()
                            + "&code_challenge_method=S256"
                            // max_age=0 as well: it means the same (OIDC Core 3.1.2.1), some IdPs heed only one of the
                            // two, and with it auth_time is required in the ID token, which the callback then checks.
                            + (prompt.isEmpty() ? "" : "&prompt=" + PROMPT_LOGIN + "&max_age=0");
                    // Set again even when known: its ten minutes start anew with this login.
                    return WebAnswer.redirect(location, List.of(binding.setCookie(browser)));
                }))
                .exceptionally(error -> {
                    metrics.login("unavailable");
                    failures.warn("cannot start a login: {}", StepFailures.describe(error));
                    return WebAnswer.text(503, "the login is unavailable right now; try again shortly");
                });
    }

    /**
     * {@code /oauth2/callback}.
     *
     * @param query         the callback's query parameters ({@code code}, {@code state}, or {@code error}; {@code iss})
     * @param bindingValue  the browser-binding cookie, if sent
     * @param cookieHeaders the request's {@code Cookie} headers: a session of this browser that they carry
     *                      ends once the new one exists (a login again leaves no live session behind)
     */
    public CompletionStage<WebAnswer> callback(Map<String, String> query, Optional<String> bindingValue, List<String> cookieHeaders) {
        String state = query.get("state");
        if (state == null || state.isEmpty() || state.length() > 128) {
            return refused(400, "no_state", "the login has no state; start again");
        }
        // Checked before anything is taken: a callback from another browser must leave the login to its own.
        Optional<String> browser = binding.read(bindingValue);
        if (browser.isEmpty()) {
            return refused(400, "browser_mismatch", UNKNOWN_LOGIN);
        }
        return discovery.get().thenCompose(endpoints -> {
            // RFC 9207: an answer that names another issuer (a mix-up) is refused before its code goes anywhere.
            String iss = query.get("iss");
            if (iss == null ? endpoints.sendsIss() : !iss.equals(issuerUrl)) {
                return refused(400, iss == null ? "no_iss" : "wrong_iss", "the answer does not come from the identity provider "
                        + "this login went to; start again");
            }
            return finishCallback(query, state, browser.get(), cookieHeaders);
        }).exceptionally(error -> {
            metrics.login("unavailable");
            failures.warn("login: {}", StepFailures.describe(error));
            return WebAnswer.text(503, CALLBACK_UNAVAILABLE);
        });
    }

    /** The callback once its browser and issuer are known to be right: takes the pending login and redeems the code. */
    private CompletionStage<WebAnswer> finishCallback(Map<String, String> query, String state, String browser, List<String> cookieHeaders) {
        return pending.take(state, browser).thenCompose(found -> {
            // Filed under state and binding: another browser's binding finds nothing, and takes nothing.
            if (found.isEmpty()) {
                return refused(400, "unknown_state", UNKNOWN_LOGIN);
            }
            PendingLogin login = found.get();
            if (!Secrets.same(BrowserBinding.hash(browser), login.bindingHash())) {
                return refused(400, "browser_mismatch", UNKNOWN_LOGIN);
            }
            if (query.containsKey("error")) {
                return refused(401, "idp_error", "the identity provider did not log you in");
            }
            String code = query.get("code");
            if (code == null || code.isEmpty()) {
                return refused(400, "no_code", "the identity provider sent no code; start again");
            }
            return tokens.exchangeCode(code, login.codeVerifier(), login.redirectUri())
                    .thenCompose(grant -> switch (grant) {
                        case TokenGrant.Refused refused -> refused(400, "code_refused", "the identity provider refused the code; start again");
                        case TokenGrant.Unavailable unavailable -> {
                            failures.warn("login: code exchange failed: {}", unavailable.reason());
                            yield refused(503, "unavailable", CALLBACK_UNAVAILABLE);
                        }
                        case TokenGrant.Granted granted -> finish(login, granted, cookieHeaders);
                    });
        });
    }

    private CompletionStage<WebAnswer> finish(PendingLogin login, TokenGrant.Granted granted, List<String> cookieHeaders) {
        if (granted.idToken().isEmpty()) {
            return refused(401, "no_id_token", "the identity provider sent no ID token");
        }
        Optional<Instant> authenticatedSince = login.reauthenticate() ? Optional.of(login.startedAt()) : Optional.empty();
        return idTokens.check(granted.idToken().get(), Optional.of(login.nonce()), authenticatedSince).thenCompose(checked -> switch (checked) {
            case IdTokenCheck.Invalid invalid when invalid.reason().equals(IdTokenRules.NOT_REAUTHENTICATED) -> refused(401,
                    "id_token_" + invalid.reason(), "the identity provider did not authenticate you anew, as this login asked it to "
                            + "(prompt=login); nothing was logged in");
            case IdTokenCheck.Invalid invalid -> refused(401, "id_token_" + invalid.reason(), "the ID token is not valid");
            case IdTokenCheck.Undecidable undecidable -> refused(503, "unavailable", CALLBACK_UNAVAILABLE);
            case IdTokenCheck.Valid valid -> createSession(login, granted, valid.claims(), clock.instant())
                    .thenCompose(answer -> endReplaced(cookieHeaders, answer));
        });
    }

    private CompletionStage<WebAnswer> createSession(PendingLogin login, TokenGrant.Granted granted, Map<String, Object> claims, Instant now) {
        SessionUser user = new SessionUser(issuerUrl, (String) claims.get("sub"));
        SessionTokens sessionTokens = new SessionTokens(granted.accessToken(), granted.refreshToken(), granted.idToken(),
                now.plus(granted.expiresIn().orElse(DEFAULT_ACCESS_TOKEN_LIFETIME)));
        List<String> roles = SessionGrants.roles(claims, granted.accessToken());
        List<String> scopes = SessionGrants.scopes(granted.scopes(), config.scopes());
        Session session = Session.start(user, Claims.string(claims.get("sid")), Identities.verifiedEmail(claims),
                Claims.string(claims.get("preferred_username")), Claims.strings(claims.get("groups")), roles, scopes,
                sessionTokens, now);
        // When the user authenticated (auth_time, else iat): a back-channel logout by sub issued since refuses the session;
        // the login's start (our clock): so does log-out-everywhere made since, which has no IdP time to compare.
        LoginTimes times = new LoginTimes(AuthenticatedAt.of(claims), login.startedAt());
        return store.create(session, times).thenApply(ticket -> {
            metrics.sessionCreated();
            metrics.login("success");
            // The binding has served its purpose; a login started in a parallel tab must start again.
            List<String> cookies = List.of(cookie.setCookie(ticket), binding.clearCookie());
            return cookie.sameSite() == SameSite.Strict ? ReturnPage.answer(login.returnTo(), cookies)
                    : WebAnswer.redirect(login.returnTo(), cookies);
        }).exceptionallyCompose(error -> Failures.unwrap(error) instanceof IdpSessionEndedException
                // The IdP ended this login's session, or its user was logged out (back-channel or everywhere), before it was stored.
                // A page, not a text: its link logs in again with prompt=login, which a retry through the IdP's single
                // sign-on needs (the same old auth_time would be refused again while the logout is remembered).
                ? refused("idp_session_ended", LoginAgainPage.answer(login.returnTo()))
                : CompletableFuture.failedFuture(error));
    }

    /**
     * Ends the session that the browser's cookie held before this login, if any: the new cookie replaces
     * it, and a session nobody holds a cookie for would live on until its timeouts, out of reach of
     * sign-out. Best effort: the login has succeeded either way.
     */
    private CompletionStage<WebAnswer> endReplaced(List<String> cookieHeaders, WebAnswer answer) {
        Optional<SessionTicket> replaced = Cookies.value(cookieHeaders, cookie.name()).map(cookie::read)
                .filter(CookieCheck.Valid.class::isInstance).map(valid -> ((CookieCheck.Valid) valid).ticket());
        if (replaced.isEmpty()) {
            return done(answer);
        }
        return store.delete(replaced.get()).handle((deleted, error) -> {
            if (error != null) {
                failures.warn("login: the session it replaces could not be ended: {}", StepFailures.describe(error));
            }
            return answer;
        });
    }


    private CompletionStage<WebAnswer> refused(int status, String outcome, String message) {
        return refused(outcome, WebAnswer.text(status, message));
    }

    private CompletionStage<WebAnswer> refused(String outcome, WebAnswer answer) {
        metrics.login(outcome);
        LOG.debug("login refused: {}", outcome); // counted in authtier_logins_total; not logged at INFO, which anyone could flood
        return done(answer);
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    private static <T> CompletionStage<T> done(T value) {
        return CompletableFuture.completedFuture(value);
    }
}
