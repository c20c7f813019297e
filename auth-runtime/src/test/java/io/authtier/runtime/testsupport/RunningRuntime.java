package io.authtier.runtime.testsupport;

import io.authtier.runtime.RuntimeApp;
import io.authtier.runtime.config.ConfigProblem;
import io.authtier.runtime.config.LoadResult;
import io.authtier.runtime.config.RuntimeConfig;
import io.authtier.runtime.config.RuntimeConfigLoader;
import io.authtier.runtime.token.jwt.JwksPolicy;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.util.List;

/** The runtime, started in the test's JVM from YAML, listening on two free ports. */
public final class RunningRuntime implements AutoCloseable {

    private final RuntimeApp app;
    private final int port;
    private final int managementPort;
    private final int adminPort;

    private RunningRuntime(RuntimeApp app, int port, int managementPort, int adminPort) {
        this.app = app;
        this.port = port;
        this.managementPort = managementPort;
        this.adminPort = adminPort;
    }

    /**
     * Starts the runtime with {@code issuersYaml} (the {@code issuers:} section and anything else but
     * {@code server}) on two free ports.
     */
    public static RunningRuntime start(String issuersYaml, Clock clock, java.util.function.UnaryOperator<JwksPolicy> policy) {
        return start("", issuersYaml, clock, policy);
    }

    /** As {@link #start(String, Clock, java.util.function.UnaryOperator)}, with {@code serverYaml} (lines indented by two) added to {@code server}. */
    public static RunningRuntime start(String serverYaml, String issuersYaml, Clock clock,
            java.util.function.UnaryOperator<JwksPolicy> policy) {
        int[] ports = FreePorts.next(3);
        int port = ports[0];
        int managementPort = ports[1];
        int adminPort = ports[2];
        String yaml = """
                server:
                  port: %d
                  managementPort: %d
                  adminPort: %d
                  trustedProxies: ["127.0.0.1/32"]
                """.formatted(port, managementPort, adminPort) + serverYaml + issuersYaml;
        RuntimeConfig config = config(yaml);
        RuntimeApp app = new RuntimeApp(config, clock, policy.apply(RuntimeApp.defaultJwksPolicy(config)));
        app.start().toCompletionStage().toCompletableFuture().join();
        return new RunningRuntime(app, port, managementPort, adminPort);
    }

    /** {@code yaml} as the runtime reads it; a test's own mistake in it fails with the problems and the text. */
    public static RuntimeConfig config(String yaml) {
        return switch (new RuntimeConfigLoader().parse(yaml)) {
            case LoadResult.Loaded(RuntimeConfig loaded) -> loaded;
            case LoadResult.Invalid(List<ConfigProblem> problems) -> throw new IllegalArgumentException(problems + " in\n" + yaml);
        };
    }

    /** GET on the auth port. */
    public HttpResponse<String> get(String pathAndQuery, String... headers) {
        return Http.get(port, pathAndQuery, headers);
    }

    /** GET /auth with {@code Authorization: Bearer token}. */
    public HttpResponse<String> auth(String token) {
        return get("/auth", "Authorization", "Bearer " + token);
    }

    /** GET on the management port. */
    public HttpResponse<String> management(String path) {
        return Http.get(managementPort, path);
    }

    public int port() {
        return port;
    }

    public int managementPort() {
        return managementPort;
    }

    /** The admin port (loopback). */
    public int adminPort() {
        return adminPort;
    }

    public RuntimeApp app() {
        return app;
    }

    @Override
    public void close() {
        app.stop();
    }
}
