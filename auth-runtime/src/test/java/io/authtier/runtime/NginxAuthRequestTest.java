package io.authtier.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import io.authtier.runtime.testsupport.Backend;
import io.authtier.runtime.testsupport.Http;
import io.authtier.runtime.testsupport.JwksServer;
import io.authtier.runtime.testsupport.MutableClock;
import io.authtier.runtime.testsupport.Nginx;
import io.authtier.runtime.testsupport.RunningRuntime;
import io.authtier.runtime.testsupport.Tokens;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.IntStream;
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
    static Backend backend;
    static Nginx nginx;
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

        backend = Backend.start(exchange -> "user=" + exchange.getRequestHeaders().getFirst("X-Auth-Request-User")
                + " email=" + exchange.getRequestHeaders().getFirst("X-Auth-Request-Email")
                + " subject=" + exchange.getRequestHeaders().getFirst("X-Auth-Request-Subject")
                + " issuer=" + exchange.getRequestHeaders().getFirst("X-Auth-Request-Issuer"));

        var snippet = Nginx.documentedSnippet("auth-runtime.md", "### nginx (`auth_request`)")
                .replace("http://authtier:8080", "http://127.0.0.1:" + runtime.port())
                .replace("http://backend", backend.url());
        nginx = Nginx.start(dir, snippet, port -> Http.get(port, "/api/x").statusCode() == 401);
        nginxPort = nginx.port();
    }

    @AfterAll
    static void stop() {
        if (nginx != null) {
            nginx.close();
        }
        if (backend != null) {
            backend.close();
        }
        runtime.close();
        issuer.close();
    }

    static String token(List<String> groups) {
        return Tokens.sign(key, JWSAlgorithm.ES256, Tokens.accessClaims(issuer.issuer(), "api", clock.instant())
                .claim("email", "ada@example.com").claim("groups", groups).build());
    }

    @Test
    @DisplayName("A valid token reaches the backend with the identity, and the client's own identity headers are replaced")
    void validToken() {
        var response = Http.get(nginxPort, "/api/orders", "Authorization", "Bearer " + token(List.of("users")),
                "X-Auth-Request-User", "admin-forged", "X-Auth-Request-Subject", "admin-forged",
                "X-Auth-Request-Issuer", "https://forged.example");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("user=user-1 email=ada@example.com subject=user-1 issuer=" + issuer.issuer());
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
    @DisplayName("A user in 150 groups passes with all of them: the identity headers (about 5 KiB) fit the snippet's proxy_buffer_size")
    void manyGroups() {
        // Given a token whose groups make the runtime's answer headers larger than nginx's default 4k buffer
        List<String> groups = IntStream.range(0, 150).mapToObj(i -> "/organisation/department-%03d/team".formatted(i)).toList();
        String token = token(groups);
        assertThat(token.length()).isLessThan(8000); // within nginx's default 8k for a client's header line

        // When it is sent through nginx
        var response = Http.get(nginxPort, "/api/orders", "Authorization", "Bearer " + token);

        // Then the backend is reached (without the larger buffer nginx answers 500: "upstream sent too big header")
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).startsWith("user=user-1 ");
    }

    @Test
    @DisplayName("A route rule applies to the path that nginx passes in X-Original-URI")
    void routeRule() {
        assertThat(Http.get(nginxPort, "/api/admin/users", "Authorization", "Bearer " + token(List.of("users"))).statusCode())
                .isEqualTo(403);
        assertThat(Http.get(nginxPort, "/api/admin/users", "Authorization", "Bearer " + token(List.of("admins"))).statusCode())
                .isEqualTo(200);
    }
}
