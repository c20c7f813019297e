package io.authtier.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.authtier.runtime.testsupport.RawHttp;
import io.authtier.runtime.testsupport.RunningRuntime;
import io.authtier.runtime.testsupport.RedisLoginConfig;
import io.authtier.runtime.testsupport.SigningKeys;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code POST /oauth2/backchannel-logout} is the one route that reads a body, and anyone may post to it. A
 * logout token is a kilobyte or two; Vert.x's own form limits alone let each connection hold up to 256
 * fields of 8 KiB (2 MiB) until the body ended, and connections are not capped. So a body over 64 KiB is
 * refused with 413 as soon as that is known: from its {@code Content-Length} before a byte of it is read,
 * or, chunked, once 64 KiB have arrived; the connection is closed.
 */
@DisplayName("The back-channel logout's body is capped")
class BackchannelLogoutBodyTest {

    @TempDir
    static Path dir;
    static MockOAuth2Server idp;
    static RunningRuntime runtime;

    @BeforeAll
    static void start() {
        idp = new MockOAuth2Server();
        idp.start(InetAddress.getLoopbackAddress(), 0);
        runtime = RunningRuntime.start(RedisLoginConfig.inMemory(idp.issuerUrl("main").toString(), SigningKeys.write(dir, "k1")),
                Clock.systemUTC(), policy -> policy);
        await().atMost(Duration.ofSeconds(20)).until(() -> runtime.management("/readyz").statusCode() == 200);
    }

    @AfterAll
    static void stop() {
        runtime.close();
        idp.shutdown();
    }

    private static final String HEAD = "POST /oauth2/backchannel-logout HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            + "Content-Type: application/x-www-form-urlencoded\r\n";

    @Test
    @DisplayName("A Content-Length over 64 KiB is answered 413 at once, before any of the body is sent, and the connection closed")
    void declaredTooLarge() throws Exception {
        try (Socket socket = RawHttp.connect(runtime.port())) {
            // When a client announces a 2 MB form and sends none of it
            OutputStream out = socket.getOutputStream();
            out.write((HEAD + "Content-Length: 2000000\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();

            // Then the answer comes without waiting for the body, and nothing more is read on that connection
            String head = RawHttp.readHead(socket.getInputStream());
            assertThat(head).startsWith("HTTP/1.1 413 ").containsIgnoringCase("connection: close");
            assertThat(socket.getInputStream().read()).isEqualTo(-1);
        }
    }

    @Test
    @DisplayName("A chunked form is answered 413 once 64 KiB of it have arrived, without waiting for its end, and the connection closed")
    void chunkedTooLarge() throws Exception {
        try (Socket socket = RawHttp.connect(runtime.port())) {
            // When a client sends a chunked form of fields that each pass Vert.x's own limits (ten of 7 KiB), and never ends it
            OutputStream out = socket.getOutputStream();
            out.write((HEAD + "Transfer-Encoding: chunked\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            for (int i = 0; i < 10; i++) {
                String field = "f" + i + "=" + "a".repeat(7 * 1024) + "&";
                out.write((Integer.toHexString(field.length()) + "\r\n" + field + "\r\n").getBytes(StandardCharsets.US_ASCII));
            }
            out.flush();

            // Then it is refused for its size, and the connection closed
            InputStream in = socket.getInputStream();
            String head = RawHttp.readHead(in);
            assertThat(head).startsWith("HTTP/1.1 413 ");
            assertThat(RawHttp.readUntilClosed(socket)).isEmpty();
        }
    }

    @Test
    @DisplayName("A form under the cap is still read: without a logout token it gets 400 invalid_request")
    void smallFormRead() throws Exception {
        try (Socket socket = RawHttp.connect(runtime.port())) {
            String body = "logout_token=";
            socket.getOutputStream().write((HEAD + "Content-Length: " + body.length() + "\r\n\r\n" + body).getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().flush();
            assertThat(RawHttp.readHead(socket.getInputStream())).startsWith("HTTP/1.1 400 ");
        }
    }
}
