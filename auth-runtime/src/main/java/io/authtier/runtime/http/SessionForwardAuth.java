package io.authtier.runtime.http;

import io.authtier.runtime.login.BrowserSessions;
import io.authtier.runtime.login.SessionAuthenticator;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;

/**
 * Forward-auth for browsers: the session of the request's cookie decides. 200 with the identity headers
 * (and the access token, if {@code sessions.passAccessToken} asks), 403 when the access rule forbids, 503
 * when the store cannot answer; without a usable session 401, or, if {@code sessions.login.redirectToLogin}
 * is on and the request accepts HTML, a redirect to {@code /oauth2/start} that returns to the original URL
 * (for proxies that hand the auth answer to the browser, such as Traefik; nginx's {@code auth_request}
 * accepts only 2xx, 401 and 403). A re-signed or cleared cookie travels in {@code Set-Cookie}.
 */
final class SessionForwardAuth {

    /** Longest redirect to the login that keeps its {@code rd}: the runtime reads request lines of up to 8 192 bytes. */
    static final int MAX_LOCATION = 7680;

    private final BrowserSessions sessions;
    private final ClientAddress proxies;
    private final ExternalOrigin origin;
    private final UnsetIdentityHeaders unset;

    SessionForwardAuth(BrowserSessions sessions, ClientAddress proxies, UnsetIdentityHeaders unset) {
        this.sessions = Objects.requireNonNull(sessions, "sessions");
        this.proxies = Objects.requireNonNull(proxies, "proxies");
        this.origin = new ExternalOrigin(proxies);
        this.unset = Objects.requireNonNull(unset, "unset");
    }

    Future<Void> handle(HttpServerRequest request, Access rule, Asker asker) {
        List<String> cookies = request.headers().getAll(HttpHeaders.COOKIE);
        if (cookies.isEmpty()) {
            return anonymous(request, false);
        }
        CompletableFuture<SessionAuthenticator.Outcome> outcome = sessions.authenticator().authenticate(cookies).toCompletableFuture();
        if (outcome.isDone() && !outcome.isCompletedExceptionally()) {
            return respond(request, rule, asker, outcome.join());
        }
        return Future.fromCompletionStage(outcome, Vertx.currentContext())
                .recover(failure -> Future.succeededFuture(new SessionAuthenticator.Unavailable("session check failed")))
                .compose(result -> respond(request, rule, asker, result));
    }

    private Future<Void> respond(HttpServerRequest request, Access rule, Asker asker, SessionAuthenticator.Outcome outcome) {
        HttpServerResponse response = request.response();
        return switch (outcome) {
            case SessionAuthenticator.Authenticated authenticated when rule.permits(authenticated.principal()) -> {
                int present = IdentityHeaders.write(authenticated.principal(), response.headers());
                switch (sessions.sessions().passAccessToken()) {
                    case Header -> {
                        response.putHeader(IdentityHeaders.ACCESS_TOKEN, authenticated.accessToken());
                        present |= IdentityHeaders.ACCESS_TOKEN_BIT;
                    }
                    case Authorization -> response.putHeader(HttpHeaders.AUTHORIZATION, "Bearer " + authenticated.accessToken());
                    case None -> {
                    }
                }
                if (asker == Asker.ENVOY) {
                    unset.addTo(response.headers(), present);
                }
                authenticated.setCookie().ifPresent(cookie -> response.putHeader(HttpHeaders.SET_COOKIE, cookie));
                yield ForwardAuthHandler.end(response.setStatusCode(200), "");
            }
            case SessionAuthenticator.Authenticated authenticated -> {
                authenticated.setCookie().ifPresent(cookie -> response.putHeader(HttpHeaders.SET_COOKIE, cookie));
                yield ForwardAuthHandler.forbidden(request);
            }
            case SessionAuthenticator.Anonymous anonymous -> anonymous(request, anonymous.clearCookie());
            case SessionAuthenticator.Unavailable unavailable -> ForwardAuthHandler.unavailable(request, Duration.ofSeconds(1));
        };
    }

    private Future<Void> anonymous(HttpServerRequest request, boolean clearCookie) {
        HttpServerResponse response = request.response();
        if (clearCookie) {
            response.putHeader(HttpHeaders.SET_COOKIE, sessions.authenticator().clearCookie());
        }
        if (sessions.login().redirectToLogin() && acceptsHtml(request)) {
            String start = startUrl(request);
            // Without rd when it would not fit: a request line over 8 192 bytes is refused (414), and the login with it.
            String location = AuthRouter.askedUri(request, proxies).map(rd -> start + "?rd=" + URLEncoder.encode(rd, StandardCharsets.UTF_8))
                    .filter(withTarget -> withTarget.length() <= MAX_LOCATION).orElse(start);
            return ForwardAuthHandler.end(response.setStatusCode(302).putHeader(HttpHeaders.LOCATION, location)
                    .putHeader(HttpHeaders.CACHE_CONTROL, "no-store"), "");
        }
        return ForwardAuthHandler.end(response.setStatusCode(401)
                .putHeader(ForwardAuthHandler.WWW_AUTHENTICATE, ForwardAuthHandler.CHALLENGE), "unauthorized\n");
    }

    /**
     * Where the browser starts its login: absolute wherever the origin it used is known and may log in. Traefik
     * resolves a relative {@code Location} against the auth address (Go's {@code Response.Location()}, unless its
     * {@code preserveLocationHeader} is set), which would send the browser to the runtime's internal Service name;
     * it names the browser's origin in {@code X-Forwarded-Proto} and {@code -Host}. Relative otherwise (Envoy
     * passes the header on as it is, and the browser resolves it on the page's own origin).
     */
    private String startUrl(HttpServerRequest request) {
        if (sessions.login().redirectUrl().isPresent() || !proxies.fromTrustedProxy(request)
                || request.getHeader("X-Forwarded-Proto") == null || request.getHeader("X-Forwarded-Host") == null) {
            return OAuth2Handler.startUrl(sessions.login());
        }
        return sessions.loginOrigin(origin.of(request)).map(found -> found + OAuth2Handler.PREFIX + "start")
                .orElse(OAuth2Handler.startUrl(sessions.login()));
    }

    private static boolean acceptsHtml(HttpServerRequest request) {
        String accept = request.headers().get(HttpHeaders.ACCEPT);
        return accept != null && accept.contains("text/html");
    }
}
