package io.authtier.runtime.http;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * One HTTP server on one event loop. Deploying several instances on the same port spreads connections
 * over event loops. Undeploying (which {@code Vertx.close()} does) shuts the server down gracefully: it
 * stops accepting, lets requests in flight finish for up to {@code grace}, then closes. Every request
 * passes {@link RequestFraming} first, and every connection (HTTP/1.x only) is timed by a
 * {@link RequestReadDeadline}.
 */
public final class HttpServerVerticle extends VerticleBase {

    private final String portField;
    private final HttpServerOptions options;
    private final Handler<HttpServerRequest> handler;
    private final Duration grace;
    private final RequestReadDeadline readDeadline;
    private HttpServer server;

    /**
     * @param portField          the configuration field that set the port, named when the port cannot be had
     * @param requestReadTimeout how long a request may take to arrive, from its first byte to its last
     * @param onReadTimeout      counts a connection closed for that
     */
    public HttpServerVerticle(String portField, HttpServerOptions options, Handler<HttpServerRequest> handler, Duration grace,
            Duration requestReadTimeout, Runnable onReadTimeout) {
        this.portField = Objects.requireNonNull(portField, "portField");
        // HTTP/1.x only: with cleartext HTTP/2 on, Vert.x makes the connection too late for the read deadline
        // to time the first request. 100-continue answered, or such a client waits for it and is cut as slow.
        this.options = new HttpServerOptions(Objects.requireNonNull(options, "options"))
                .setHttp2ClearTextEnabled(false)
                .setHandle100ContinueAutomatically(true);
        this.handler = new RequestFraming(handler);
        this.grace = Objects.requireNonNull(grace, "grace");
        this.readDeadline = new RequestReadDeadline(this.options, requestReadTimeout, onReadTimeout);
    }

    @Override
    public Future<?> start() {
        server = vertx.createHttpServer(options).connectionHandler(readDeadline::watch).requestHandler(handler);
        // Netty's bind error names no port; with three servers, say which one could not listen.
        return server.listen().recover(e -> Future.failedFuture(new IllegalStateException(
                "%s %d: cannot listen on %s (%s); choose a free port or stop what holds it".formatted(
                        portField, options.getPort(), options.getHost(), e.getMessage()), e)));
    }

    @Override
    public Future<?> stop() {
        return server == null ? Future.succeededFuture() : server.shutdown(grace.toMillis(), TimeUnit.MILLISECONDS);
    }
}
