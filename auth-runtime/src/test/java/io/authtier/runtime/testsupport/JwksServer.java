package io.authtier.runtime.testsupport;

import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A tiny real OIDC key server over HTTP on a free loopback port: a discovery document and a JWKS whose
 * keys a test can change (rotation), count (refetch limits), fail (500) or hold (a slow IdP).
 */
public final class JwksServer implements AutoCloseable {

    private final HttpServer server;
    private final String issuer;
    private final AtomicReference<JWKSet> keys = new AtomicReference<>(new JWKSet());
    private final AtomicInteger jwksRequests = new AtomicInteger();
    private final AtomicInteger discoveryRequests = new AtomicInteger();
    private final AtomicBoolean failing = new AtomicBoolean();
    private final AtomicReference<CountDownLatch> hold = new AtomicReference<>();
    private final AtomicBoolean dripping = new AtomicBoolean();
    /** Counted down at close: a dripping answer ends at once instead of after its last byte. */
    private final CountDownLatch closed = new CountDownLatch(1);

    public JwksServer(String path, List<? extends JWK> initialKeys) {
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        issuer = "http://127.0.0.1:" + server.getAddress().getPort() + "/" + path;
        setKeys(initialKeys);
        server.createContext("/" + path + "/.well-known/openid-configuration", exchange -> {
            discoveryRequests.incrementAndGet();
            respond(exchange, "{\"issuer\":\"" + issuer + "\",\"jwks_uri\":\"" + issuer + "/jwks\","
                    + "\"authorization_endpoint\":\"" + issuer + "/authorize\",\"token_endpoint\":\"" + issuer + "/token\"}");
        });
        server.createContext("/" + path + "/jwks", exchange -> {
            jwksRequests.incrementAndGet();
            CountDownLatch latch = hold.get();
            if (latch != null) {
                try {
                    latch.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            if (dripping.get()) {
                drip(exchange, keys.get().toString(true));
                return;
            }
            respond(exchange, keys.get().toString(true));
        });
        server.start();
    }

    public String issuer() {
        return issuer;
    }

    /** Serves these keys (public parts only) from now on. */
    public void setKeys(List<? extends JWK> jwks) {
        keys.set(new JWKSet(List.copyOf(jwks)));
    }

    /** JWKS requests received so far. */
    public int jwksRequests() {
        return jwksRequests.get();
    }

    /** Discovery document requests received so far. */
    public int discoveryRequests() {
        return discoveryRequests.get();
    }

    /** Whether every request gets a 500 from now on. */
    public void failing(boolean fail) {
        failing.set(fail);
    }

    /** Holds JWKS responses until the returned latch is counted down. */
    public CountDownLatch holdJwks() {
        CountDownLatch latch = new CountDownLatch(1);
        hold.set(latch);
        return latch;
    }

    /** From now on the JWKS is sent a byte every 100 ms (an IdP that is slow but never silent long), until closed. */
    public void drip(boolean drip) {
        dripping.set(drip);
    }

    private void drip(HttpExchange exchange, String body) throws IOException {
        try (exchange) {
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, bytes.length);
            for (byte b : bytes) {
                exchange.getResponseBody().write(b);
                exchange.getResponseBody().flush();
                // The pace of the fault: a byte per 100 ms until the server closes.
                if (closed.await(100, TimeUnit.MILLISECONDS)) {
                    return;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException e) {
            // the client gave up: what the test wants to see
        }
    }

    private void respond(HttpExchange exchange, String body) throws IOException {
        try (exchange) {
            if (failing.get()) {
                exchange.sendResponseHeaders(500, -1);
                return;
            }
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, bytes.length);
            exchange.getResponseBody().write(bytes);
        }
    }

    @Override
    public void close() {
        closed.countDown();
        CountDownLatch latch = hold.get();
        if (latch != null) {
            latch.countDown();
        }
        server.stop(0);
    }
}
