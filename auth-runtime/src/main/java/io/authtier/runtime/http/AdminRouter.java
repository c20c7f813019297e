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
 * ("log out everywhere") in one store call, and answers {@code {"sessionsEnded": n}}.
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
