package io.authtier.runtime.introspection;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A real IdP over HTTP on a loopback port: an OIDC discovery document and an RFC 7662 introspection
 * endpoint that checks {@code client_secret_basic}. The test decides each token's answer, and whether the
 * endpoint answers, fails with 500 or hangs; it counts the introspection requests that reach it.
 */
final class TestIdp implements AutoCloseable {

    /**
     * ANSWER; FAIL_500; HANG (no answer until released); STALL_BODY (headers and one byte of the body, the
     * rest once released); HUGE (a 2 MiB answer, active, with one very long claim); HTML (an active answer
     * in a text/html response, as a proxy's or login page's would be typed).
     */
    enum Mode { ANSWER, FAIL_500, HANG, STALL_BODY, HUGE, HTML }

    static final String CLIENT_ID = "authtier";

    private final HttpServer server;
    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
    private final ObjectMapper json = new ObjectMapper();
    private final String secret;
    private final Map<String, Map<String, Object>> tokens = new ConcurrentHashMap<>();
    private final AtomicInteger introspections = new AtomicInteger();
    private final AtomicInteger discoveries = new AtomicInteger();
    private final AtomicReference<Mode> mode = new AtomicReference<>(Mode.ANSWER);
    private volatile CountDownLatch gate = new CountDownLatch(0);
    private final CountDownLatch released = new CountDownLatch(1);

    TestIdp(String secret) {
        this.secret = secret;
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 200);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.setExecutor(executor);
        server.createContext("/realms/test/.well-known/openid-configuration", this::discovery);
        server.createContext("/realms/test/protocol/openid-connect/token/introspect", this::introspect);
        server.start();
    }

    String issuerUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/realms/test";
    }

    /** {@code token} is active with these claims (iss and active are added). */
    void active(String token, Map<String, Object> claims) {
        Map<String, Object> answer = new LinkedHashMap<>(claims);
        answer.put("active", true);
        answer.putIfAbsent("iss", issuerUrl());
        tokens.put(token, answer);
    }

    /** {@code token} is revoked: {@code active: false}. */
    void revoke(String token) {
        tokens.put(token, Map.of("active", false));
    }

    void mode(Mode newMode) {
        mode.set(newMode);
    }

    /** Holds every introspection answer until {@link #open()}. */
    void closeGate() {
        gate = new CountDownLatch(1);
    }

    void open() {
        gate.countDown();
    }

    /** Lets hung requests end (they then answer nothing); later requests in HANG mode no longer hang. */
    void releaseHung() {
        released.countDown();
    }

    int introspections() {
        return introspections.get();
    }

    int discoveries() {
        return discoveries.get();
    }

    private void discovery(HttpExchange exchange) throws IOException {
        discoveries.incrementAndGet();
        send(exchange, 200, Map.of("issuer", issuerUrl(),
                "introspection_endpoint", issuerUrl() + "/protocol/openid-connect/token/introspect"));
    }

    private void introspect(HttpExchange exchange) throws IOException {
        introspections.incrementAndGet();
        try (exchange) {
            String form = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            switch (mode.get()) {
                case FAIL_500 -> {
                    send(exchange, 500, Map.of("error", "server_error"));
                    return;
                }
                case HANG -> {
                    released.await(30, TimeUnit.SECONDS);
                    return;
                }
                case STALL_BODY -> {
                    byte[] body = json.writeValueAsBytes(Map.of("active", false));
                    exchange.getResponseHeaders().set("Content-Type", "application/json");
                    exchange.sendResponseHeaders(200, body.length);
                    exchange.getResponseBody().write(body, 0, 1);
                    exchange.getResponseBody().flush();
                    released.await(30, TimeUnit.SECONDS);
                    exchange.getResponseBody().write(body, 1, body.length - 1);
                    return;
                }
                case HUGE -> {
                    send(exchange, 200, Map.of("active", true, "sub", "u", "iss", issuerUrl(), "pad", "x".repeat(2 << 20)));
                    return;
                }
                case HTML -> {
                    byte[] body = json.writeValueAsBytes(Map.of("active", true, "sub", "u", "iss", issuerUrl()));
                    exchange.getResponseHeaders().set("Content-Type", "text/html; charset=utf-8");
                    exchange.sendResponseHeaders(200, body.length);
                    exchange.getResponseBody().write(body);
                    return;
                }
                case ANSWER -> gate.await(30, TimeUnit.SECONDS);
            }
            String expected = "Basic " + Base64.getEncoder().encodeToString(
                    (CLIENT_ID + ":" + secret).getBytes(StandardCharsets.UTF_8));
            if (!"POST".equals(exchange.getRequestMethod())
                    || !expected.equals(exchange.getRequestHeaders().getFirst("Authorization"))) {
                send(exchange, 401, Map.of("error", "invalid_client"));
                return;
            }
            Map<String, String> params = new LinkedHashMap<>();
            for (String pair : form.split("&")) {
                int eq = pair.indexOf('=');
                params.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                        URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
            }
            if (!"access_token".equals(params.get("token_type_hint"))) {
                send(exchange, 400, Map.of("error", "invalid_request"));
                return;
            }
            send(exchange, 200, tokens.getOrDefault(params.get("token"), Map.of("active", false)));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void send(HttpExchange exchange, int status, Map<String, Object> body) throws IOException {
        byte[] bytes = json.writeValueAsBytes(body);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
        exchange.close();
    }

    @Override
    public void close() {
        released.countDown();
        gate.countDown();
        server.stop(0);
        executor.shutdownNow();
    }
}
