package io.authtier.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.sun.net.httpserver.HttpServer;
import io.authtier.runtime.testsupport.FreePorts;
import io.authtier.runtime.testsupport.Http;
import io.authtier.runtime.testsupport.JwksServer;
import io.authtier.runtime.testsupport.MutableClock;
import io.authtier.runtime.testsupport.RunningRuntime;
import io.authtier.runtime.testsupport.Tokens;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The nginx snippet of docs/auth-runtime.md, run by a real nginx (Debian's nginx-light, which .ci/run
 * installs) in front of the runtime and a backend that echoes the identity it receives. The snippet is
 * read from the document itself, so the document cannot drift from what works.
 */
@DisplayName("nginx auth_request in front of the runtime, as documented")
class NginxAuthRequestTest {
    @TempDir
    static Path dir;
    static JwksServer issuer;
    static ECKey key;
    static MutableClock clock;
    static RunningRuntime runtime;
    static HttpServer backend;
    static Process nginx;
    static int nginxPort;

    @BeforeAll
    static void start() throws Exception {
        key = new ECKeyGenerator(Curve.P_256).keyID("nginx-1").generate();
        issuer = new JwksServer("nginx", List.of(key.toPublicJWK()));
        clock = new MutableClock(Instant.now());
        runtime = RunningRuntime.start("""
                issuers:
                - {name: main, issuerUrl: '%s', audiences: [api], allowedAlgorithms: [ES256]}
                routes:
                - {pathPrefix: /api/admin, allowedGroups: [admins]}
                """.formatted(issuer.issuer()), clock, policy -> policy);
        await().atMost(Duration.ofSeconds(20)).until(() -> runtime.management("/readyz").statusCode() == 200);

        backend = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
        backend.createContext("/", exchange -> {
            var body = ("user=" + exchange.getRequestHeaders().getFirst("X-Auth-Request-User")
                    + " email=" + exchange.getRequestHeaders().getFirst("X-Auth-Request-Email")).getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            try (var out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        backend.start();

        nginxPort = FreePorts.next();
        var snippet = documentedSnippet()
                .replace("http://authtier:8080", "http://127.0.0.1:" + runtime.port())
                .replace("http://backend", "http://127.0.0.1:" + backend.getAddress().getPort());
        var conf = dir.resolve("nginx.conf");
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
                dir, dir, dir, dir, dir, dir, dir, nginxPort, snippet.indent(8)));
        nginx = new ProcessBuilder(nginxBinary(), "-p", dir.toString(), "-c", conf.toString(), "-g", "daemon off;")
                .redirectErrorStream(true).redirectOutput(dir.resolve("nginx.out").toFile()).start();
        await().atMost(Duration.ofSeconds(20)).ignoreExceptions()
                .until(() -> Http.get(nginxPort, "/api/x").statusCode() == 401);
    }

    @AfterAll
    static void stop() throws InterruptedException {
        if (nginx != null) {
            nginx.destroy();
            nginx.waitFor(10, TimeUnit.SECONDS);
        }
        if (backend != null) {
            backend.stop(0);
        }
        runtime.close();
        issuer.close();
    }

    static String token(List<String> groups) {
        return Tokens.sign(key, JWSAlgorithm.ES256, Tokens.accessClaims(issuer.issuer(), "api", clock.instant())
                .claim("email", "ada@example.com").claim("groups", groups).build());
    }

    @Test
    @DisplayName("A valid token reaches the backend with the identity, and a client's own identity header is replaced")
    void validToken() {
        var response = Http.get(nginxPort, "/api/orders", "Authorization", "Bearer " + token(List.of("users")),
                "X-Auth-Request-User", "admin-forged");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("user=user-1 email=ada@example.com");
    }

    @Test
    @DisplayName("No token or a bad one gets 401 with the Bearer challenge; the backend is never reached")
    void rejected() {
        var none = Http.get(nginxPort, "/api/orders");
        var bad = Http.get(nginxPort, "/api/orders", "Authorization", "Bearer not.a.token");

        assertThat(none.statusCode()).isEqualTo(401);
        assertThat(none.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(v -> assertThat(v).startsWith("Bearer"));
        assertThat(bad.statusCode()).isEqualTo(401);
        assertThat(bad.body()).doesNotContain("user=");
    }

    @Test
    @DisplayName("A route rule applies to the path that nginx passes in X-Original-URI")
    void routeRule() {
        assertThat(Http.get(nginxPort, "/api/admin/users", "Authorization", "Bearer " + token(List.of("users"))).statusCode())
                .isEqualTo(403);
        assertThat(Http.get(nginxPort, "/api/admin/users", "Authorization", "Bearer " + token(List.of("admins"))).statusCode())
                .isEqualTo(200);
    }

    /** The first nginx block after the nginx heading of docs/auth-runtime.md. */
    static String documentedSnippet() throws IOException {
        var doc = Files.readString(Path.of("..", "docs", "auth-runtime.md"));
        var section = doc.indexOf("### nginx (`auth_request`)");
        var start = doc.indexOf("```nginx\n", section) + "```nginx\n".length();
        return doc.substring(start, doc.indexOf("```", start));
    }

    static String nginxBinary() {
        for (var candidate : List.of("/usr/sbin/nginx", "/usr/local/sbin/nginx", "/usr/bin/nginx")) {
            if (Files.isExecutable(Path.of(candidate))) {
                return candidate;
            }
        }
        throw new IllegalStateException("nginx is not installed: apt-get install -y nginx-light (.ci/run does)");
    }
}
