package io.authtier.runtime.http;

import io.authtier.runtime.login.BrowserSessions;
import io.authtier.runtime.token.TokenVerifier;
import io.authtier.runtime.token.Verdict;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers "may this request pass?" for {@code /auth} and {@code /ext-authz/**}: 200 with identity headers,
 * 401 (no or bad bearer token), 403 (authenticated, but the {@link AccessRule} forbids), 503 (nothing can
 * decide). A bearer token wins; without one, a browser's session cookie ({@link SessionForwardAuth}). A token seen before is answered on the event loop without waiting for anything; otherwise the
 * answer is written when the verifier completes, back on the request's event loop.
 */
public final class ForwardAuthHandler {

    private static final Logger LOG = LoggerFactory.getLogger(ForwardAuthHandler.class);

    static final String WWW_AUTHENTICATE = "WWW-Authenticate";
    static final String CHALLENGE = "Bearer";
    static final String INVALID_TOKEN = "Bearer error=\"invalid_token\", error_description=\"the access token is missing a valid signature, claims or lifetime\"";
    static final String INSUFFICIENT = "Bearer error=\"insufficient_scope\", error_description=\"the access token does not grant access to this resource\"";

    private final TokenVerifier verifier;
    private final ClientAddress clientAddress;
    private final Optional<SessionForwardAuth> sessions;
    /** Headers of the 8 192 most recent JWT principals, give or take collisions: the hot ones. */
    private final RenderedIdentities identities = new RenderedIdentities(8192);
    private final UnsetIdentityHeaders unset = new UnsetIdentityHeaders();

    /**
     * @param sessions browser sessions, if {@code sessions.login} is configured: a request without an
     *                 {@code Authorization} header is then recognised by its session cookie
     */
    public ForwardAuthHandler(TokenVerifier verifier, ClientAddress clientAddress, Optional<BrowserSessions> sessions) {
        this.verifier = Objects.requireNonNull(verifier, "verifier");
        this.clientAddress = Objects.requireNonNull(clientAddress, "clientAddress");
        this.sessions = sessions.map(browser -> new SessionForwardAuth(browser, clientAddress, unset));
    }

    /** Decides on {@code request} under {@code rule} for {@code asker}; completes when the response has been written. */
    Future<Void> handle(HttpServerRequest request, Access rule, Asker asker) {
        List<String> authorization = request.headers().getAll(HttpHeaders.AUTHORIZATION);
        if (authorization.isEmpty()) {
            return sessions.isPresent() ? sessions.get().handle(request, rule, asker) : unauthorized(request, CHALLENGE, "no credentials");
        }
        String token = authorization.size() == 1 ? bearerToken(authorization.getFirst()) : "";
        if (token == null) {
            return unauthorized(request, CHALLENGE, "not a bearer token");
        }
        if (token.isEmpty()) {
            return unauthorized(request, INVALID_TOKEN, "malformed authorization header");
        }
        CompletionStage<Verdict> stage = verifier.verify(token);
        CompletableFuture<Verdict> future = stage.toCompletableFuture();
        if (future.isDone()) {
            return respond(request, rule, asker, future.join()); // the hot path: no hop, no wait
        }
        Context context = Vertx.currentContext();
        return Future.fromCompletionStage(stage, context)
                .recover(failure -> Future.succeededFuture(new Verdict.Undecidable("verifier failed: " + failure.getClass().getSimpleName())))
                .compose(verdict -> respond(request, rule, asker, verdict));
    }

    /**
     * The token of an {@code Authorization: Bearer <token>} header (scheme case-insensitive); {@code ""}
     * if the scheme is Bearer but the token is missing; {@code null} for another scheme.
     */
    static String bearerToken(String header) {
        if (header.length() < 6 || !header.regionMatches(true, 0, CHALLENGE, 0, 6)) {
            return null;
        }
        if (header.length() == 6) {
            return "";
        }
        if (header.charAt(6) != ' ') {
            return null;
        }
        return header.substring(7).strip();
    }

    private Future<Void> respond(HttpServerRequest request, Access rule, Asker asker, Verdict verdict) {
        return switch (verdict) {
            case Verdict.Accepted(var principal) when rule.permits(principal) -> {
                HttpServerResponse response = request.response();
                int present = identities.write(principal, response.headers());
                if (asker == Asker.ENVOY) {
                    unset.addTo(response.headers(), present);
                }
                yield end(response.setStatusCode(200), "");
            }
            case Verdict.Accepted accepted -> {
                log(request, "forbidden by the access rule");
                yield forbidden(request);
            }
            case Verdict.Rejected(var rejection) -> unauthorized(request, INVALID_TOKEN, rejection.code());
            case Verdict.Undecidable(var reason, var retryAfter) -> {
                log(request, reason);
                yield unavailable(request, retryAfter);
            }
        };
    }

    static Future<Void> forbidden(HttpServerRequest request) {
        return end(request.response().setStatusCode(403).putHeader(WWW_AUTHENTICATE, INSUFFICIENT), "forbidden\n");
    }

    static Future<Void> unavailable(HttpServerRequest request, Duration retryAfter) {
        return end(request.response().setStatusCode(503).putHeader(HttpHeaders.RETRY_AFTER, retryAfterSeconds(retryAfter)), "unavailable\n");
    }

    private Future<Void> unauthorized(HttpServerRequest request, String challenge, String reason) {
        log(request, reason);
        return end(request.response().setStatusCode(401).putHeader(WWW_AUTHENTICATE, challenge), "unauthorized\n");
    }

    static Future<Void> end(HttpServerResponse response, String body) {
        if (response.closed() || response.ended()) {
            return Future.succeededFuture();
        }
        if (body.isEmpty()) {
            return response.end();
        }
        response.putHeader(HttpHeaders.CONTENT_TYPE, "text/plain; charset=utf-8");
        return response.end(body);
    }

    private void log(HttpServerRequest request, String reason) {
        if (LOG.isDebugEnabled()) {
            LOG.debug("denied {} {} from {}: {}", request.method(), request.path(),
                    clientAddress.client(request).map(java.net.InetAddress::getHostAddress).orElse("unknown"), reason);
        }
    }

    /** Whole seconds, at least one: Retry-After has no smaller unit, and 0 would invite a retry storm. */
    static String retryAfterSeconds(Duration retryAfter) {
        return Long.toString(Math.max(1, (retryAfter.toMillis() + 999) / 1000));
    }
}
