package io.authtier.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.authtier.runtime.testsupport.FreePorts;
import io.authtier.runtime.testsupport.Http;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

@DisplayName("RuntimeMain")
class RuntimeMainTest {

    private static final String VALID = """
            issuers:
            - name: main
              issuerUrl: https://keycloak.example.com/realms/shop
              audiences: [shop-api]
            """;

    @TempDir
    Path dir;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    @Test
    @DisplayName("--check with a valid file prints 'configuration OK' and exits 0")
    void checkValid() throws IOException {
        // Given a valid file
        Path file = Files.writeString(dir.resolve("runtime.yaml"), VALID);

        // When it is checked
        int exitCode = run("--config", file.toString(), "--check");

        // Then
        assertThat(exitCode).isZero();
        assertThat(out()).isEqualTo("configuration OK" + System.lineSeparator());
        assertThat(err()).isEmpty();
    }

    @Test
    @DisplayName("A valid file without --check prints a one-line summary, serves until stopped, then exits 0")
    void runValid() throws Exception {
        // Given a valid file with free ports and an issuer that is not reachable
        int[] ports = FreePorts.next(3);
        int port = ports[0];
        int managementPort = ports[1];
        Path file = Files.writeString(dir.resolve("runtime.yaml"), """
                server: {port: %d, managementPort: %d}
                issuers:
                - name: main
                  issuerUrl: http://127.0.0.1:%d/realms/shop
                  audiences: [shop-api]
                """.formatted(port, managementPort, ports[2]));
        CompletableFuture<RuntimeApp> started = new CompletableFuture<>();

        // When the runtime starts with it
        CompletableFuture<Integer> exitCode = CompletableFuture.supplyAsync(() -> RuntimeMain.run(new String[] {"--config", file.toString()},
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8), started::complete));
        RuntimeApp app = started.get(30, TimeUnit.SECONDS);

        // Then it serves: alive, not ready (no keys), and refusing requests without a token
        assertThat(Http.get(managementPort, "/healthz").statusCode()).isEqualTo(200);
        assertThat(Http.get(managementPort, "/readyz").statusCode()).isEqualTo(503);
        assertThat(Http.get(port, "/auth").statusCode()).isEqualTo(401);
        assertThat(out().lines()).singleElement().asString()
                .startsWith("authtier-runtime: configuration " + file + ": issuers main; sessions unused (no sessions.login); login off; L2 cache off; redis none;");

        // And when it is stopped, run returns 0 and the ports are closed
        app.stop();
        assertThat(exitCode.get(30, TimeUnit.SECONDS)).isZero();
        assertThatThrownBy(() -> Http.get(port, "/auth")).isInstanceOf(UncheckedIOException.class);
    }

    @Test
    @DisplayName("A port that is taken exits 1 and says so")
    void portTaken() throws Exception {
        try (ServerSocket taken = new ServerSocket(0)) {
            Path file = Files.writeString(dir.resolve("runtime.yaml"), VALID + "server: {port: %d, managementPort: %d}%n"
                    .formatted(taken.getLocalPort(), FreePorts.next()));

            assertThat(run("--config", file.toString())).isEqualTo(1);
            assertThat(err()).startsWith("authtier-runtime: cannot start: server.port " + taken.getLocalPort() + ": cannot listen on ")
                    .contains("choose a free port");
        }
    }

    @Test
    @DisplayName("An invalid file prints every problem, one per line, to stderr and exits 2")
    void invalid() throws IOException {
        // Given a file with two problems
        Path file = Files.writeString(dir.resolve("runtime.yaml"), VALID + "server: {port: 0, managementPrt: 1}\n");

        // When it is checked
        int exitCode = run("--config", file.toString(), "--check");

        // Then
        assertThat(exitCode).isEqualTo(2);
        assertThat(out()).isEmpty();
        assertThat(err().lines()).containsExactly(
                "authtier-runtime: invalid configuration " + file + ":",
                "  server.port: must be between 1 and 65535, got 0",
                "  server.managementPrt: unknown field; did you mean 'managementPort'?");
    }

    @Test
    @DisplayName("An invalid file also exits 2 without --check")
    void invalidWithoutCheck() throws IOException {
        // Given an empty file
        Path file = Files.writeString(dir.resolve("runtime.yaml"), "");

        // When the runtime starts with it, then it stops
        assertThat(run("--config", file.toString())).isEqualTo(2);
        assertThat(err()).contains("issuers: required");
    }

    @Test
    @DisplayName("A missing file exits 2 and says so")
    void missingFile() {
        // Given no file
        Path file = dir.resolve("absent.yaml");

        // When it is checked
        int exitCode = run("--config", file.toString(), "--check");

        // Then
        assertThat(exitCode).isEqualTo(2);
        assertThat(err()).isEqualTo("authtier-runtime: cannot read configuration " + file + ": no such file" + System.lineSeparator());
    }

    @Test
    @DisplayName("A directory instead of a file exits 2 and says why")
    void directory() {
        // When a directory is given as the file
        int exitCode = run("--config", dir.toString());

        // Then
        assertThat(exitCode).isEqualTo(2);
        assertThat(err()).startsWith("authtier-runtime: cannot read configuration " + dir + ": ");
    }

    @Test
    @EnabledOnOs(OS.LINUX)
    @DisplayName("--check of /dev/zero exits 2 with the file-too-large problem, not an OutOfMemoryError")
    void deviceWithoutEnd() {
        // When a device that never ends is given as the file
        int exitCode = run("--config", "/dev/zero", "--check");

        // Then it is refused like any invalid file
        assertThat(exitCode).isEqualTo(2);
        assertThat(out()).isEmpty();
        assertThat(err().lines()).hasSize(2).first().isEqualTo("authtier-runtime: invalid configuration /dev/zero:");
        assertThat(err().lines().skip(1)).singleElement().asString().startsWith("  the file is larger than 3 MiB");
    }

    @Test
    @DisplayName("Without --config it prints the usage to stderr and exits 2")
    void usageError() {
        // When started without arguments
        int exitCode = run();

        // Then
        assertThat(exitCode).isEqualTo(2);
        assertThat(out()).isEmpty();
        assertThat(err()).startsWith("authtier-runtime: --config FILE is required" + System.lineSeparator() + "usage: ");
    }

    @Test
    @DisplayName("--help prints the usage to stdout and exits 0")
    void help() {
        assertThat(run("--help")).isZero();
        assertThat(out()).startsWith("usage: java -jar auth-runtime.jar --config FILE [--check]");
    }

    private int run(String... args) {
        return RuntimeMain.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private String out() {
        return out.toString(StandardCharsets.UTF_8);
    }

    private String err() {
        return err.toString(StandardCharsets.UTF_8);
    }
}
