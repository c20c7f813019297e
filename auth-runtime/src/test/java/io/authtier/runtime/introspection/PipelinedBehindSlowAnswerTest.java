package io.authtier.runtime.introspection;

import static io.authtier.runtime.testsupport.RawHttp.connect;
import static io.authtier.runtime.testsupport.RawHttp.readUntilClosed;
import static org.assertj.core.api.Assertions.assertThat;

import io.authtier.runtime.testsupport.RunningRuntime;
import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * server.requestReadTimeout times the client, not the runtime: requests pipelined behind one whose answer
 * waits for the IdP are held by Vert.x, which stops reading the connection meanwhile, and are not cut as slow
 * however long that wait. Raw sockets, because no HTTP client pipelines like that.
 */
@DisplayName("Requests pipelined behind a slow answer are not cut as slow clients")
class PipelinedBehindSlowAnswerTest {

    private static final Pattern STATUS_LINE = Pattern.compile("(?m)^HTTP/1\\.1 (\\d{3}) ");

    private TestIdp idp;
    private RunningRuntime runtime;

    @BeforeEach
    void start(@TempDir Path dir) throws Exception {
        idp = new TestIdp("client-secret-value");
        Path secret = Files.writeString(dir.resolve("client-secret"), "client-secret-value\n");
        runtime = RunningRuntime.start("  requestReadTimeout: 1s\n", """
                issuers:
                - name: opaque
                  issuerUrl: %s
                  audiences: [api]
                  introspection: {clientId: %s, clientSecretFile: %s}
                resilience:
                  timeout: 30s
                """.formatted(idp.issuerUrl(), TestIdp.CLIENT_ID, secret), Clock.systemUTC(), policy -> policy);
        idp.active("opaque-alice", Map.of("sub", "alice", "exp", Instant.now().plusSeconds(300).getEpochSecond()));
    }

    @AfterEach
    void stop() {
        idp.open();
        runtime.close();
        idp.close();
    }

    @Test
    @DisplayName("Ten requests pipelined behind one that waits longer than the timeout for its introspection are all answered")
    void heldNotCut() throws IOException {
        String slow = "GET /auth HTTP/1.1\r\nHost: shop\r\nAuthorization: Bearer opaque-alice\r\n\r\n";
        String fast = "GET /healthz HTTP/1.1\r\nHost: shop\r\n\r\n"; // 404 on the auth port, answered at once
        String partial = "GET /auth HTTP/1.1\r\nHost: shop\r\n";
        idp.closeGate();
        try (Socket socket = connect(runtime.port())) {
            // One request that waits for the IdP, nine behind it, and the start of a tenth
            socket.getOutputStream().write((slow + fast.repeat(9) + partial).getBytes(StandardCharsets.US_ASCII));

            // When longer than the timeout passes (a connection opened after it, stalled, has been cut by then)
            try (Socket witness = connect(runtime.port())) {
                witness.getOutputStream().write("GET /auth HTTP/1.1\r\n".getBytes(StandardCharsets.US_ASCII));
                assertThat(readUntilClosed(witness)).isEmpty();
            }
            // and the tenth request is finished, then the IdP answers
            socket.getOutputStream().write("Connection: close\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            idp.open();

            // Then every request is answered, in order: the slow one 200, the nine 404, the tenth 401 (no token)
            String answers = readUntilClosed(socket);
            assertThat(STATUS_LINE.matcher(answers).results().map(r -> r.group(1)).toList())
                    .containsExactly("200", "404", "404", "404", "404", "404", "404", "404", "404", "404", "401");
        }
    }
}
