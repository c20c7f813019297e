package io.authtier.runtime.http;

import io.authtier.runtime.login.BrowserSessions;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The admin port ({@code server.adminPort}, loopback only: reach it with {@code kubectl port-forward} or
 * {@code exec}). {@code POST /admin/logout?sub=SUBJECT} ends every session of that user at the login issuer
 * ("log out everywhere") in one store call, and answers {@code {"sessionsEnded": n}}; a login of that user begun
 * before it and finishing after it is refused too (the store remembers the logout for 11 minutes). A request from a
 * browser (with {@code Origin}) is refused, so a web page cannot use someone's port-forward.
 */
public final class AdminRouter implements Handler<HttpServerRequest> {

    private static final Logger LOG = LoggerFactory.getLogger(AdminRouter.class);

    private final Optional<BrowserSessions> sessions;

    public AdminRouter(Optional<BrowserSessions> sessions) {
        this.sessions = Objects.requireNonNull(sessions, "sessions");
    }

    @Override
    public void handle(HttpServerRequest request) {
        var response = request.response().putHeader(HttpHeaders.CONTENT_TYPE, "application/json");
        if (!"/admin/logout".equals(request.path())) {
            response.setStatusCode(404).end("{\"error\":\"not_found\"}");
            return;
        }
        if (request.method() != HttpMethod.POST) {
            response.setStatusCode(405).putHeader(HttpHeaders.ALLOW, "POST").end("{\"error\":\"use POST\"}");
            return;
        }
        // Meant for curl through a port-forward; a browser's request (it names its Origin) may come from any page
        // the operator has open while the port-forward runs, so it is refused.
        if (request.getHeader(HttpHeaders.ORIGIN) != null || "cross-site".equals(request.getHeader("Sec-Fetch-Site"))) {
            response.setStatusCode(403).end("{\"error\":\"not from a browser: use curl through the port-forward\"}");
            return;
        }
        String subject = request.getParam("sub");
        if (subject == null || subject.isEmpty() || subject.length() > 255) {
            response.setStatusCode(400).end("{\"error\":\"sub is required: POST /admin/logout?sub=<the user's sub>\"}");
            return;
        }
        if (sessions.isEmpty()) {
            response.setStatusCode(404).end("{\"error\":\"browser sessions are not configured (sessions.login)\"}");
            return;
        }
        Future.fromCompletionStage(sessions.get().logoutEverywhere(subject), Vertx.currentContext())
                .onSuccess(count -> {
                    LOG.info("admin: ended {} session(s) of one user", count);
                    response.end("{\"sessionsEnded\":" + count + "}");
                })
                .onFailure(error -> response.setStatusCode(503).end("{\"error\":\"the session store cannot answer\"}"));
    }
}
