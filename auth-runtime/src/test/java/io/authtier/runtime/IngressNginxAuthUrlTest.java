package io.authtier.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import io.authtier.runtime.testsupport.Backend;
import io.authtier.runtime.testsupport.DocSnippets;
import io.authtier.runtime.testsupport.JwksServer;
import io.authtier.runtime.testsupport.MutableClock;
import io.authtier.runtime.testsupport.Nginx;
import io.authtier.runtime.testsupport.RawHttp;
import io.authtier.runtime.testsupport.RunningRuntime;
import io.authtier.runtime.testsupport.Tokens;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The runtime behind ingress-nginx's {@code auth-url}, with the annotations of docs/auth-runtime.md, in a real nginx.
 * The controller itself needs a cluster; its nginx configuration for those annotations is rendered here by hand
 * from kubernetes/ingress-nginx {@code rootfs/etc/nginx/template/nginx.tmpl} (the external-auth location and the
 * {@code auth_request} lines of the protected location; without the Lua, tracing and cache parts, which do not
 * change the request).
 */
@DisplayName("ingress-nginx auth-url in front of the runtime, as documented")
class IngressNginxAuthUrlTest {

    @TempDir
    static Path dir;
    static JwksServer issuer;
    static ECKey key;
    static MutableClock clock;
    static RunningRuntime runtime;
    static Backend backend;
    static Nginx nginx;

    @BeforeAll
    static void start() throws Exception {
        key = new ECKeyGenerator(Curve.P_256).keyID("ingress-1").generate();
        issuer = new JwksServer("ingress", List.of(key.toPublicJWK()));
        clock = new MutableClock(Instant.now());
        runtime = RunningRuntime.start("""
                issuers:
                - {name: main, issuerUrl: '%s', audiences: [api], allowedAlgorithms: [ES256]}
                routes:
                - {pathPrefix: /billing, allowedGroups: [billing]}
                """.formatted(issuer.issuer()), clock, policy -> policy);
        await().atMost(Duration.ofSeconds(20)).until(() -> runtime.management("/readyz").statusCode() == 200);
        backend = Backend.start(exchange -> "user=" + exchange.getRequestHeaders().getFirst("X-Auth-Request-User")
                + " email=" + exchange.getRequestHeaders().getFirst("X-Auth-Request-Email")
                + " groups=" + exchange.getRequestHeaders().getFirst("X-Auth-Request-Groups"));
        nginx = Nginx.start(dir, rendered(DocSnippets.yaml("auth-runtime.md", "### ingress-nginx").path("metadata").path("annotations")),
                port -> RawHttp.exchange(port, "GET", "/shop", List.of(Map.entry("Host", "shop.example.com"))).status() == 401);
    }

