package io.authtier.runtime.token.jwt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.authtier.runtime.config.IssuerConfig;
import io.authtier.runtime.config.SignatureAlgorithm;
import io.authtier.runtime.idp.BoundedRetriever;
import io.authtier.runtime.metrics.RuntimeMetrics;
import io.authtier.runtime.testsupport.FreePorts;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** Loading an issuer's keys over real HTTP, as far as the log says what went wrong. */
@DisplayName("Issuer keys")
class IssuerKeysTest {

    private final Logger log = (Logger) LoggerFactory.getLogger(IssuerKeys.class);
    private final ListAppender<ILoggingEvent> lines = new ListAppender<>();
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeEach
    void captureLog() {
        lines.start();
        log.addAppender(lines);
    }

    @AfterEach
    void stop() {
        log.detachAppender(lines);
        scheduler.shutdownNow();
        http.close();
    }

    @Test
    @DisplayName("A host that does not resolve: the warning names the discovery URL and says the host cannot be resolved")
    void unresolvableHost() throws IOException {
        // When the keys of an issuer on a host that does not exist are loaded
        String warning = firstWarning("https://nonexistent.invalid/realms/x");

        // Then the one line says which URL failed and why, in words
        assertThat(warning).isEqualTo("issuer main: cannot load keys yet (discovery https://nonexistent.invalid/realms/x/"
                + ".well-known/openid-configuration: cannot resolve host nonexistent.invalid); trying again in 200 ms");
    }

    @Test
    @DisplayName("A closed port: the warning names the discovery URL and says the connection was refused")
    void closedPort() throws IOException {
        // Given a port nothing listens on
        String issuerUrl = "http://127.0.0.1:" + FreePorts.next() + "/realms/x";

        // When the issuer's keys are loaded
        String warning = firstWarning(issuerUrl);

        // Then
        assertThat(warning).isEqualTo("issuer main: cannot load keys yet (discovery " + issuerUrl
                + "/.well-known/openid-configuration: connection refused); trying again in 200 ms");
    }

    @Test
    @DisplayName("A JWKS that cannot be fetched after discovery worked: the warning names the JWKS URL, not the discovery URL")
    void jwksUnreachable() throws IOException {
        // Given an IdP whose discovery document names a JWKS on a port nothing listens on
        String jwksUri = "http://127.0.0.1:" + FreePorts.next() + "/realms/x/certs";
        HttpServer idp = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        String issuerUrl = "http://127.0.0.1:" + idp.getAddress().getPort() + "/realms/x";
        idp.createContext("/realms/x/.well-known/openid-configuration", exchange -> {
            byte[] body = ("{\"issuer\":\"" + issuerUrl + "\",\"jwks_uri\":\"" + jwksUri + "\"}").getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        idp.start();
        try {
            // When the issuer's keys are loaded
            String warning = firstWarning(issuerUrl);

            // Then
            assertThat(warning).isEqualTo("issuer main: cannot load keys yet (JWKS " + jwksUri
                    + ": connection refused); trying again in 200 ms");
        } finally {
            idp.stop(0);
        }
    }

    @Test
    @DisplayName("Discovery that answers only after close() builds no key source: no JWKS fetch, no refresh thread left running")
    void closedWhileDiscovering() throws Exception {
        // Given an IdP whose discovery document is held until the test lets it go
        CountDownLatch asked = new CountDownLatch(1);
        CountDownLatch answer = new CountDownLatch(1);
        AtomicInteger jwksRequests = new AtomicInteger();
        String keySet = new JWKSet(new RSAKeyGenerator(2048).keyID("k1").generate().toPublicJWK()).toString();
        HttpServer idp = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        idp.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        String issuerUrl = "http://127.0.0.1:" + idp.getAddress().getPort() + "/realms/x";
        idp.createContext("/realms/x/.well-known/openid-configuration", exchange -> {
            asked.countDown();
            try {
                answer.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            respond(exchange, "{\"issuer\":\"" + issuerUrl + "\",\"jwks_uri\":\"" + issuerUrl + "/certs\"}");
        });
        idp.createContext("/realms/x/certs", exchange -> {
            jwksRequests.incrementAndGet();
            respond(exchange, keySet);
        });
        idp.start();
        ScheduledExecutorService loader = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().name("test-keys-loader").factory());
        Set<Thread> before = Thread.getAllStackTraces().keySet();
        try {
            IssuerKeys keys = new IssuerKeys(new IssuerConfig("main", URI.create(issuerUrl), List.of("api"), List.of(SignatureAlgorithm.RS256),
                    Duration.ofSeconds(30), Optional.empty()), JwksPolicy.defaults(Duration.ofSeconds(20), Duration.ofMillis(200)),
                    Clock.systemUTC(), new RuntimeMetrics(RuntimeMetrics.prometheusRegistry()), new BoundedRetriever(http, Duration.ofSeconds(20)),
                    RsaSignatures.best());
            keys.startLoading(loader);
            assertThat(asked.await(20, TimeUnit.SECONDS)).isTrue();

            // When the keys are closed while discovery waits, and discovery then answers
            keys.close();
            answer.countDown();
            loader.shutdown();
            assertThat(loader.awaitTermination(20, TimeUnit.SECONDS)).isTrue();

            // Then the late discovery built nothing: no JWKS was fetched, no key is loaded, and no thread of a
            // key source (nimbus's refresh-ahead scheduler, a "pool-" thread of its own) was started
            assertThat(Thread.getAllStackTraces().keySet()).filteredOn(thread -> !before.contains(thread) && thread.isAlive())
                    .extracting(Thread::getName).noneMatch(name -> name.startsWith("pool-"));
            assertThat(jwksRequests).hasValue(0);
            assertThat(keys.loaded()).isFalse();
        } finally {
            loader.shutdownNow();
            idp.stop(0);
        }
    }

    private static void respond(HttpExchange exchange, String json) throws IOException {
        byte[] body = json.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(200, body.length);
        exchange.getResponseBody().write(body);
        exchange.close();
    }

    /** The first warning of loading the keys of issuer {@code main} at {@code issuerUrl}; only one is written per failure. */
    private String firstWarning(String issuerUrl) throws IOException {
        IssuerConfig issuer = new IssuerConfig("main", URI.create(issuerUrl), List.of("api"), List.of(SignatureAlgorithm.RS256),
                Duration.ofSeconds(30), Optional.empty());
        try (IssuerKeys keys = new IssuerKeys(issuer, JwksPolicy.defaults(Duration.ofSeconds(5), Duration.ofMillis(200)),
                Clock.systemUTC(), new RuntimeMetrics(RuntimeMetrics.prometheusRegistry()), new BoundedRetriever(http, Duration.ofSeconds(5)),
                RsaSignatures.best())) {
            keys.startLoading(scheduler);
            await().atMost(Duration.ofSeconds(20)).until(() -> !warnings().isEmpty());
        }
        return warnings().getFirst();
    }

    private List<String> warnings() {
        return List.copyOf(lines.list).stream().filter(line -> line.getLevel() == Level.WARN)
                .map(ILoggingEvent::getFormattedMessage).toList();
    }
}
