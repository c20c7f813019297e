package io.authtier.runtime.http;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * The management port ({@code server.managementPort}): {@code /healthz} (the process answers),
 * {@code /readyz} (200 once every issuer's keys were loaded and a Redis session store connected once, else
 * 503 naming what is missing),
 * {@code /metrics} (Prometheus text format).
 */
public final class ManagementRouter implements Handler<HttpServerRequest> {

    private final Supplier<List<String>> notReady;
    private final PrometheusMeterRegistry registry;

    /**
     * @param notReady what keeps the runtime from being ready (e.g. issuers without keys); empty when ready
     */
    public ManagementRouter(Supplier<List<String>> notReady, PrometheusMeterRegistry registry) {
        this.notReady = Objects.requireNonNull(notReady, "notReady");
        this.registry = Objects.requireNonNull(registry, "registry");
    }

    @Override
    public void handle(HttpServerRequest request) {
        var response = request.response().putHeader(HttpHeaders.CONTENT_TYPE, "text/plain; charset=utf-8");
        switch (request.path()) {
            case "/healthz" -> response.end("ok\n");
            case "/readyz" -> {
                List<String> missing = notReady.get();
                if (missing.isEmpty()) {
                    response.end("ready\n");
                } else {
                    response.setStatusCode(503).end("not ready: " + String.join(", ", missing) + "\n");
                }
            }
            case "/metrics" -> response
                    .putHeader(HttpHeaders.CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8")
                    .end(registry.scrape());
            default -> response.setStatusCode(404).end("not found\n");
        }
    }
}