    /** What the controller renders for the annotations (nginx.tmpl), pointed at the test's runtime and backend. */
    static String rendered(JsonNode annotations) {
        URI documented = URI.create(annotations.path("nginx.ingress.kubernetes.io/auth-url").asText());
        String authUrl = "http://127.0.0.1:" + runtime.port() + documented.getRawPath()
                + (documented.getRawQuery() == null ? "" : "?" + documented.getRawQuery());
        List<String> responseHeaders = Arrays.stream(annotations.path("nginx.ingress.kubernetes.io/auth-response-headers").asText().split(","))
                .map(String::strip).toList();
        StringBuilder copies = new StringBuilder();
        for (int i = 0; i < responseHeaders.size(); i++) {
            String header = responseHeaders.get(i);
            copies.append("    auth_request_set $authHeader%d $upstream_http_%s;\n".formatted(i, header.toLowerCase().replace('-', '_')))
                    .append("    proxy_set_header '%s' $authHeader%d;\n".formatted(header, i));
        }
        return """
                location = /_external-auth-Lw-Prefix {
                    internal;
                    proxy_pass_request_body     off;
                    proxy_set_header            Content-Length          "";
                    proxy_set_header            X-Forwarded-Proto       "";
                    proxy_set_header            X-Request-ID            $request_id;
                    proxy_set_header            Host                    127.0.0.1:%d;
                    proxy_set_header            X-Original-URL          $scheme://$http_host$request_uri;
                    proxy_set_header            X-Original-Method       $request_method;
                    proxy_set_header            X-Sent-From             "nginx-ingress-controller";
                    proxy_set_header            X-Real-IP               $remote_addr;
                    proxy_set_header            X-Forwarded-For         $remote_addr;
                    proxy_set_header            X-Auth-Request-Redirect $request_uri;
                    proxy_buffering             off;
                    proxy_buffer_size           4k;
                    proxy_buffers               4 4k;
                    proxy_request_buffering     on;
                    proxy_pass_request_headers  on;
                    proxy_http_version          1.1;
                    set $target %s;
                    proxy_pass $target;
                }

                location / {
                    auth_request        /_external-auth-Lw-Prefix;
                    auth_request_set    $auth_cookie $upstream_http_set_cookie;
                    add_header          Set-Cookie $auth_cookie;
                %s
                    proxy_set_header    Host $http_host;
                    # The backend (the JDK's HTTP server) refuses | { } [ ] in a request line: it gets a fixed path
                    set $backend        %s/seen;
                    proxy_pass          $backend;
                }
                """.formatted(runtime.port(), authUrl, copies, backend.url());
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

    /** An admin's token (groups admins, staff; email ada@example.com), changed by {@code claims}. */
    static String token(UnaryOperator<JWTClaimsSet.Builder> claims) {
        return Tokens.sign(key, JWSAlgorithm.ES256, claims.apply(Tokens.accessClaims(issuer.issuer(), "api", clock.instant())).build());
    }

    /** A request to the ingress for shop.example.com, sent as it is (a browser leaves | [ ] ^ unencoded). */
    static RawHttp.Response send(String method, String target, String... headers) {
        List<Map.Entry<String, String>> list = new ArrayList<>(List.of(Map.entry("Host", "shop.example.com")));
        for (int i = 0; i < headers.length; i += 2) {
            list.add(Map.entry(headers[i], headers[i + 1]));
        }
        return RawHttp.exchange(nginx.port(), method, target, list);
    }

    @Test
    @DisplayName("The routes rule applies to the path in X-Original-URL, also when the URL holds characters that browsers leave unencoded")
    void routesSeeTheOriginalUrl() {
        String billing = "Bearer " + token(c -> c.claim("groups", List.of("admins", "billing")));
        String admin = "Bearer " + token(c -> c);

        assertThat(send("GET", "/billing/invoices?id=7", "Authorization", billing).status()).isEqualTo(200);
        assertThat(send("GET", "/billing/invoices?id=7", "Authorization", admin).status()).isEqualTo(403);
        // Query characters java.net.URI refuses (browsers send | { } ^ as they are in a query)
        assertThat(send("GET", "/billing/search?q=a|b&f={x}", "Authorization", billing).status()).isEqualTo(200);
        assertThat(send("GET", "/billing/search?q=a|b", "Authorization", admin).status()).isEqualTo(403);
        // Path characters browsers leave unencoded: the rule still reads the path
        assertThat(send("GET", "/billing/[draft]|v2^.pdf", "Authorization", billing).status()).isEqualTo(200);
        assertThat(send("GET", "/billing/[draft].pdf", "Authorization", admin).status()).isEqualTo(403);
        assertThat(send("GET", "/shop/[sale]?q=a|b", "Authorization", admin).status()).isEqualTo(200);
    }

    @Test
    @DisplayName("The auth subrequest keeps the client's method (POST) and sends no body: the runtime answers it")
    void postKeepsItsMethod() {
        String admin = "Bearer " + token(c -> c);

        RawHttp.Response response = send("POST", "/shop/cart", "Authorization", admin,
                "Content-Type", "application/x-www-form-urlencoded", "Content-Length", "0");

        assertThat(response.status()).isEqualTo(200);
        assertThat(response.body()).startsWith("user=user-1 ");
    }

    @Test
    @DisplayName("The upstream gets the token's identity from the auth-response-headers; the client's own copies are replaced or dropped")
    void identityHeaders() {
        String noEmail = "Bearer " + token(c -> c.claim("email", null));

        RawHttp.Response response = send("GET", "/shop", "Authorization", noEmail, "X-Auth-Request-User", "root",
                "X-Auth-Request-Email", "boss@example.com", "X-Auth-Request-Groups", "billing");

        assertThat(response.status()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("user=user-1 email=null groups=admins,staff");
    }

    @Test
    @DisplayName("A client's own X-Original-URI beside the controller's X-Original-URL (another path) lets nobody pass; 401 and 403 reach the client")
    void spoofedOriginalPathAndDenials() {
        String admin = "Bearer " + token(c -> c);
        String staff = "Bearer " + token(c -> c.claim("groups", List.of("staff")));

        assertThat(send("GET", "/billing/invoices", "Authorization", admin, "X-Original-URI", "/shop").status()).isEqualTo(403);
        // auth-url's ?allowed_groups=admins
        assertThat(send("GET", "/shop", "Authorization", staff).status()).isEqualTo(403);
        RawHttp.Response unauthorized = send("GET", "/shop", "Authorization", "Bearer x.y.z");
        assertThat(unauthorized.status()).isEqualTo(401);
        assertThat(unauthorized.first("WWW-Authenticate")).startsWith("Bearer error=\"invalid_token\"");
    }
}
