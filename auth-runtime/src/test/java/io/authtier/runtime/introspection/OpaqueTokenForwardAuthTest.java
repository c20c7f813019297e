package io.authtier.runtime.introspection;

import static org.assertj.core.api.Assertions.assertThat;

import io.authtier.runtime.testsupport.RunningRuntime;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Opaque bearer tokens through /auth: the runtime as served, in front of a real introspection endpoint. */
class OpaqueTokenForwardAuthTest {
  private TestIdp idp;
  private RunningRuntime runtime;

  @BeforeEach
  void start(@TempDir Path dir) throws Exception {
    idp = new TestIdp("client-secret-value");
    var secret = Files.writeString(dir.resolve("client-secret"), "client-secret-value\n");
    runtime = RunningRuntime.start("""
        issuers:
        - name: opaque
          issuerUrl: %s
          audiences: [api]
          introspection: {clientId: %s, clientSecretFile: %s}
        resilience:
          timeout: 1s
          retry: {maxAttempts: 2, initialBackoff: 10ms}
        """.formatted(idp.issuerUrl(), TestIdp.CLIENT_ID, secret), Clock.systemUTC(), policy -> policy);
  }

  @AfterEach
  void stop() {
    runtime.close();
    idp.close();
  }

  @Test
  @DisplayName("An active opaque token passes with identity headers, and its second use asks the IdP nothing")
  void activeToken() {
    // Given a token that the IdP calls active
    idp.active("opaque-alice", Map.of("sub", "alice", "username", "alice", "email", "alice@example.com",
        "scope", "read write", "exp", Instant.now().plusSeconds(300).getEpochSecond()));

    // When it is presented twice
    var first = runtime.auth("opaque-alice");
    var second = runtime.auth("opaque-alice");

    // Then both pass with the identity, and only the first reached the IdP
    assertThat(first.statusCode()).isEqualTo(200);
    assertThat(first.headers().firstValue("X-Auth-Request-User")).contains("alice");
    assertThat(first.headers().firstValue("X-Auth-Request-Email")).contains("alice@example.com");
    assertThat(second.statusCode()).isEqualTo(200);
    assertThat(idp.introspections()).isEqualTo(1);
  }

  @Test
  @DisplayName("An introspected token's scopes come from scope and scp, each a space-separated string or an array")
  void scopeShapes() {
    // Given tokens whose scopes the IdP gives as a scp string (as Entra ID does) and as a scope array
    long exp = Instant.now().plusSeconds(300).getEpochSecond();
    idp.active("opaque-scp", Map.of("sub", "ada", "scp", "orders.read orders.write", "exp", exp));
    idp.active("opaque-array", Map.of("sub", "ada", "scope", java.util.List.of("orders.read", "orders.write"), "exp", exp));

    for (String token : java.util.List.of("opaque-scp", "opaque-array")) {
      // When the ingress asks for one of the scopes, for both, and for one the token lacks
      var one = runtime.get("/auth?required_scopes=orders.read", "Authorization", "Bearer " + token);
      var both = runtime.get("/auth?required_scopes=orders.read,orders.write", "Authorization", "Bearer " + token);
      var other = runtime.get("/auth?required_scopes=orders.delete", "Authorization", "Bearer " + token);

      // Then each granted scope counts on its own
      assertThat(java.util.List.of(one.statusCode(), both.statusCode(), other.statusCode())).as(token).containsExactly(200, 200, 403);
    }
  }

  @Test
  @DisplayName("An active answer that names nobody (no sub, username or client_id) is refused, not passed as a made-up user")
  void activeForNobody() {
    idp.active("opaque-nobody", Map.of("scope", "read", "groups", java.util.List.of("admins"),
        "exp", Instant.now().plusSeconds(300).getEpochSecond()));
    idp.active("opaque-client", Map.of("client_id", "billing", "exp", Instant.now().plusSeconds(300).getEpochSecond()));

    var nobody = runtime.auth("opaque-nobody");
    var client = runtime.auth("opaque-client");

    assertThat(nobody.statusCode()).isEqualTo(401);
    assertThat(nobody.headers().firstValue("X-Auth-Request-User")).isEmpty();
    assertThat(client.statusCode()).isEqualTo(200);
    assertThat(client.headers().firstValue("X-Auth-Request-User")).contains("billing");
  }

