package io.authtier.runtime.login;

import io.authtier.runtime.session.CookieCheck;
import io.authtier.runtime.session.Session;
import io.authtier.runtime.session.SessionCookie;
import io.authtier.runtime.session.SessionLookup;
import io.authtier.runtime.session.SessionStore;
import io.authtier.runtime.session.SessionTicket;
import io.authtier.runtime.token.Principal;
import java.time.Clock;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Who a browser is, from its session cookie: the cookie's signature, one store read (the session is
 * decrypted with the key from the cookie), the idle and absolute timeouts, and a refresh of the access
 * token when it is about to expire ({@link SessionRefresher}). Used by {@code /auth} and
 * {@code /oauth2/userinfo}.
 */
public final class SessionAuthenticator {

    private final SessionCookie cookie;
    private final SessionStore store;
    private final Optional<SessionRefresher> refresher;
    private final Clock clock;
    private final SessionMetrics metrics;

    SessionAuthenticator(SessionCookie cookie, SessionStore store, Optional<SessionRefresher> refresher, Clock clock,
            SessionMetrics metrics) {
        this.cookie = Objects.requireNonNull(cookie, "cookie");
        this.store = Objects.requireNonNull(store, "store");
        this.refresher = Objects.requireNonNull(refresher, "refresher");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.metrics = Objects.requireNonNull(metrics, "metrics");
    }

    /** The outcome of {@link #authenticate}. */
    public sealed interface Outcome {
    }

    /**
     * A live session.
     *
     * @param principal   who it is, for access rules and identity headers
     * @param accessToken the session's access token, valid now
     * @param setCookie   a re-signed cookie to hand back (the cookie was signed by an older key)
     */
    public record Authenticated(Principal principal, String accessToken, Optional<String> setCookie) implements Outcome {

        @Override
        public String toString() {
            return "Authenticated[" + principal.subject() + "]";
        }
    }

    /**
     * No usable session: no cookie, a bad one, or a session that has ended.
     *
     * @param reason      a fixed code (metrics and debug logs)
     * @param clearCookie whether the browser's cookie should be removed
     */
    public record Anonymous(String reason, boolean clearCookie) implements Outcome {
    }

    /** The store cannot answer, or the access token expired and cannot be refreshed now. */
    public record Unavailable(String reason) implements Outcome {
    }

    /** The {@code Set-Cookie} value that removes the session cookie. */
    public String clearCookie() {
        return cookie.clearCookie();
    }

    /** Reads the session named by the cookie in {@code cookieHeaders} (the request's {@code Cookie} headers). */
    public CompletionStage<Outcome> authenticate(List<String> cookieHeaders) {
        Optional<String> value = Cookies.value(cookieHeaders, cookie.name());
        if (value.isEmpty()) {
            return done(new Anonymous("no_cookie", false));
        }
        return switch (cookie.read(value.get())) {
            case CookieCheck.Rejected rejected -> {
                metrics.lookup("bad_cookie");
                yield done(new Anonymous("cookie_" + rejected.reason().name().toLowerCase(java.util.Locale.ROOT), true));
            }
            case CookieCheck.Valid valid -> load(valid);
        };
    }

    private CompletionStage<Outcome> load(CookieCheck.Valid valid) {
        SessionTicket ticket = valid.ticket();
        return store.load(ticket).thenCompose(lookup -> {
            return switch (lookup) {
                case SessionLookup.Found(Session session) -> {
                    metrics.lookup("found");
                    yield refreshed(ticket, session).thenApply(outcome -> outcome instanceof Authenticated authenticated
                            && !valid.signedWithFirstKey()
                            ? new Authenticated(authenticated.principal(), authenticated.accessToken(), Optional.of(cookie.setCookie(ticket)))
                            : outcome);
                }
                case SessionLookup.Absent absent -> ended("absent");
                case SessionLookup.Expired expired -> ended("expired");
                case SessionLookup.Unreadable unreadable -> ended("unreadable");
            };
        }).exceptionally(error -> {
            metrics.lookup("error");
            return new Unavailable("the session store cannot answer");
        });
    }

    private CompletionStage<Outcome> refreshed(SessionTicket ticket, Session session) {
        CompletionStage<SessionRefresher.Refreshed> stage = refresher.isPresent()
                ? refresher.get().refreshIfDue(ticket, session)
                : CompletableFuture.completedFuture(new SessionRefresher.Current(session));
        return stage.thenApply(refreshed -> switch (refreshed) {
            case SessionRefresher.Ended ended -> new Anonymous("ended_by_idp", true);
            case SessionRefresher.Current(Session current) -> {
                if (!current.tokens().accessTokenExpiresAt().isAfter(clock.instant())) {
                    yield current.tokens().refreshToken().isPresent()
                            ? new Unavailable("the access token expired and cannot be refreshed now")
                            : new Anonymous("access_token_expired", true);
                }
                yield new Authenticated(principal(current), current.tokens().accessToken(), Optional.empty());
            }
        });
    }

    private CompletionStage<Outcome> ended(String reason) {
        metrics.lookup(reason);
        return done(new Anonymous(reason, true));
    }

    /** A session's identity as a {@link Principal}: what the tokens said at login. */
    static Principal principal(Session session) {
        return new Principal(session.issuer(), session.subject(), session.email(), session.preferredUsername(),
                session.groups(), session.roles(), session.scopes(), session.tokens().accessTokenExpiresAt(), Principal.Method.SESSION);
    }

    private static CompletionStage<Outcome> done(Outcome outcome) {
        return CompletableFuture.completedFuture(outcome);
    }
}
