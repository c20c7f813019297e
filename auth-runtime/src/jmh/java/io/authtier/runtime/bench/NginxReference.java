package io.authtier.runtime.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Debian's nginx answering {@code return 200} with one worker per core: the fastest server this machine has
 * that does nothing, as a floor for what wrk on the same cores can see. Its p99 tells how much of a p99 is
 * the shared cores (wrk, the kernel, the scheduler) rather than the server measured.
 */
final class NginxReference implements AutoCloseable {

    private static final Path NGINX = Path.of("/usr/sbin/nginx");

    private final Path prefix;
    private final Process process;
    private final int port;

    private NginxReference(Path prefix, Process process, int port) {
        this.prefix = prefix;
        this.process = process;
        this.port = port;
    }

    /** Started on {@code port} if nginx is installed ({@code apt-get install nginx-light}); empty if not. */
    static Optional<NginxReference> startIfInstalled(int port, int workers) throws IOException {
        if (!Files.isExecutable(NGINX)) {
            return Optional.empty();
        }
        Path prefix = Files.createTempDirectory("authtier-nginx");
        Files.createDirectories(prefix.resolve("logs"));
        Path conf = Files.writeString(prefix.resolve("nginx.conf"), """
                daemon off;
                worker_processes %d;
                pid %s/nginx.pid;
                error_log %s/logs/error.log;
                events { worker_connections 16384; }
                http {
                  access_log off;
                  client_body_temp_path %s/logs;
                  server { listen 127.0.0.1:%d; location / { return 200; } }
                }
                """.formatted(workers, prefix, prefix, prefix, port));
        Process process = new ProcessBuilder(NGINX.toString(), "-p", prefix.toString(), "-c", conf.toString())
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        return Optional.of(new NginxReference(prefix, process, port));
    }

    String url(String path) {
        return "http://127.0.0.1:" + port + path;
    }

    @Override
    public void close() throws IOException, InterruptedException {
        process.destroy(); // SIGTERM: nginx's fast shutdown, workers included
        process.waitFor(30, TimeUnit.SECONDS);
        try (Stream<Path> files = Files.walk(prefix)) {
            for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(file);
            }
        }
    }
}
