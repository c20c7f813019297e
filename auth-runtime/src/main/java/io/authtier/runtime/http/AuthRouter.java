package io.authtier.runtime.http;

import io.authtier.runtime.config.RoutePaths;
import io.authtier.runtime.login.BrowserSessions;
import io.authtier.runtime.metrics.RuntimeMetrics;
import io.authtier.runtime.resilience.RateLimitedLog;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpServerRequest;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The auth port ({@code server.port}): {@code /auth} (any method), {@code /ext-authz/**} (Envoy
 * ext_authz HTTP: the original path follows the prefix) and, with browser login configured,
 * {@code /oauth2/*} ({@link OAuth2Handler}); anything else 404. Counts in-flight requests
 * and their duration by endpoint and status.
 *
 * <p>Access: on {@code /auth}, the rule in its query (ingress configuration) and the {@code routes} rule
 * of the original path, which a trusted proxy names in {@code X-Forwarded-Uri} (Traefik),
 * {@code X-Original-URI} (nginx) or {@code X-Original-URL} (ingress-nginx); when routes are configured
 * and the original path is unknown, nobody passes (fail closed). On {@code /ext-authz/**}, the
 * {@code routes} rule of the path after the prefix.
 */
public final class AuthRouter implements Handler<HttpServerRequest> {

    private static final Logger LOG = LoggerFactory.getLogger(AuthRouter.class);

    static final String AUTH = "/auth";
    static final String EXT_AUTHZ = "/ext-authz";

    private static final Pattern SCHEME = Pattern.compile("[A-Za-z][A-Za-z0-9+.-]*");

    static final List<String> ORIGINAL_URI_HEADERS = List.of("X-Forwarded-Uri", "X-Original-URI", "X-Original-URL");

    private final ForwardAuthHandler forwardAuth;
    private final RuntimeMetrics metrics;
    private final RouteRules routes;
    private final ClientAddress proxies;
    private final Optional<OAuth2Handler> browser;
    /** A misconfigured auth URL fails every request it serves: one line per 10 s, not one per request. */
    private final RateLimitedLog unanswerable;

    /** @param sessions browser login and sessions, if {@code sessions.login} is configured: serves {@code /oauth2/*} */
    public AuthRouter(ForwardAuthHandler forwardAuth, RuntimeMetrics metrics, RouteRules routes, ClientAddress proxies,
            Optional<BrowserSessions> sessions, Clock clock) {
        this.forwardAuth = Objects.requireNonNull(forwardAuth, "forwardAuth");
        this.metrics = Objects.requireNonNull(metrics, "metrics");
        this.routes = Objects.requireNonNull(routes, "routes");
        this.proxies = Objects.requireNonNull(proxies, "proxies");
        this.browser = sessions.map(login -> new OAuth2Handler(login, proxies, clock));
        this.unanswerable = new RateLimitedLog(LOG, clock, Duration.ofSeconds(10));
    }

    @Override
    public void handle(HttpServerRequest request) {
        long start = metrics.requestStarted();
        String path = request.path();
        // Set before anything can throw, so that a failure is recorded for the endpoint the request was for.
        String endpoint = "other";
        Future<Void> done;
        try {
            if (AUTH.equals(path)) {
                endpoint = "auth";
                AccessRule query = AccessRule.fromQuery(request.query());
                // Without routes (the common case) the query rule alone decides: nothing to combine on the hot path.
                done = forwardAuth.handle(request, routes.isEmpty() ? query : Access.allOf(List.of(query, routeOfOriginal(request))),
                        Asker.FORWARD_AUTH);
            } else if (path.equals(EXT_AUTHZ) || path.startsWith(EXT_AUTHZ + "/")) {
                endpoint = "ext_authz";
                done = forwardAuth.handle(request, routes.isEmpty() ? Access.ANYONE
                        // From path(), not uri(): in an absolute-form request ("GET http://host/ext-authz/admin")
                        // the uri is the whole URL, and cutting the prefix from it named another path.
                        : routes.forPath(path.length() == EXT_AUTHZ.length() ? "/" : path.substring(EXT_AUTHZ.length())), Asker.ENVOY);
            } else if (browser.isPresent() && OAuth2Handler.endpoint(path) != null) {
                endpoint = OAuth2Handler.endpoint(path);
                done = browser.get().handle(request);
            } else {
                done = request.response().setStatusCode(404).end();
            }
        } catch (RuntimeException e) {
            // e.g. a malformed %-escape in the access rule that the ingress configured: fail closed
            unanswerable.warn("cannot answer {} {}: {}", request.method(), path, e.toString());
            metrics.requestFinished(endpoint, 500, start);
            if (!request.response().ended()) {
                request.response().setStatusCode(500).end();
            }
            return;
        }
        String answered = endpoint;
        done.onComplete(ignored -> metrics.requestFinished(answered, request.response().getStatusCode(), start));
    }

    /**
     * The original request's URI (a path, or a whole URL from ingress-nginx), as a trusted proxy names it.
     * Empty when none is named, or when the named paths disagree: nginx passes the client's own headers on
     * to the auth request, so a client can add {@code X-Forwarded-Uri: /public} beside the
     * {@code X-Original-URI} that nginx sets. Which one is true cannot be told, so neither is taken.
     */
    static Optional<String> originalUri(HttpServerRequest request, ClientAddress proxies) {
        if (!proxies.fromTrustedProxy(request)) {
            return Optional.empty();
        }
        String first = null;
        Optional<String> firstPath = Optional.empty();
        for (String name : ORIGINAL_URI_HEADERS) {
            for (String value : request.headers().getAll(name)) {
                Optional<String> path = rawPath(value).flatMap(RoutePaths::normalise);
                if (first == null) {
                    first = value;
                    firstPath = path;
                } else if (path.isEmpty() || !path.equals(firstPath)) {
                    LOG.debug("the original path is named twice, differently ({}); taking neither", name);
                    return Optional.empty();
                }
            }
        }
        return Optional.ofNullable(first);
    }

    /**
     * The URI of the request that the asker asks about: on {@code /ext-authz/**}, what follows the prefix
     * (Envoy appends the original path and query to it); on {@code /auth}, {@link #originalUri}.
     */
    static Optional<String> askedUri(HttpServerRequest request, ClientAddress proxies) {
        String path = request.path();
        if (path.equals(EXT_AUTHZ) || path.startsWith(EXT_AUTHZ + "/")) {
            String asked = path.length() == EXT_AUTHZ.length() ? "/" : path.substring(EXT_AUTHZ.length());
            return Optional.of(request.query() == null ? asked : asked + "?" + request.query());
        }
        return originalUri(request, proxies);
    }

    /**
     * The raw path of an original URI: as it is when it is a path; when it is a URL (ingress-nginx's
     * {@code X-Original-URL: $scheme://$http_host$request_uri}), what follows its authority. Cut by hand, not
     * parsed as a {@link URI}: the request URI is the client's, as sent, and {@code URI} refuses what browsers
     * leave unencoded ({@code |}, {@code ^}, {@code [}, {@code {}} in a query), which denied such requests.
     * Empty when no {@code /} follows the authority: nginx lets a {@code ?} or {@code #} through in {@code Host},
     * and a path read after it would be the client's choice.
     */
    static Optional<String> rawPath(String uri) {
        if (uri.startsWith("/")) {
            return Optional.of(uri);
        }
        int authority = uri.indexOf("://");
        if (authority <= 0 || !SCHEME.matcher(uri.substring(0, authority)).matches()) {
            return Optional.empty();
        }
        for (int i = authority + 3; i < uri.length(); i++) {
            char c = uri.charAt(i);
            if (c == '/') {
                return Optional.of(uri.substring(i));
            }
            if (c == '?' || c == '#') {
                return Optional.empty();
            }
        }
        return Optional.empty();
    }

    /** The routes rule for the path that the proxy in front asks about. */
    private Access routeOfOriginal(HttpServerRequest request) {
        Optional<String> original = originalUri(request, proxies).flatMap(AuthRouter::rawPath);
        if (original.isEmpty()) {
            LOG.debug("routes are configured but no trusted proxy named the original path (or named two); refusing");
            return Access.NOBODY;
        }
        return routes.forPath(original.get());
    }
}
