package io.authtier.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import io.authtier.runtime.testsupport.JwksServer;
import io.authtier.runtime.testsupport.MutableClock;
import io.authtier.runtime.testsupport.RunningRuntime;
import io.authtier.runtime.testsupport.Tokens;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Access rules by path prefix (routes), as an ingress or Envoy asks the served runtime. */
@DisplayName("Route access rules")
class RouteAccessTest {
    static JwksServer issuer;
    static ECKey key;
    static MutableClock clock;
    static RunningRuntime runtime;

    @BeforeAll
    static void start() throws Exception {
        key = new ECKeyGenerator(Curve.P_256).keyID("route-1").generate();
        issuer = new JwksServer("routes", List.of(key.toPublicJWK()));
        clock = new MutableClock(Instant.now());
        runtime = RunningRuntime.start("""
                issuers:
                - name: main
                  issuerUrl: %s
                  audiences: [api]
                  allowedAlgorithms: [ES256]
                routes:
                - {pathPrefix: /admin, allowedGroups: [admins]}
                """.formatted(issuer.issuer()), clock, policy -> policy);
        await().atMost(Duration.ofSeconds(20)).until(() -> runtime.management("/readyz").statusCode() == 200);
    }

    @AfterAll
    static void stop() {
        runtime.close();
        issuer.close();
    }

    static String token(List<String> groups) {
        return Tokens.sign(key, JWSAlgorithm.ES256,
            Tokens.accessClaims(issuer.issuer(), "api", clock.instant()).claim("groups", groups).build());
    }

    @Test
    @DisplayName("Envoy's ext_authz: the path after the prefix picks the rule")
    void extAuthz() {
        var admin = token(List.of("admins"));
        var user = token(List.of("users"));

        assertThat(runtime.get("/ext-authz/admin/users", "Authorization", "Bearer " + admin).statusCode()).isEqualTo(200);
        assertThat(runtime.get("/ext-authz/admin/users", "Authorization", "Bearer " + user).statusCode()).isEqualTo(403);
        assertThat(runtime.get("/ext-authz/shop/cart", "Authorization", "Bearer " + user).statusCode()).isEqualTo(200);
        assertThat(runtime.get("/ext-authz/shop/%2e%2e/admin", "Authorization", "Bearer " + user).statusCode()).isEqualTo(403);
    }

    @Test
    @DisplayName("/auth: the original path comes from a trusted proxy's header; without it, nobody passes")
    void forwardAuth() {
        var admin = token(List.of("admins"));
        var user = token(List.of("users"));

        assertThat(runtime.get("/auth", "Authorization", "Bearer " + admin, "X-Forwarded-Uri", "/admin").statusCode()).isEqualTo(200);
        assertThat(runtime.get("/auth", "Authorization", "Bearer " + user, "X-Original-URI", "/admin?tab=1").statusCode()).isEqualTo(403);
        assertThat(runtime.get("/auth", "Authorization", "Bearer " + user,
            "X-Original-URL", "https://shop.example.com/shop/cart").statusCode()).isEqualTo(200);
        // Routes are configured, but the proxy did not say which path: fail closed
        assertThat(runtime.get("/auth", "Authorization", "Bearer " + admin).statusCode()).isEqualTo(403);
        // A bad token is still 401, whatever the path
        assertThat(runtime.get("/auth", "Authorization", "Bearer x.y.z", "X-Forwarded-Uri", "/admin").statusCode()).isEqualTo(401);
    }

    @Test
    @DisplayName("A rule in the /auth query and the route's rule must both pass")
    void queryAndRoute() {
        var adminOnly = token(List.of("admins"));
        var both = token(List.of("admins", "ops"));

        assertThat(runtime.get("/auth?allowed_groups=ops", "Authorization", "Bearer " + adminOnly,
            "X-Forwarded-Uri", "/admin").statusCode()).isEqualTo(403);
        assertThat(runtime.get("/auth?allowed_groups=ops", "Authorization", "Bearer " + both,
            "X-Forwarded-Uri", "/admin").statusCode()).isEqualTo(200);
    }

