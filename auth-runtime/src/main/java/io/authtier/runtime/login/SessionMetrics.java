package io.authtier.runtime.login;

import io.authtier.runtime.resilience.BreakerStateGauges;
import io.authtier.runtime.session.StoreTimings;
import io.authtier.runtime.session.TimedSessionBytes;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The metrics of browser logins and sessions (ARCHITECTURE.md, contract 5). Label values are fixed codes;
 * nothing from a cookie, token or user is ever a label.
 */
public final class SessionMetrics {

    /** {@code authtier_logins_total{outcome}}: {@code success} or the reason a login failed. */
    public static final String LOGINS = "authtier.logins";
    /** {@code authtier_session_creations_total} (a name ending in _created is reserved in OpenMetrics). */
    public static final String SESSIONS_CREATED = "authtier.session.creations";
    /** {@code authtier_session_lookups_total{result}}: found, absent, expired, unreadable, bad_cookie, error. */
    public static final String LOOKUPS = "authtier.session.lookups";
    /** {@code authtier_session_refreshes_total{outcome}}: refreshed, invalid_grant, id_token_mismatch, id_token_invalid,
     * access_token_mismatch, failed, by_other, lock_lost (refreshed tokens not stored: the lock had ended; counted
     * besides refreshed), not_stored (refreshed tokens the store did not take before their lock ended: kept on the
     * replica meanwhile, then gone; counted besides refreshed). */
    public static final String REFRESHES = "authtier.session.refreshes";
    /** {@code authtier_logouts_total{kind}}: sign_out, backchannel, admin. */
    public static final String LOGOUTS = "authtier.logouts";
    /** {@code authtier_sessions_active}: sessions stored now (an estimate in Redis, refreshed every minute). */
    public static final String ACTIVE = "authtier.sessions.active";
    /** {@code authtier_login_idp_duration_seconds{grant,outcome}}: the login's calls to the token endpoint (histogram). */
    public static final String IDP_DURATION = "authtier.login.idp.duration";
    /** {@code authtier_session_touch_failures_total}: uses of a session that the store refused to record (Redis full); the session was served. */
    public static final String TOUCH_FAILURES = "authtier.session.touch.failures";
    /**
     * {@code authtier_session_store_duration_seconds{operation,outcome}} (histogram): each call to the byte store
     * (Redis or memory), timed by {@link TimedSessionBytes}; hits of the replica's short memory are not calls.
     */
    public static final String STORE_DURATION = "authtier.session.store.duration";

    private static final String LOGINS_DESCRIPTION = "Browser logins by outcome";
    private static final String LOOKUPS_DESCRIPTION = "Session lookups by /auth and /oauth2/userinfo, by result";
    private static final String REFRESHES_DESCRIPTION = "Access token refreshes of sessions, by outcome";

    /** The {@code outcome} values of logins known at start; {@code id_token_<code>} ones appear with their first use. */
    static final List<String> LOGIN_OUTCOMES = List.of("success", "redirect_refused", "no_state", "unknown_state",
            "browser_mismatch", "no_iss", "wrong_iss", "idp_error", "no_code", "code_refused", "no_id_token", "unavailable",
            "no_host", "callback_host_refused", "callback_not_https", "idp_session_ended", "prompt_refused");
    static final List<String> LOOKUP_RESULTS = List.of("found", "absent", "expired", "unreadable", "bad_cookie", "error");
    static final List<String> REFRESH_OUTCOMES = List.of("refreshed", "invalid_grant", "id_token_mismatch", "id_token_invalid",
            "access_token_mismatch", "failed", "by_other", "lock_lost", "not_stored");
    static final List<String> LOGOUT_KINDS = List.of("sign_out", "backchannel", "admin");

    private static final Duration[] BUCKETS = {Duration.ofNanos(250_000), Duration.ofNanos(500_000), Duration.ofMillis(1),
            Duration.ofMillis(2), Duration.ofMillis(5), Duration.ofMillis(10), Duration.ofMillis(25), Duration.ofMillis(100),
            Duration.ofMillis(500), Duration.ofSeconds(2)};

    private final MeterRegistry registry;
    private final Map<String, Counter> counters = new ConcurrentHashMap<>();
    private final Map<String, Timer> timers = new ConcurrentHashMap<>();
    /** {@link #STORE_DURATION}'s timers by operation, one map per outcome. */
    private final Map<String, Timer> storeOk = new ConcurrentHashMap<>();
    private final Map<String, Timer> storeError = new ConcurrentHashMap<>();
    private final AtomicLong active = new AtomicLong(-1);

