package io.authtier.runtime.login;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.authtier.runtime.config.IssuerConfig;
import io.authtier.runtime.config.LoginConfig;
import io.authtier.runtime.config.RuntimeConfig;
import io.authtier.runtime.config.SessionsConfig;
import io.authtier.runtime.idp.ClientSecretBasic;
import io.authtier.runtime.idp.Discovery;
import io.authtier.runtime.resilience.BreakerTuning;
import io.authtier.runtime.resilience.IdpGuard;
import io.authtier.runtime.session.SessionCipher;
import io.authtier.runtime.session.SessionCookie;
import io.authtier.runtime.session.SessionStore;
import io.authtier.runtime.session.SessionUser;
import io.authtier.runtime.token.Principal;
import io.authtier.runtime.token.jwt.IssuerKeys;
import io.authtier.runtime.token.jwt.JwtVerifier;
import io.authtier.runtime.token.jwt.SignedJwtVerifier;
import java.net.http.HttpClient;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Browser login and sessions, the whole feature behind one object: the login flow ({@code /oauth2/start},
 * {@code /oauth2/callback}), sign-out, back-channel logout, {@code /oauth2/userinfo}, the session side of
 * {@code /auth}, and "log this user out everywhere". Exists only when {@code sessions.login} is configured.
 * It owns the session store, the pending logins, its HTTP client and its retry scheduler.
 */
public final class BrowserSessions implements AutoCloseable {

    private final LoginConfig login;
    private final SessionsConfig sessions;
    private final IssuerConfig issuer;
    private final LoginFlow flow;
    private final SignOut signOut;
    private final CallbackUrls callbackUrls;
    private final BackchannelLogout backchannel;
    private final SessionAuthenticator authenticator;
    private final SessionStore store;
    private final PendingLogins pending;
    private final HttpClient http;
    private final ScheduledExecutorService retries;
    private final SessionMetrics metrics;
    private final ObjectMapper json = new ObjectMapper();
    /** How often the active-sessions gauge is refreshed, and how many SCAN calls (of 1000 keys) it may take. */
    static final Duration ACTIVE_COUNT_INTERVAL = Duration.ofMinutes(1);
    static final int ACTIVE_COUNT_BUDGET = 100;
    /**
     * After the login issuer's discovery failed, how long logins answer 503 before it is fetched again: a callback
     * needs only a made-up state to reach it, so each would otherwise be one request to the failing IdP.
     */
    static final Duration DISCOVERY_PAUSE = Duration.ofSeconds(1);