    @Test
    @DisplayName("/auth: two original paths that disagree (a client's header beside the proxy's) let nobody pass")
    void conflictingOriginalPaths() {
        var admin = token(List.of("admins"));
        var user = token(List.of("users"));

        // nginx sets X-Original-URI and passes the client's own X-Forwarded-Uri along
        assertThat(runtime.get("/auth", "Authorization", "Bearer " + user,
            "X-Original-URI", "/admin", "X-Forwarded-Uri", "/shop").statusCode()).isEqualTo(403);
        assertThat(runtime.get("/auth", "Authorization", "Bearer " + user,
            "X-Original-URI", "/shop", "X-Original-URI", "/admin").statusCode()).isEqualTo(403);
        assertThat(runtime.get("/auth", "Authorization", "Bearer " + admin,
            "X-Original-URI", "/admin", "X-Original-URI", "/shop").statusCode()).isEqualTo(403);
        // the same path named twice, as a path and as a URL, is no conflict
        assertThat(runtime.get("/auth", "Authorization", "Bearer " + user, "X-Original-URI", "/shop/cart?x=1",
            "X-Original-URL", "https://shop.example.com/shop/cart").statusCode()).isEqualTo(200);
        // path parameters do not get past a rule
        assertThat(runtime.get("/auth", "Authorization", "Bearer " + user, "X-Original-URI", "/x/..;/admin").statusCode()).isEqualTo(403);
        assertThat(runtime.get("/ext-authz/admin;jsessionid=1", "Authorization", "Bearer " + user).statusCode()).isEqualTo(403);
    }

    @Test
    @DisplayName("/auth: a misspelt or empty rule in the query is refused (500), not read as no rule")
    void misspeltQueryRule() {
        var user = token(List.of("users"));

        assertThat(runtime.get("/auth?allowed_group=admins", "Authorization", "Bearer " + user,
            "X-Original-URI", "/shop").statusCode()).isEqualTo(500);
        assertThat(runtime.get("/auth?allowed_groups=", "Authorization", "Bearer " + user,
            "X-Original-URI", "/shop").statusCode()).isEqualTo(500);
        assertThat(runtime.get("/auth?allowed_groups=users&tab=2", "Authorization", "Bearer " + user,
            "X-Original-URI", "/shop").statusCode()).isEqualTo(200);
        // A rule's word without its prefix, in the singular, in camel case or with hyphens is refused too
        for (String query : List.of("group=admins", "groups=admins", "role=x", "roles=x", "scope=s", "scopes=s",
                "allowedGroups=admins", "Allowed-Groups=admins", "required_scope=s", "requiredScopes=s")) {
            assertThat(runtime.get("/auth?" + query, "Authorization", "Bearer " + user, "X-Original-URI", "/shop")
                .statusCode()).as(query).isEqualTo(500);
        }
        // And the rules as documented still decide
        assertThat(runtime.get("/auth?allowed_roles=shop-admin&required_scopes=orders:read", "Authorization", "Bearer " + user,
            "X-Original-URI", "/shop").statusCode()).isEqualTo(200);
        assertThat(runtime.get("/auth?required_scopes=orders:write", "Authorization", "Bearer " + user,
            "X-Original-URI", "/shop").statusCode()).isEqualTo(403);
    }

    @Test
    @DisplayName("Envoy's ext_authz: an absolute-form request line is ruled by its path, not by a cut of the whole URL")
    void extAuthzAbsoluteForm() throws Exception {
        var user = token(List.of("users"));

        for (String target : List.of("http://abc/ext-authz/admin", "https://ab/ext-authz/admin", "http://abc/ext-authz/admin?x")) {
            try (var socket = new java.net.Socket(java.net.InetAddress.getLoopbackAddress(), runtime.port())) {
                socket.getOutputStream().write(("GET " + target + " HTTP/1.1\r\nHost: abc\r\nAuthorization: Bearer " + user
                        + "\r\nConnection: close\r\n\r\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
                var status = new java.io.BufferedReader(new java.io.InputStreamReader(socket.getInputStream(),
                        java.nio.charset.StandardCharsets.US_ASCII)).readLine();
                assertThat(status).as(target).startsWith("HTTP/1.1 403");
            }
        }
    }
}