  @Test
  @DisplayName("An active answer whose sub cannot be passed on as it is is refused, without falling back to its username; an unverified email is left out")
  void unpassableSubjectAndUnverifiedEmail() {
    idp.active("opaque-zoe", Map.of("sub", "Zoë", "username", "zoe", "exp", Instant.now().plusSeconds(300).getEpochSecond()));
    idp.active("opaque-mallory", Map.of("sub", "mallory", "email", "ceo@shop.example.com", "email_verified", false,
        "exp", Instant.now().plusSeconds(300).getEpochSecond()));

    var zoe = runtime.auth("opaque-zoe");
    var mallory = runtime.auth("opaque-mallory");

    assertThat(zoe.statusCode()).isEqualTo(401);
    assertThat(zoe.headers().firstValue("X-Auth-Request-User")).isEmpty();
    assertThat(mallory.statusCode()).isEqualTo(200);
    assertThat(mallory.headers().firstValue("X-Auth-Request-User")).contains("mallory");
    assertThat(mallory.headers().firstValue("X-Auth-Request-Email")).isEmpty();
  }

  @Test
  @DisplayName("A revoked opaque token gets 401 with the invalid_token challenge")
  void revokedToken() {
    idp.revoke("opaque-revoked");

    var response = runtime.auth("opaque-revoked");

    assertThat(response.statusCode()).isEqualTo(401);
    assertThat(response.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(v -> assertThat(v).contains("invalid_token"));
  }

  @Test
  @DisplayName("With the IdP failing, an uncached token gets 503 with Retry-After while a cached one still passes")
  void idpFailing() {
    // Given a token validated while the IdP was well
    idp.active("opaque-cached", Map.of("sub", "bob", "exp", Instant.now().plusSeconds(300).getEpochSecond()));
    assertThat(runtime.auth("opaque-cached").statusCode()).isEqualTo(200);

    // When the IdP answers 500 to everything
    idp.mode(TestIdp.Mode.FAIL_500);
    var uncached = runtime.auth("opaque-never-seen");
    var cached = runtime.auth("opaque-cached");

    // Then nothing can decide the new token, and the known one is still served
    assertThat(uncached.statusCode()).isEqualTo(503);
    assertThat(uncached.headers().firstValue("Retry-After")).hasValueSatisfying(v -> assertThat(Integer.parseInt(v)).isPositive());
    assertThat(cached.statusCode()).isEqualTo(200);
  }

  @Test
  @DisplayName("JWT-shaped tokens go to the JWT checks, an opaque token with a dot (Ory Hydra) to introspection, an oversized one nowhere")
  void routing() {
    assertThat(runtime.auth("not.a.jwt").statusCode()).isEqualTo(401);
    assertThat(runtime.auth("eyJhbGciOiJSUzI1NiJ9.e30").statusCode()).isEqualTo(401);
    assertThat(runtime.auth("x".repeat(8193)).statusCode()).isEqualTo(401);
    assertThat(idp.introspections()).isZero();
    assertThat(runtime.management("/metrics").body())
        .contains("authtier_token_validations_total{issuer=\"unknown\",method=\"introspection\",result=\"too_large\"} 1.0");

    // A dotless token that happens to start like base64 JSON is still opaque
    idp.active("eyJvcGFxdWUiOnRydWV9", Map.of("sub", "json-user", "exp", Instant.now().plusSeconds(300).getEpochSecond()));
    assertThat(runtime.auth("eyJvcGFxdWUiOnRydWV9").statusCode()).isEqualTo(200);
    idp.active("ory_at_c2VjcmV0.c2lnbmF0dXJl", Map.of("sub", "hydra-user", "exp", Instant.now().plusSeconds(300).getEpochSecond()));
    var dotted = runtime.auth("ory_at_c2VjcmV0.c2lnbmF0dXJl");
    assertThat(dotted.statusCode()).isEqualTo(200);
    assertThat(dotted.headers().firstValue("X-Auth-Request-User")).contains("hydra-user");
    assertThat(idp.introspections()).isEqualTo(2);
  }
}
