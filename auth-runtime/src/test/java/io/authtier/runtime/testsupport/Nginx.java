package io.authtier.runtime.testsupport;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/** A real nginx (Debian's nginx-light) on a free loopback port, serving one {@code server} block's content. */
public final class Nginx implements AutoCloseable {

    private final Process process;
    private final int port;

    private Nginx(Process process, int port) {
        this.process = process;
        this.port = port;
    }

    /** Starts nginx with {@code serverBlock} inside {@code server { listen …; }}; returns once {@code up} holds. */
    public static Nginx start(Path dir, String serverBlock, java.util.function.IntPredicate up) {
        int port = FreePorts.next();
        Path conf = dir.resolve("nginx.conf");
        try {
            Files.writeString(conf, """
                    %s
                    worker_processes 1;
                    pid %s/nginx.pid;
                    error_log %s/error.log warn;
                    events { worker_connections 64; }
                    http {
                        access_log off;
                        client_body_temp_path %s/body;
                        proxy_temp_path %s/proxy;
                        fastcgi_temp_path %s/fastcgi;
                        uwsgi_temp_path %s/uwsgi;
                        scgi_temp_path %s/scgi;
                        server {
                            listen 127.0.0.1:%d;
                    %s
                        }
                    }
                    """.formatted("root".equals(System.getProperty("user.name")) ? "user root;" : "",
                    dir, dir, dir, dir, dir, dir, dir, port, serverBlock.indent(8)));
            Process process = new ProcessBuilder(binary(), "-p", dir.toString(), "-c", conf.toString(), "-g", "daemon off;")
                    .redirectErrorStream(true).redirectOutput(dir.resolve("nginx.out").toFile()).start();
            Nginx nginx = new Nginx(process, port);
            BooleanSupplier ready = () -> up.test(port);
            await().atMost(Duration.ofSeconds(20)).ignoreExceptions().until(ready::getAsBoolean);
            return nginx;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public int port() {
        return port;
    }

    /** The first {@code nginx} code block after {@code heading} in {@code docs/<page>}. */
    public static String documentedSnippet(String page, String heading) {
        try {
            String doc = Files.readString(Path.of("..", "docs", page));
            int section = doc.indexOf(heading);
            if (section < 0) {
                throw new IllegalStateException("docs/" + page + " has no heading " + heading);
            }
            int start = doc.indexOf("```nginx\n", section) + "```nginx\n".length();
            return doc.substring(start, doc.indexOf("```", start));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String binary() {
        for (String candidate : List.of("/usr/sbin/nginx", "/usr/local/sbin/nginx", "/usr/bin/nginx")) {
            if (Files.isExecutable(Path.of(candidate))) {
                return candidate;
            }
        }
        throw new IllegalStateException("nginx is not installed: apt-get install -y nginx-light (.ci/run does)");
    }

    @Override
    public void close() {
        process.destroy();
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