    /**
     * @param config      the configuration; {@code sessions.login} must be present
     * @param issuerKeys  the keys of the login issuer (the ID and logout tokens' signatures)
     * @param worker      where signature checks run
     * @param store       the session store, which this object then owns
     * @param pending     the pending-login store, which this object then owns
     */
    public BrowserSessions(RuntimeConfig config, IssuerKeys issuerKeys, Executor worker, SessionStore store, PendingLogins pending,
            SessionMetrics metrics, Clock clock, BreakerTuning tuning) {
        this.sessions = config.sessions();
        this.login = sessions.login().orElseThrow(() -> new IllegalArgumentException("sessions.login is not configured"));
        this.issuer = config.issuer(login.issuer()).orElseThrow(() -> new IllegalArgumentException("unknown login issuer " + login.issuer()));
        this.store = Objects.requireNonNull(store, "store");
        this.pending = Objects.requireNonNull(pending, "pending");
        this.metrics = Objects.requireNonNull(metrics, "metrics");
        SecureRandom random = new SecureRandom();
        Duration timeout = config.resilience().timeout();
        // The files first: one that cannot be read then throws before the HTTP client and the scheduler exist,
        // which nothing would close.
        Optional<String> clientSecret = login.clientSecretFile().map(file -> ClientSecretBasic.header(login.clientId(), file, "login"));
        SessionCookie cookie = SessionCookie.of(sessions.cookie(), sessions.absoluteTimeout());
        // Answers are handled on the client's own I/O thread, not handed to a pool first: what follows an answer
        // (parse, hand the ID token to the verification threads, write to Redis) never blocks, and the hand-over cost
        // each token call 0.3 to 0.9 ms on two cores (docs/benchmarks.md, "Eleventh session").
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(timeout)
                .followRedirects(HttpClient.Redirect.NEVER).executor(Runnable::run).build();
        this.retries = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().name("authtier-login-retry").daemon(true).factory());
        String issuerUrl = issuer.issuerUrl().toString();
        Discovery<ProviderEndpoints> discovery = new Discovery<>(issuerUrl, "the login issuer", http, timeout, ProviderEndpoints::of,
                clock, DISCOVERY_PAUSE);
        IdpGuard guard = new IdpGuard("login-" + issuer.name(), config.resilience(), tuning, clock, retries);
        metrics.tokenEndpointBreaker(issuer.name(), guard::state);
        TokenEndpoint tokens = new TokenEndpoint(discovery::get, login.clientId(), clientSecret, http, guard, timeout, metrics);
        SignedJwtVerifier jwts = new SignedJwtVerifier(issuerKeys, worker, config.server().maxTokenBytes(),
                JwtVerifier.DEFAULT_MAX_PENDING);
        ReturnTargets targets = new ReturnTargets(login.allowedRedirectDomains());
        IdTokenCheck idTokens = new IdTokenCheck(jwts, login.clientId(), issuer.clockSkew(), clock);
        this.flow = new LoginFlow(login, issuerUrl, discovery, tokens,
                new PendingLoginVault(pending, new SessionCipher(random)), idTokens, store, cookie, clock, random, metrics);
        this.callbackUrls = new CallbackUrls(login);
        this.signOut = new SignOut(login.clientId(), cookie, store, discovery, targets, callbackUrls, clock, metrics);
        this.backchannel = new BackchannelLogout(issuerUrl, login.clientId(), issuer.clockSkew(), jwts, store, pending, clock, random, metrics);
        // A refresh may retry: hold the lock for every attempt and backoff, and never less than 10 s.
        Duration lockTtl = timeout.multipliedBy(config.resilience().retry().maxAttempts()).multipliedBy(2);
        this.authenticator = new SessionAuthenticator(cookie, store,
                Optional.of(new SessionRefresher(store, tokens, new RefreshAnswerCheck(idTokens), lockTtl.compareTo(Duration.ofSeconds(10)) < 0 ? Duration.ofSeconds(10) : lockTtl,
                        clock, random, metrics)), clock, metrics);
        retries.scheduleWithFixedDelay(this::countSessions, 0, ACTIVE_COUNT_INTERVAL.toSeconds(), TimeUnit.SECONDS);
    }

    /** Refreshes the active-sessions gauge; a failure leaves the last value (the store's own metrics tell why). */
    private void countSessions() {
        store.count(ACTIVE_COUNT_BUDGET).thenAccept(count -> metrics.activeSessions(count.sessions()));
    }

    public LoginConfig login() {
        return login;
    }

    public SessionsConfig sessions() {
        return sessions;
    }

    public String bindingCookieName() {
        return flow.bindingCookieName();
    }

    public SessionAuthenticator authenticator() {
        return authenticator;
    }

    /**
     * The origin ({@code scheme://host[:port]}) that serves {@code /oauth2/} for a request from {@code origin}: the
     * configured callback's, or {@code origin} itself where a callback may be derived on it (an allowed host, https
     * but on the loopback); empty otherwise.
     */
    public Optional<String> loginOrigin(Optional<String> origin) {
        return callbackUrls.origin(origin) instanceof CallbackUrls.Url url ? Optional.of(url.value()) : Optional.empty();
    }

    /** @param prompt the {@code prompt} values of the request: none, or {@code login} alone */
    public CompletionStage<WebAnswer> start(Optional<String> rd, List<String> prompt, Optional<String> bindingValue,
            Optional<String> origin) {
        return flow.start(rd, prompt, bindingValue, origin);
    }

    /** @param cookieHeaders the request's {@code Cookie} headers: a session they carry is replaced by the new one */
    public CompletionStage<WebAnswer> callback(Map<String, String> query, Optional<String> bindingValue, List<String> cookieHeaders) {
        return flow.callback(query, bindingValue, cookieHeaders);
    }

    /** @param origin {@code scheme://host[:port]} as the browser reached the runtime, if the request names one */
    public CompletionStage<WebAnswer> signOut(List<String> cookieHeaders, Optional<String> rd, Optional<String> origin) {
        return signOut.signOut(cookieHeaders, rd, origin);
    }

    public CompletionStage<WebAnswer> backchannelLogout(Optional<String> logoutToken) {
        return backchannel.logout(logoutToken);
    }

    /** {@code /oauth2/userinfo}: the session's identity as JSON (never a token), or 401. */
    public CompletionStage<WebAnswer> userinfo(List<String> cookieHeaders) {
        return authenticator.authenticate(cookieHeaders).thenApply(outcome -> switch (outcome) {
            case SessionAuthenticator.Authenticated authenticated -> WebAnswer.json(200, identity(authenticated.principal()),
                    authenticated.setCookie().stream().toList());
            case SessionAuthenticator.Anonymous anonymous -> WebAnswer.json(401, "{\"error\":\"no_session\"}",
                    anonymous.clearCookie() ? List.of(authenticator.clearCookie()) : List.of());
            case SessionAuthenticator.Unavailable unavailable -> WebAnswer.json(503, "{\"error\":\"unavailable\"}", List.of());
        });
    }

    /**
     * Ends every session of {@code subject} at the login issuer ("log out everywhere"); how many there were. A login
     * of that user under way meanwhile (begun before, finishing after) is refused: the store remembers the logout.
     */
    public CompletionStage<Long> logoutEverywhere(String subject) {
        return store.deleteAllForUser(new SessionUser(issuer.issuerUrl().toString(), subject)).thenApply(count -> {
            metrics.logout("admin", count);
            return count;
        });
    }

    private String identity(Principal principal) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("sub", principal.subject());
        body.put("iss", principal.issuer());
        principal.email().ifPresent(email -> body.put("email", email));
        principal.preferredUsername().ifPresent(name -> body.put("preferred_username", name));
        body.put("groups", principal.groups());
        try {
            return json.writeValueAsString(body);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write userinfo JSON: " + e.getClass().getSimpleName());
        }
    }

    @Override
    public void close() {
        retries.shutdownNow();
        http.close();
        pending.close();
        store.close();
    }
}
