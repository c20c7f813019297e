package io.authtier.runtime.bench;

import io.authtier.runtime.RuntimeMain;
import io.authtier.runtime.testsupport.FreePorts;
import io.authtier.runtime.testsupport.Http;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;

/**
 * The runtime in a JVM of its own ({@link RuntimeMain}, as the packaged jar runs it), on free ports, ready:
 * measured as deployed, without a driver, an IdP or another runtime sharing its heap, GC and JIT.
 */
final class RuntimeProcess implements AutoCloseable {

    private final Process process;
    private final Path config;
    private final int port;
    private final int managementPort;

    private RuntimeProcess(Process process, Path config, int port, int managementPort) {
        this.process = process;
        this.config = config;
        this.port = port;
        this.managementPort = managementPort;
    }

    /**
     * Starts it with {@code yaml} (every section but {@code server}, which this adds) and waits until it is ready.
     *
     * @param flags the runtime's JVM flags
     */
    static RuntimeProcess start(String yaml, List<String> flags) throws IOException {
        return start("", yaml, flags);
    }

    /** As {@link #start(String, List)}, with {@code serverYaml} (lines indented by two) added to {@code server}. */
    static RuntimeProcess start(String serverYaml, String yaml, List<String> flags) throws IOException {
        int[] ports = FreePorts.next(3);
        Path config = Files.createTempFile("authtier-bench", ".yaml");
        Files.writeString(config, """
                server:
                  port: %d
                  managementPort: %d
                  adminPort: %d
                """.formatted(ports[0], ports[1], ports[2]) + serverYaml + yaml);
        Process process = Jvm.start(flags, RuntimeMain.class.getName(), "--config", config.toString());
        RuntimeProcess runtime = new RuntimeProcess(process, config, ports[0], ports[1]);
        try {
            Awaitility.await().atMost(Duration.ofSeconds(60)).ignoreExceptions()
                    .until(() -> Http.get(runtime.managementPort, "/readyz").statusCode() == 200);
        } catch (RuntimeException e) {
            runtime.close();
            throw e;
        }
        return runtime;
    }

    int port() {
        return port;
    }

    int managementPort() {
        return managementPort;
    }

    /** User and system CPU the process has used so far (from /proc). */
    long cpuNanos() {
        return process.toHandle().info().totalCpuDuration().orElseThrow().toNanos();
    }

    /** This runtime as a {@link SessionBench.Target}, which closes it. */
    SessionBench.Target target() {
        return new SessionBench.Target(port, managementPort, process.toHandle(), this);
    }

    @Override
    public void close() throws IOException {
        process.destroy(); // SIGTERM: the runtime's graceful shutdown
        try {
            process.waitFor(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            Files.deleteIfExists(config);
        }
    }
}
