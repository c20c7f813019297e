package io.authtier.runtime;

import static io.authtier.runtime.testsupport.RawHttp.connect;
import static io.authtier.runtime.testsupport.RawHttp.readHead;
import static io.authtier.runtime.testsupport.RawHttp.readUntilClosed;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import io.authtier.runtime.testsupport.JwksServer;
import io.authtier.runtime.testsupport.MutableClock;
import io.authtier.runtime.testsupport.RunningRuntime;
import io.authtier.runtime.testsupport.Tokens;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Clients that send a request too slowly (slowloris) or stop half way lose their connection after
 * {@code server.requestReadTimeout} (1 s here); idle keep-alive connections between requests keep theirs.
 * Raw sockets, because no HTTP client sends like that.
 */
@DisplayName("Slow clients: server.requestReadTimeout")
class SlowClientTest {

    private static final Pattern TIMEOUTS = Pattern.compile("(?m)^authtier_http_request_read_timeouts_total(?:\\{[^}]*})? (\\S+)$");

    static JwksServer idp;
    static RunningRuntime runtime;
    static String bearer;
    static ScheduledExecutorService dripper;

    @BeforeAll
    static void start() throws Exception {
        RSAKey key = new RSAKeyGenerator(2048).keyID("k1").generate();
        idp = new JwksServer("shop", List.of(key.toPublicJWK()));
        MutableClock clock = new MutableClock(Instant.now());
        runtime = RunningRuntime.start("  requestReadTimeout: 1s\n", """
                issuers:
                - {name: shop, issuerUrl: '%s', audiences: [shop-api]}
                """.formatted(idp.issuer()), clock, policy -> policy);
        await().atMost(Duration.ofSeconds(20)).until(() -> runtime.management("/readyz").statusCode() == 200);
        bearer = "Bearer " + Tokens.sign(key, JWSAlgorithm.RS256, Tokens.accessClaims(idp.issuer(), "shop-api", clock.instant()).build());
        dripper = Executors.newSingleThreadScheduledExecutor();
    }

    @AfterAll
    static void stop() {
        dripper.shutdownNow();
        runtime.close();
        idp.close();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"G", "GET /auth HTTP/1.1\r\nHost: shop\r\nAuthori"})
    @DisplayName("A connection whose first request stops half way through its head is closed unanswered, and the close is counted")
    void stalledHead(String partial) throws IOException {
        double before = readTimeouts();
        try (Socket socket = connect(runtime.port())) {
            socket.getOutputStream().write(partial.getBytes(StandardCharsets.US_ASCII));

            assertThat(readUntilClosed(socket)).isEmpty();
        }
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(readTimeouts()).isGreaterThan(before));
    }

    @Test
    @DisplayName("A request whose body stops half way loses its connection, answered or not")
    void stalledBody() throws IOException {
        try (Socket socket = connect(runtime.port())) {
            socket.getOutputStream().write("POST /auth HTTP/1.1\r\nHost: shop\r\nContent-Length: 100\r\n\r\n0123"
                    .getBytes(StandardCharsets.US_ASCII));

            // /auth answers from the head (401 here); the connection is cut all the same, so no reply to a next request
            assertThat(readUntilClosed(socket)).doesNotContain("200");
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"GET /auth HTTP/1.1\r\nHo", "GET /auth HTTP/1.1\r\nHost: shop\r\n"})
    @DisplayName("The start of a request sent in one packet behind a whole one is timed too: the first is answered, then the connection cut")
    void pipelinedPartial(String partial) throws IOException {
        String whole = "GET /auth HTTP/1.1\r\nHost: shop\r\nAuthorization: " + bearer + "\r\n\r\n";
        try (Socket socket = connect(runtime.port())) {
            socket.getOutputStream().write((whole + partial).getBytes(StandardCharsets.US_ASCII));

            String answered = readUntilClosed(socket);

            assertThat(answered).startsWith("HTTP/1.1 200 ");
            assertThat(answered.split("HTTP/1.1 ", -1)).hasSize(2); // one answer, for the whole request only
        }
    }

    @Test
    @DisplayName("Expect: 100-continue is answered with 100, the body then arrives, and the connection serves on")
    void expectContinue() throws IOException {
        try (Socket socket = connect(runtime.port())) {
            OutputStream out = socket.getOutputStream();
            out.write(("POST /auth HTTP/1.1\r\nHost: shop\r\nAuthorization: " + bearer
                    + "\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            assertThat(readHead(socket.getInputStream())).startsWith("HTTP/1.1 100 ");

            out.write("hello".getBytes(StandardCharsets.US_ASCII));
            assertThat(readHead(socket.getInputStream())).startsWith("HTTP/1.1 200 ");
            out.write(("GET /auth HTTP/1.1\r\nHost: shop\r\nAuthorization: " + bearer + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            assertThat(readHead(socket.getInputStream())).startsWith("HTTP/1.1 200 ");
        }
    }

    @Test
    @DisplayName("A head sent a few bytes at a time for ever (slowloris) loses its connection, on the auth and management ports")
    void dripped() throws IOException {
        for (int port : new int[] {runtime.port(), runtime.managementPort()}) {
            try (Socket socket = connect(port)) {
                OutputStream out = socket.getOutputStream();
                out.write("GET /healthz HTTP/1.1\r\nHost: shop\r\n".getBytes(StandardCharsets.US_ASCII));
                // A header line every 100 ms keeps bytes flowing (no idle timeout would fire) and never ends the head.
                var drip = dripper.scheduleAtFixedRate(() -> {
                    try {
                        out.write("X-a: b\r\n".getBytes(StandardCharsets.US_ASCII));
                    } catch (IOException closed) {
                        throw new IllegalStateException(closed); // ends the schedule
                    }
                }, 100, 100, TimeUnit.MILLISECONDS);
                try {
                    assertThat(readUntilClosed(socket)).isEmpty();
                } finally {
                    drip.cancel(false);
                }
            }
        }
    }

    @Test
    @DisplayName("Idle connections outlive the timeout, before their first request (opened ahead of need) and between two, and then serve")
    void idleConnectionsKept() throws IOException {
        String request = "GET /auth HTTP/1.1\r\nHost: shop\r\nAuthorization: " + bearer + "\r\n\r\n";
        try (Socket unused = connect(runtime.port()); Socket idle = connect(runtime.port())) {
            idle.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
            assertThat(readHead(idle.getInputStream())).startsWith("HTTP/1.1 200 ");

            // A stalled connection opened after both is cut: by then both have waited longer than the timeout.
            try (Socket stalled = connect(runtime.port())) {
                stalled.getOutputStream().write("GET /auth HTTP/1.1\r\n".getBytes(StandardCharsets.US_ASCII));
                assertThat(readUntilClosed(stalled)).isEmpty();
            }

            for (Socket socket : List.of(unused, idle)) {
                socket.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
                assertThat(readHead(socket.getInputStream())).startsWith("HTTP/1.1 200 ");
            }
        }
    }

    private static double readTimeouts() {
        Matcher m = TIMEOUTS.matcher(runtime.management("/metrics").body());
        return m.find() ? Double.parseDouble(m.group(1)) : 0;
    }
}