    public SessionMetrics(MeterRegistry registry) {
        this.registry = Objects.requireNonNull(registry, "registry");
        Gauge.builder(ACTIVE, active, value -> value.get() < 0 ? Double.NaN : value.get())
                .description("Sessions stored now: exact in memory; in Redis a SCAN count every minute, a lower bound beyond 100 000")
                .register(registry);
        // Every counter with its known label values at 0, so that alert expressions have series from the start.
        LOGIN_OUTCOMES.forEach(outcome -> counter(LOGINS, "outcome", outcome, LOGINS_DESCRIPTION));
        sessionsCreated();
        LOOKUP_RESULTS.forEach(result -> counter(LOOKUPS, "result", result, LOOKUPS_DESCRIPTION));
        REFRESH_OUTCOMES.forEach(outcome -> counter(REFRESHES, "outcome", outcome, REFRESHES_DESCRIPTION));
        LOGOUT_KINDS.forEach(this::logouts);
        touchFailures();
    }

    /** Registers the state gauges of the login issuer's token-endpoint breaker (code exchanges, refreshes). */
    void tokenEndpointBreaker(String issuer, Supplier<String> state) {
        BreakerStateGauges.register(registry, issuer, BreakerStateGauges.TOKEN, state);
    }

    /** A session's once-a-minute touch was refused by the store; the session was served as read. */
    public void touchFailed() {
        touchFailures().increment();
    }

    private Counter touchFailures() {
        return counters.computeIfAbsent(TOUCH_FAILURES, name -> Counter.builder(name)
                .description("Uses of a session that the store refused to record (Redis full); the session was served").register(registry));
    }

    void activeSessions(long count) {
        active.set(count);
    }

    void login(String outcome) {
        counter(LOGINS, "outcome", outcome, LOGINS_DESCRIPTION).increment();
    }

    void sessionCreated() {
        sessionsCreated().increment();
    }

    void lookup(String result) {
        counter(LOOKUPS, "result", result, LOOKUPS_DESCRIPTION).increment();
    }

    void refresh(String outcome) {
        counter(REFRESHES, "outcome", outcome, REFRESHES_DESCRIPTION).increment();
    }

    void logout(String kind, long sessions) {
        logouts(kind).increment(sessions);
    }

    private Counter sessionsCreated() {
        return counters.computeIfAbsent(SESSIONS_CREATED, name -> Counter.builder(name)
                .description("Sessions created by a login").register(registry));
    }

    private Counter logouts(String kind) {
        return counters.computeIfAbsent(LOGOUTS + "|" + kind, key -> Counter.builder(LOGOUTS)
                .description("Sessions ended by a logout, by kind (sign_out|backchannel|admin)")
                .tag("kind", kind).register(registry));
    }

    /** Where {@link TimedSessionBytes} reports the session store's calls, as {@link #STORE_DURATION}. */
    public StoreTimings storeTimings() {
        return this::recordStoreCall;
    }

    private void recordStoreCall(String operation, boolean ok, long nanos) {
        // Runs for every Redis call of a cookie request: a plain lookup by operation, no key string built, no lambda.
        Map<String, Timer> byOperation = ok ? storeOk : storeError;
        Timer timer = byOperation.get(operation);
        if (timer == null) {
            timer = byOperation.computeIfAbsent(operation, op -> storeTimer(op, ok ? "ok" : "error"));
        }
        timer.record(nanos, TimeUnit.NANOSECONDS);
    }

    private Timer storeTimer(String operation, String outcome) {
        return Timer.builder(STORE_DURATION)
                .description("Session store calls (Redis or memory; not the replica's short memory), by operation "
                        + "(create|load|touch|update|delete|delete_user|delete_idp_session|lock|count) and outcome (ok|error)")
                .tag("operation", operation).tag("outcome", outcome).serviceLevelObjectives(BUCKETS).register(registry);
    }


    /** Records one token endpoint call: {@code grant} code or refresh; {@code outcome} granted, refused or unavailable. */
    void idpCall(String grant, String outcome, long startNanos) {
        timers.computeIfAbsent("idp|" + grant + "|" + outcome, key -> Timer.builder(IDP_DURATION)
                .description("The login's calls to the IdP's token endpoint, by grant (code|refresh) and outcome")
                .tag("grant", grant).tag("outcome", outcome).serviceLevelObjectives(BUCKETS).register(registry))
                .record(System.nanoTime() - startNanos, TimeUnit.NANOSECONDS);
    }

    private Counter counter(String name, String tag, String value, String description) {
        return counters.computeIfAbsent(name + "|" + value, key -> Counter.builder(name).description(description)
                .tag(tag, value).register(registry));
    }
}
