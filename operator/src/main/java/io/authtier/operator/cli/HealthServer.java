package io.authtier.operator.cli;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.javaoperatorsdk.operator.Operator;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.function.BooleanSupplier;

/** /healthz (the process answers) and /readyz (started, every informer healthy) for the operator's probes. */
final class HealthServer implements AutoCloseable {
  private final HttpServer server;

  HealthServer(int port, Operator operator) throws IOException {
    server = HttpServer.create(new InetSocketAddress(port), 16);
    server.createContext("/healthz", exchange -> answer(exchange, () -> true));
    server.createContext("/readyz", exchange -> answer(exchange,
        () -> operator.getRuntimeInfo().isStarted() && operator.getRuntimeInfo().allEventSourcesAreHealthy()));
    server.start();
  }

  private static void answer(HttpExchange exchange, BooleanSupplier check) throws IOException {
    var ok = check.getAsBoolean();
    var body = (ok ? "ok\n" : "not ready\n").getBytes(StandardCharsets.UTF_8);
    exchange.sendResponseHeaders(ok ? 200 : 503, body.length);
    try (var out = exchange.getResponseBody()) {
      out.write(body);
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
