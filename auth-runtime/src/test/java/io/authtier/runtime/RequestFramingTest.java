package io.authtier.runtime;

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
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Requests whose framing or target a proxy could read differently from the runtime (RFC 9112): refused
 * with the connection closed, so a body that the runtime would have parsed as a second request
 * (request smuggling) is never answered. Raw sockets, because no HTTP client sends such requests.
 */
@DisplayName("Request framing: Transfer-Encoding and Host")
class RequestFramingTest {

    private static final Pattern STATUS_LINE = Pattern.compile("(?m)^HTTP/1\\.[01] \\d{3} ");

    static JwksServer idp;
    static RunningRuntime runtime;
    static String bearer;

    @BeforeAll
    static void start() throws Exception {
        RSAKey key = new RSAKeyGenerator(2048).keyID("k1").generate();
        idp = new JwksServer("shop", List.of(key.toPublicJWK()));
        MutableClock clock = new MutableClock(Instant.now());
        runtime = RunningRuntime.start("""
                issuers:
                - {name: shop, issuerUrl: '%s', audiences: [shop-api]}
                """.formatted(idp.issuer()), clock, policy -> policy);
        await().atMost(Duration.ofSeconds(20)).until(() -> runtime.management("/readyz").statusCode() == 200);
        bearer = "Bearer " + Tokens.sign(key, JWSAlgorithm.RS256, Tokens.accessClaims(idp.issuer(), "shop-api", clock.instant()).build());
    }

    @AfterAll
    static void stop() {
        runtime.close();
        idp.close();
    }

    @ParameterizedTest(name = "Transfer-Encoding: {0} → {1}")
    @CsvSource(delimiter = '|', value = {
            "gzip|400|''|must end with chunked",
            "identity|400|''|must end with chunked",
            // Netty's decoder refuses this one itself, with an empty body
            "chunked, gzip|400|'0\r\n\r\n'|''",
            "gzip, chunked|501|'0\r\n\r\n'|other than chunked is not supported",
    })
    @DisplayName("A Transfer-Encoding that does not end with chunked alone is refused, and what follows is never read as a request")
    void transferEncoding(String codings, int status, String chunks, String reason) throws IOException {
        // Given a request whose body is, for a server that ignores the unknown coding, a second request
        String smuggled = "GET /auth HTTP/1.1\r\nHost: shop\r\nAuthorization: " + bearer + "\r\n\r\n";
        String answer = exchange(runtime.port(), "GET /auth HTTP/1.1\r\nHost: shop\r\nAuthorization: " + bearer
                + "\r\nTransfer-Encoding: " + codings + "\r\n\r\n" + chunks.translateEscapes() + smuggled);

        // Then the request is refused with a reason, and the connection closed before the smuggled one is answered
        assertThat(answer).startsWith("HTTP/1.1 " + status + " ").contains(reason);
        assertThat(statusLines(answer)).hasSize(1);
        assertThat(answer).doesNotContainIgnoringCase("X-Auth-Request-User");
    }

    @Test
    @DisplayName("Transfer-Encoding split over two header lines is read as one list")
    void transferEncodingOverTwoLines() throws IOException {
        String answer = exchange(runtime.port(), "GET /auth HTTP/1.1\r\nHost: shop\r\nAuthorization: " + bearer
                + "\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: gzip\r\n\r\n0\r\n\r\n");

        assertThat(answer).startsWith("HTTP/1.1 400 ");
    }

    @Test
    @DisplayName("A chunked body is still accepted, and the connection kept for the next request")
    void chunkedAccepted() throws IOException {
        String answer = exchange(runtime.port(), "POST /auth HTTP/1.1\r\nHost: shop\r\nAuthorization: " + bearer
                + "\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n"
                + "GET /auth HTTP/1.1\r\nHost: shop\r\nAuthorization: " + bearer + "\r\nConnection: close\r\n\r\n");

        assertThat(answer).startsWith("HTTP/1.1 200 ");
        assertThat(statusLines(answer)).containsExactly("HTTP/1.1 200", "HTTP/1.1 200");
    }

    @Test
    @DisplayName("Transfer-Encoding on an HTTP/1.0 request is refused (its framing is faulty by definition), and nothing behind it is read")
    void transferEncodingOnHttp10() throws IOException {
        String answer = exchange(runtime.port(), "POST /auth HTTP/1.0\r\nAuthorization: " + bearer
                + "\r\nTransfer-Encoding: chunked\r\nConnection: keep-alive\r\n\r\n0\r\n\r\n"
                + "GET /auth HTTP/1.0\r\nAuthorization: " + bearer + "\r\n\r\n");

        assertThat(answer).matches("(?s)HTTP/1\\.[01] 400 .*").doesNotContainIgnoringCase("X-Auth-Request-User");
        assertThat(statusLines(answer)).hasSize(1);
    }

    @Test
    @DisplayName("An HTTP/1.1 request without Host, or with two, is refused with 400 on the auth and management ports")
    void host() throws IOException {
        String noHost = "GET /auth HTTP/1.1\r\nAuthorization: " + bearer + "\r\n\r\n";
        String twoHosts = "GET /auth HTTP/1.1\r\nHost: shop\r\nHost: evil\r\nAuthorization: " + bearer + "\r\n\r\n";

        assertThat(exchange(runtime.port(), noHost)).startsWith("HTTP/1.1 400 ").contains("needs a Host header")
                .doesNotContainIgnoringCase("X-Auth-Request-User");
        assertThat(exchange(runtime.port(), twoHosts)).startsWith("HTTP/1.1 400 ").contains("more than one Host header");
        assertThat(exchange(runtime.managementPort(), "GET /healthz HTTP/1.1\r\n\r\n")).startsWith("HTTP/1.1 400 ");
        // HTTP/1.0 has no Host requirement
        assertThat(exchange(runtime.port(), "GET /auth HTTP/1.0\r\nAuthorization: " + bearer + "\r\n\r\n"))
                .matches("(?s)HTTP/1\\.[01] 200 .*");
    }

    /** The status lines of every answer in {@code answer}, without the reason phrase: one per request served. */
    private static List<String> statusLines(String answer) {
        return STATUS_LINE.matcher(answer).results().map(r -> r.group().strip()).toList();
    }

    /** Sends {@code request} as is and reads everything until the server closes the connection. */
    private static String exchange(int port, String request) throws IOException {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
            socket.setSoTimeout(10_000); // a server that keeps the connection open fails the test instead of hanging it
            socket.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
            return new String(socket.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
        }
    }
}
