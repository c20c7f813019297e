package io.authtier.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.authtier.runtime.testsupport.Backend;
import io.authtier.runtime.testsupport.Browser;
import io.authtier.runtime.testsupport.Http;
import io.authtier.runtime.testsupport.Nginx;
import io.authtier.runtime.testsupport.RunningRuntime;
import io.authtier.runtime.testsupport.SigningKeys;
import java.io.IOException;
import java.net.InetAddress;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import no.nav.security.mock.oauth2.token.DefaultOAuth2TokenCallback;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The browser-login nginx snippet of docs/login.md, run by a real nginx in front of the runtime (sessions
 * in memory) and a backend that echoes who it was told the user is, with a real OIDC server. The browser
 * only ever talks to nginx and the IdP.
 */
@DisplayName("Browser login behind nginx, as documented")
class NginxLoginTest {

    @TempDir
    static Path dir;
    static MockOAuth2Server idp;
    static RunningRuntime runtime;
    static Backend backend;
    static Nginx nginx;

    @BeforeAll
    static void start() throws IOException {
        idp = new MockOAuth2Server();
        idp.start(InetAddress.getLoopbackAddress(), 0);
        Path k1 = SigningKeys.write(dir, "k1");
        runtime = RunningRuntime.start("""
                issuers:
                - name: main
                  issuerUrl: %s
                  audiences: [shop-api]
                sessions:
                  store: Memory
                  cookie:
                    signingKeys: [{id: k1, file: %s}]
                  passAccessToken: Header
                  login:
                    issuer: main
                    clientId: shop-web
                    allowedRedirectDomains: [shop.example.com, 127.0.0.1]
                """.formatted(idp.issuerUrl("main"), k1), Clock.systemUTC(), policy -> policy);
        await().atMost(Duration.ofSeconds(20)).until(() -> runtime.management("/readyz").statusCode() == 200);

        backend = Backend.start(exchange -> {
            var headers = exchange.getRequestHeaders();
            return "path=" + exchange.getRequestURI() + " user=" + headers.getFirst("X-Auth-Request-User")
                    + " email=" + headers.getFirst("X-Auth-Request-Email")
                    + " token=" + (headers.getFirst("X-Auth-Request-Access-Token") == null ? "none" : "present")
                    + " subject=" + headers.getFirst("X-Auth-Request-Subject") + " issuer=" + headers.getFirst("X-Auth-Request-Issuer")
                    + " name=" + headers.getFirst("X-Auth-Request-Preferred-Username");
        });

        String snippet = Nginx.documentedSnippet("login.md", "## Behind nginx")
                .replace("http://authtier:8080", "http://127.0.0.1:" + runtime.port())
                .replace("http://backend", backend.url());
        nginx = Nginx.start(dir, snippet, port -> Http.get(port, "/app/").statusCode() == 302);
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
        idp.shutdown();
    }

    @Test
    @DisplayName("A browser that opens a page is sent to the IdP, comes back logged in to that page, and the backend learns who it is")
    void loginThroughNginx() {
        Browser browser = new Browser();
        String app = "http://127.0.0.1:" + nginx.port();
        idp.enqueueCallback(new DefaultOAuth2TokenCallback("main", "ada", "JWT", List.of("shop-api"),
                Map.of("email", "ada@example.com"), 3600));

        // When the browser opens a page with a query, and follows the redirects (nginx → login → IdP → callback)
        HttpResponse<String> page = browser.follow(app + "/app/orders?id=7&sort=date", next -> false);

        // Then it ends on the page it asked for, query intact, and the backend got the identity and the token
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).startsWith("path=/app/orders?id=7&sort=date user=ada email=ada@example.com token=present subject=ada issuer="
                + idp.issuerUrl("main"));
        // And the login went through the IdP, with the callback on nginx's host
        assertThat(browser.hops()).anySatisfy(hop -> assertThat(hop.uri().toString()).startsWith(idp.authorizationEndpointUrl("main").toString()));
        assertThat(browser.hops()).anySatisfy(hop -> assertThat(hop.uri().toString()).startsWith(app + "/oauth2/callback?"));

        // And the client's forged identity headers, every one of them, are replaced or dropped
        HttpResponse<String> again = browser.get(app + "/app/x", "X-Auth-Request-User", "admin", "X-Auth-Request-Subject", "admin",
                "X-Auth-Request-Issuer", "https://evil.example", "X-Auth-Request-Preferred-Username", "admin",
                "X-Auth-Request-Groups", "admins", "X-Auth-Request-Access-Token", "forged");
        assertThat(again.body()).contains("user=ada ", "subject=ada ").doesNotContain("admin", "evil");

        // And after sign-out the page sends the browser to the login again
        browser.get(app + "/oauth2/sign_out?rd=/app/", "Sec-Fetch-Site", "same-origin");
        HttpResponse<String> after = browser.get(app + "/app/x");
        assertThat(after.statusCode()).isEqualTo(302);
        assertThat(after.headers().firstValue("Location").orElseThrow()).isEqualTo(app + "/oauth2/start?rd=/app/x");
    }
}
