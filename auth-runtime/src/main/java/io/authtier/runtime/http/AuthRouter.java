package io.authtier.runtime.http;

import io.authtier.runtime.metrics.RuntimeMetrics;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpServerRequest;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The auth port ({@code server.port}): {@code /auth} (any method; the {@link AccessRule} from its query)
 * and {@code /ext-authz/**} (Envoy ext_authz HTTP: the original path follows the prefix), anything else
 * 404. Counts in-flight requests and their duration by endpoint.
 */
public final class AuthRouter implements Handler<HttpServerRequest> {

    private static final Logger LOG = LoggerFactory.getLogger(AuthRouter.class);

    static final String AUTH = "/auth";
    static final String EXT_AUTHZ = "/ext-authz";

    private final ForwardAuthHandler forwardAuth;
    private final RuntimeMetrics metrics;

    public AuthRouter(ForwardAuthHandler forwardAuth, RuntimeMetrics metrics) {
        this.forwardAuth = Objects.requireNonNull(forwardAuth, "forwardAuth");
        this.metrics = Objects.requireNonNull(metrics, "metrics");
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
                done = forwardAuth.handle(request, AccessRule.fromQuery(request.query()));
            } else if (path.equals(EXT_AUTHZ) || path.startsWith(EXT_AUTHZ + "/")) {
                endpoint = "ext_authz";
                done = forwardAuth.handle(request, AccessRule.NONE);
            } else {
                endpoint = "other";
                done = request.response().setStatusCode(404).end();
            }
        } catch (RuntimeException e) {
            // e.g. a malformed %-escape in the access rule that the ingress configured: fail closed
            LOG.warn("cannot answer {} {}: {}", request.method(), path, e.toString());
            metrics.requestFinished("error", start);
            if (!request.response().ended()) {
                request.response().setStatusCode(500).end();
            }
            return;
        }
        done.onComplete(ignored -> metrics.requestFinished(endpoint, start));
    }
}
