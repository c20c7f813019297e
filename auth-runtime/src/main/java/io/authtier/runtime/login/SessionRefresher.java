package io.authtier.runtime.login;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.github.benmanes.caffeine.cache.RemovalCause;
import com.github.benmanes.caffeine.cache.Scheduler;
import io.authtier.runtime.resilience.RateLimitedLog;
import io.authtier.runtime.session.Session;
import io.authtier.runtime.session.SessionLookup;
import io.authtier.runtime.session.SessionStore;
import io.authtier.runtime.session.SessionTicket;
import io.authtier.runtime.session.SessionTokens;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Refreshes a session's access token shortly before it expires, once per session at a time across all
 * replicas: requests for one session on this replica share one attempt (single flight); that attempt takes
 * the session's lock in the store, reloads the session and checks again (another replica may have just
 * refreshed it), and only then calls the IdP. {@code invalid_grant} ends the session; a network error or
 * an open breaker keeps it. A request that finds another replica holding the lock reads the stored session
 * once (the holder may be done already), then waits for the holder's result (reloading a few times) if
 * its access token has already expired, and otherwise goes on with it.
 *
 * <p>The lock is released by its holder only once the refresh's work has ended (or left to expire), never
 * while its call to the IdP may still be under way: a refresh whose request has been answered (it waits at
 * most until the lock's end) may still be retrying or storing. The IdP call itself is over by the lock's end
 * ({@link TokenEndpoint#refresh}), so nothing of it reaches the IdP once another replica may hold the lock.
 *
 * <p>New tokens are stored only under this replica's lock: the write is conditional on the lock in one step, so a
 * lock that has ended (another replica may hold it) gets no write, even one that reaches the store late
 * ({@link #storeUnderLock}). New tokens that cannot be stored
 * (the store fails the write twice) are not thrown away: with rotating
 * refresh tokens the old refresh token is spent, and the next refresh would end the session with
 * {@code invalid_grant}. The request goes on with them, this replica remembers them until its lock ends (not
 * a moment longer: after that another replica may hold the lock and refresh), and keeps the lock meanwhile, so
 * that no replica spends the old refresh token; this replica's next request for the session stores them (and
 * releases the lock) instead of refreshing again. Another replica, or this one once the lock has ended,
 * refreshes with the old token and may end the session: docs/login.md.
 */
final class SessionRefresher {

    private static final Logger LOG = LoggerFactory.getLogger(SessionRefresher.class);
    /** How long before the access token's expiry a refresh starts. */
    static final Duration REFRESH_AHEAD = Duration.ofSeconds(30);
    /** How often, and how many times, a request reloads a session that another replica is refreshing. */
    static final Duration WAIT_STEP = Duration.ofMillis(100);
    static final int WAIT_STEPS = 30;
    /**
     * How long before the lock's TTL this replica counts it as ended: the lock's end here is measured from before
     * the lock was asked for, and this margin covers Redis's clock running a little faster than ours.
     */
    static final Duration LOCK_MARGIN = Duration.ofSeconds(1);

    private final SessionStore store;
    private final TokenEndpoint tokens;
    private final RefreshAnswerCheck answers;
    private final Duration lockTtl;
    private final Clock clock;
    private final SecureRandom random;
    private final SessionMetrics metrics;
    private final Map<SessionTicket, CompletableFuture<Refreshed>> inFlight = new ConcurrentHashMap<>();
    /** Refreshed sessions that could not be stored, with the owner of the lock kept for them; until the lock ends. */
    private final Cache<SessionTicket, Unsaved> unsaved;
    private final RateLimitedLog failures;

    /** @param lockEnds when the lock kept for these tokens ends: they are forgotten then */
    private record Unsaved(Session session, String lockOwner, Deadline lockEnds) {
    }

    /**
     * @param answers decides whether an answer of the IdP is the session's user's before it is used
     * @param lockTtl how long a replica may hold a session's refresh lock: longer than a refresh can take
     */
    SessionRefresher(SessionStore store, TokenEndpoint tokens, RefreshAnswerCheck answers, Duration lockTtl, Clock clock, SecureRandom random,
            SessionMetrics metrics) {
        this.store = Objects.requireNonNull(store, "store");
        this.tokens = Objects.requireNonNull(tokens, "tokens");
        this.answers = Objects.requireNonNull(answers, "answers");
        this.lockTtl = Objects.requireNonNull(lockTtl, "lockTtl");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.random = Objects.requireNonNull(random, "random");
        this.metrics = Objects.requireNonNull(metrics, "metrics");
        // Caffeine's own ticker is System.nanoTime(), the clock of Deadline.
        this.unsaved = Caffeine.newBuilder().expireAfter(Expiry.creating((SessionTicket ticket, Unsaved kept) -> kept.lockEnds().remaining()))
                .maximumSize(10_000).executor(Runnable::run)
                // Expired when the lock ends, not at some later use of this cache: so that the loss is counted then
                .scheduler(Scheduler.systemScheduler())
                .removalListener((SessionTicket ticket, Unsaved kept, RemovalCause cause) -> {
                    if (cause.wasEvicted()) {
                        metrics.refresh("not_stored"); // never stored: gone with their lock (or crowded out)
                    }
                })
                .build();
        this.failures = new RateLimitedLog(LOG, clock, Duration.ofSeconds(30));
    }

    /** What became of a session that was due for a refresh. */
    sealed interface Refreshed {
    }

    /** The session to go on with: refreshed, or unchanged (refresh failed or not needed) */
    record Current(Session session) implements Refreshed {
    }

    /** The IdP refused the refresh token ({@code invalid_grant}), or the session is gone: it has ended. */
    record Ended() implements Refreshed {
    }

    boolean due(Session session, Instant now) {
        return !session.tokens().accessTokenExpiresAt().minus(REFRESH_AHEAD).isAfter(now);
    }

    /** Refreshes {@code session} if it is due; otherwise returns it as it is. */
    CompletionStage<Refreshed> refreshIfDue(SessionTicket ticket, Session session) {
        if (!due(session, clock.instant()) || session.tokens().refreshToken().isEmpty()) {
            return CompletableFuture.completedFuture(new Current(session));
        }
        CompletableFuture<Refreshed> mine = new CompletableFuture<>();
        CompletableFuture<Refreshed> running = inFlight.putIfAbsent(ticket, mine);
        if (running != null) {
            return running;
        }
        refresh(ticket, session).whenComplete((result, error) -> {
            inFlight.remove(ticket, mine);
            if (error != null) {
                failures.warn("session refresh failed, session kept: {}", StepFailures.describe(error));
                mine.complete(new Current(session));
            } else {
                mine.complete(result);
            }
        });
        return mine;
    }

    private CompletionStage<Refreshed> refresh(SessionTicket ticket, Session session) {
        Unsaved pending = unsaved.getIfPresent(ticket);
        if (pending != null && !pending.lockEnds().passed()) {
            return storeUnsaved(ticket, pending);
        }
        String owner = Secrets.randomToken(random);
        Deadline lockEnds = lockEndsIfTakenNow();
        return store.tryLockRefresh(ticket, owner, lockTtl).thenCompose(locked -> {
            if (!locked) {
                metrics.refresh("by_other");
                // The holder may have stored new tokens already (its unlock can reach Redis after its answer):
                // read once, so that a copy remembered from before the refresh is not what goes upstream.
                return store.loadFresh(ticket).thenCompose(lookup -> switch (lookup) {
                    case SessionLookup.Found(Session reloaded) when !due(reloaded, clock.instant()) ->
                            CompletableFuture.<Refreshed>completedFuture(new Current(reloaded));
                    case SessionLookup.Found(Session reloaded) -> awaitOther(ticket, reloaded, WAIT_STEPS);
                    default -> CompletableFuture.<Refreshed>completedFuture(new Ended());
                });
            }
            CompletableFuture<Refreshed> work = store.loadFresh(ticket)
                    .thenCompose(lookup -> switch (lookup) {
                        case SessionLookup.Found(Session current) when !due(current, clock.instant()) ->
                                CompletableFuture.<Refreshed>completedFuture(new Current(current));
                        case SessionLookup.Found(Session current) -> callIdp(ticket, current, owner, lockEnds);
                        default -> CompletableFuture.<Refreshed>completedFuture(new Ended());
                    }).toCompletableFuture();
            // Released when the work has ended, not when the request stops waiting for it: until then the IdP
            // call may be under way, and another replica must not refresh with the same refresh token.
            work.whenComplete((result, error) -> releaseUnlessKept(ticket, owner));
            // The request waits no longer than the lock lasts (a store call that hangs, the IdP's last retry).
            return work.copy().orTimeout(Math.max(0, lockEnds.remaining().toMillis()), TimeUnit.MILLISECONDS);
        });
    }

    /**
     * Stores tokens that an earlier refresh could not, under the lock kept for them; the lock is released once
     * they are stored, or once they are forgotten (the lock was no longer this replica's: then the release finds
     * another's lock, or none, and leaves it).
     */
    private CompletionStage<Refreshed> storeUnsaved(SessionTicket ticket, Unsaved pending) {
        String owner = pending.lockOwner();
        return storeUnderLock(ticket, pending.session(), owner, pending.lockEnds())
                .whenComplete((result, error) -> releaseUnlessKept(ticket, owner));
    }

    /**
     * When a lock taken (or extended) now ends, by this replica's reckoning: asked before the store is, so that it is
     * never later than the lock's end in the store.
     */
    private Deadline lockEndsIfTakenNow() {
        return Deadline.in(lockTtl.minus(LOCK_MARGIN));
    }

    /** Releases {@code owner}'s lock, unless it is kept for tokens this replica could not store yet. */
    private void releaseUnlessKept(SessionTicket ticket, String owner) {
        Unsaved kept = unsaved.getIfPresent(ticket);
        if (kept == null || !kept.lockOwner().equals(owner)) {
            store.unlockRefresh(ticket, owner);
        }
    }

    /**
     * @param owner    the lock's owner: kept for tokens that cannot be stored
     * @param lockEnds when the lock ends: the IdP call is over by then
     */
    private CompletionStage<Refreshed> callIdp(SessionTicket ticket, Session current, String owner, Deadline lockEnds) {
        return tokens.refresh(current.tokens().refreshToken().orElseThrow(), lockEnds).thenCompose(grant -> switch (grant) {
            case TokenGrant.Granted granted -> answers.check(current, granted).thenCompose(verdict -> switch (verdict) {
                case RefreshAnswerCheck.Accepted accepted -> adopt(ticket, current, granted, owner, lockEnds);
                // Another user's tokens, or forged ones (a misrouted or misconfigured IdP): nothing of this answer is used.
                case RefreshAnswerCheck.Refused refused -> {
                    metrics.refresh(refused.outcome());
                    LOG.warn("session ended: the IdP answered its refresh with {}", refused.reason());
                    // Ended even if the delete fails: nothing of this session may be used again on this request.
                    yield store.delete(ticket).handle((deleted, error) -> (Refreshed) new Ended());
                }
                case RefreshAnswerCheck.Undecidable undecidable -> {
                    metrics.refresh("failed");
                    failures.warn("session refresh not used, session kept: its ID token cannot be checked now ({})", undecidable.reason());
                    yield CompletableFuture.completedFuture(new Current(current));
                }
            });
            case TokenGrant.Refused refused when refused.invalidGrant() -> {
                metrics.refresh("invalid_grant");
                yield endIfUnchanged(ticket, current);
            }
            case TokenGrant.Refused refused -> {
                metrics.refresh("failed");
                failures.warn("session refresh refused by the IdP: {}", refused.error());
                yield CompletableFuture.completedFuture(new Current(current));
            }
            case TokenGrant.Unavailable unavailable -> {
                metrics.refresh("failed");
                failures.warn("session refresh failed, session kept: {}", unavailable.reason());
                yield CompletableFuture.completedFuture(new Current(current));
            }
        });
    }

    /**
     * Stores the session with the tokens of {@code granted}, and groups, roles and scopes read again from them.
     *
     * @param owner    the lock's owner: kept for tokens that cannot be stored
     * @param lockEnds when the lock ends: tokens that cannot be stored are kept until then
     */
    private CompletionStage<Refreshed> adopt(SessionTicket ticket, Session current, TokenGrant.Granted granted, String owner,
            Deadline lockEnds) {
        SessionTokens renewed = new SessionTokens(granted.accessToken(),
                granted.refreshToken().or(() -> current.tokens().refreshToken()),
                granted.idToken().or(() -> current.tokens().idToken()),
                clock.instant().plus(granted.expiresIn().orElse(LoginFlow.DEFAULT_ACCESS_TOKEN_LIFETIME)));
        Session updated = SessionGrants.reread(current.withTokens(renewed), granted.scopes());
        metrics.refresh("refreshed");
        return storeUnderLock(ticket, updated, owner, lockEnds);
    }

    /**
     * Stores refreshed tokens only under this replica's own lock: the write is conditional on the lock, compare and
     * write in one step ({@link SessionStore#updateUnderLock}), so even a write held up until after the lock ended
     * (another replica may hold it and have stored newer tokens) changes nothing. Tokens that the lock's end kept
     * from the store serve this request and are forgotten, as kept tokens are once their lock ends (docs/login.md:
     * with rotating refresh tokens the session may then end at its next refresh); counted as {@code lock_lost}. If
     * the store cannot answer, the tokens are kept on this replica until the lock ends, for its next request to
     * store under the lock.
     *
     * <p>The lock is extended first (compare the owner, then extend, one step). Not for the write's safety, which
     * the condition gives, but for its time: the IdP call may have used up most of the lock, and the extension
     * gives the write, its retry, and tokens kept after a failed write (for this replica's next request to store)
     * a whole lock's life rather than what the IdP call left of it. A lock already lost is known here then, and
     * nothing is written.
     *
     * @param lockEnds when the lock ends if it is not extended
     */
    private CompletionStage<Refreshed> storeUnderLock(SessionTicket ticket, Session updated, String owner, Deadline lockEnds) {
        Deadline extendedEnds = lockEndsIfTakenNow();
        return store.extendRefreshLock(ticket, owner, lockTtl).handle((extended, error) -> {
            if (error != null) {
                return CompletableFuture.completedFuture(keep(ticket, updated, owner, lockEnds, error));
            }
            if (!extended) {
                forget(ticket, owner);
                return CompletableFuture.completedFuture(lockLost(updated));
            }
            return write(ticket, updated, owner, extendedEnds);
        }).thenCompose(stage -> stage);
    }

    /**
     * The write of refreshed tokens under a lock just extended to {@code lockEnds}. Once more if the store fails (the
     * IdP may have spent the old refresh token for these), while the lock lasts: safe, as each attempt writes only
     * while the lock is this replica's, and a first attempt that landed unanswered is written again unchanged.
     */
    private CompletionStage<Refreshed> write(SessionTicket ticket, Session updated, String owner, Deadline lockEnds) {
        return store.updateUnderLock(ticket, updated, owner)
                .exceptionallyCompose(error -> lockEnds.passed() ? CompletableFuture.failedFuture(error)
                        : store.updateUnderLock(ticket, updated, owner))
                .handle((written, error) -> {
                    if (error != null) {
                        return keep(ticket, updated, owner, lockEnds, error);
                    }
                    forget(ticket, owner);
                    return switch (written) {
                        case STORED -> new Current(updated);
                        case GONE -> new Ended();
                        case LOCK_LOST -> lockLost(updated);
                    };
                });
    }

    /**
     * The lock ended before the tokens could be stored (another replica may hold it and be refreshing, and these
     * tokens could overwrite what it stores): nothing was written; they serve this request only.
     */
    private Refreshed lockLost(Session updated) {
        metrics.refresh("lock_lost");
        failures.warn("refreshed tokens not stored: the refresh lock ended before they could be (another replica may be "
                + "refreshing the session); this request goes on with them");
        return new Current(updated);
    }

    /** Tokens the store did not take: kept on this replica until the lock ends, forgotten if it has. */
    private Refreshed keep(SessionTicket ticket, Session updated, String owner, Deadline lockEnds, Throwable error) {
        forget(ticket, owner);
        if (lockEnds.passed()) {
            // The lock may be another replica's by now: this one no longer speaks for the session.
            metrics.refresh("not_stored");
            failures.warn("refreshed tokens not stored, and the refresh lock has ended: {}", StepFailures.describe(error));
        } else {
            failures.warn("refreshed tokens not stored, kept on this replica: {}", StepFailures.describe(error));
            unsaved.put(ticket, new Unsaved(updated, owner, lockEnds));
        }
        return new Current(updated);
    }

    /** Drops tokens kept under {@code owner}'s lock (stored, or that lock is gone); another lock's are left. */
    private void forget(SessionTicket ticket, String owner) {
        unsaved.asMap().computeIfPresent(ticket, (t, kept) -> kept.lockOwner().equals(owner) ? null : kept);
    }

    /**
     * Ends the session after {@code invalid_grant}, unless its refresh token changed meanwhile (another
     * replica refreshed it, the IdP rotated the token, and ours was the old one): then it goes on.
     */
    private CompletionStage<Refreshed> endIfUnchanged(SessionTicket ticket, Session used) {
        return store.loadFresh(ticket).thenCompose(lookup -> switch (lookup) {
            case SessionLookup.Found(Session now) when !now.tokens().refreshToken().equals(used.tokens().refreshToken()) ->
                    CompletableFuture.<Refreshed>completedFuture(new Current(now));
            case SessionLookup.Found(Session now) -> store.delete(ticket).thenApply(deleted -> (Refreshed) new Ended());
            default -> CompletableFuture.<Refreshed>completedFuture(new Ended());
        });
    }

    /**
     * Another replica holds the lock: go on with {@code session} while its access token is valid, else
     * reload until the other replica has stored new tokens (or the session has gone).
     */
    private CompletionStage<Refreshed> awaitOther(SessionTicket ticket, Session session, int stepsLeft) {
        if (session.tokens().accessTokenExpiresAt().isAfter(clock.instant()) || stepsLeft == 0) {
            return CompletableFuture.completedFuture(new Current(session));
        }
        Executor later = CompletableFuture.delayedExecutor(WAIT_STEP.toMillis(), TimeUnit.MILLISECONDS);
        return CompletableFuture.supplyAsync(() -> ticket, later)
                .thenCompose(store::loadFresh)
                .thenCompose(lookup -> switch (lookup) {
                    case SessionLookup.Found(Session reloaded) when !due(reloaded, clock.instant()) ->
                            CompletableFuture.<Refreshed>completedFuture(new Current(reloaded));
                    case SessionLookup.Found(Session reloaded) -> awaitOther(ticket, reloaded, stepsLeft - 1);
                    default -> CompletableFuture.<Refreshed>completedFuture(new Ended());
                });
    }
}
