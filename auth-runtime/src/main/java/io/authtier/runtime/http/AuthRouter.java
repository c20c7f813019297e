package io.authtier.runtime.http;

import io.authtier.runtime.login.BrowserSessions;
import io.authtier.runtime.metrics.RuntimeMetrics;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpServerRequest;
import java.net.URI;
import java.time.Clock;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
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

    static final List<String> ORIGINAL_URI_HEADERS = List.of("X-Forwarded-Uri", "X-Original-URI", "X-Original-URL");

    private final ForwardAuthHandler forwardAuth;
    private final RuntimeMetrics metrics;
    private final RouteRules routes;
    private final ClientAddress proxies;
    private final Optional<OAuth2Handler> browser;

    /** @param sessions browser login and sessions, if {@code sessions.login} is configured: serves {@code /oauth2/*} */
    public AuthRouter(ForwardAuthHandler forwardAuth, RuntimeMetrics metrics, RouteRules routes, ClientAddress proxies,
            Optional<BrowserSessions> sessions, Clock clock) {
        this.forwardAuth = Objects.requireNonNull(forwardAuth, "forwardAuth");
        this.metrics = Objects.requireNonNull(metrics, "metrics");
        this.routes = Objects.requireNonNull(routes, "routes");
        this.proxies = Objects.requireNonNull(proxies, "proxies");
        this.browser = sessions.map(login -> new OAuth2Handler(login, proxies, clock));
    }

    @Override
    public void handle(HttpServerRequest request) {
        long start = metrics.requestStarted();
        String path = request.path();
        String endpoint;
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
                        : routes.forPath(path.length() == EXT_AUTHZ.length() ? "/" : request.uri().substring(EXT_AUTHZ.length())), Asker.ENVOY);
            } else if (browser.isPresent() && OAuth2Handler.endpoint(path) != null) {
                endpoint = OAuth2Handler.endpoint(path);
                done = browser.get().handle(request);
            } else {
                endpoint = "other";
                done = request.response().setStatusCode(404).end();
            }
        } catch (RuntimeException e) {
            // e.g. a malformed %-escape in the access rule that the ingress configured: fail closed
            LOG.warn("cannot answer {} {}: {}", request.method(), path, e.toString());
            metrics.requestFinished("error", 500, start);
            if (!request.response().ended()) {
                request.response().setStatusCode(500).end();
            }
            return;
        }
        done.onComplete(ignored -> metrics.requestFinished(endpoint, request.response().getStatusCode(), start));
    }

    /** The original request's URI (a path, or a whole URL from ingress-nginx), as a trusted proxy names it. */
    static Optional<String> originalUri(HttpServerRequest request, ClientAddress proxies) {
        if (!proxies.fromTrustedProxy(request)) {
            return Optional.empty();
        }
        return ORIGINAL_URI_HEADERS.stream().map(request.headers()::get).filter(Objects::nonNull).findFirst();
    }

    /** The routes rule for the path that the proxy in front asks about. */
    private Access routeOfOriginal(HttpServerRequest request) {
        Optional<String> original;
        try {
            original = originalUri(request, proxies).map(value -> value.startsWith("/") ? value : URI.create(value).getRawPath());
        } catch (IllegalArgumentException e) {
            original = Optional.empty();
        }
        if (original.isEmpty()) {
            LOG.debug("routes are configured but no trusted proxy named the original path; refusing");
            return Access.NOBODY;
        }
        return routes.forPath(original.get());
    }
}
