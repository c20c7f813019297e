package io.authtier.runtime.introspection;

import static org.assertj.core.api.Assertions.assertThat;

import io.authtier.runtime.testsupport.RunningRuntime;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** introspection.tokenPrefix: with two introspecting issuers, each IdP sees only the opaque tokens that are its own. */
class OpaqueTokenRoutingTest {

  @Test
  @DisplayName("A token with an issuer's prefix goes to the issuer of its longest prefix only; any other token to the issuers without a prefix only")
  void tokensGoToTheirOwnIdp(@TempDir Path dir) throws Exception {
    try (TestIdp hydra = new TestIdp("hydra-secret"); TestIdp keycloak = new TestIdp("keycloak-secret");
        TestIdp older = new TestIdp("older-secret")) {
      var hydraSecret = Files.writeString(dir.resolve("hydra"), "hydra-secret");
      var keycloakSecret = Files.writeString(dir.resolve("keycloak"), "keycloak-secret");
      var olderSecret = Files.writeString(dir.resolve("older"), "older-secret");
      long exp = Instant.now().plusSeconds(300).getEpochSecond();
      hydra.active("ory_at_abc.def", Map.of("sub", "from-hydra", "exp", exp));
      keycloak.active("kc-opaque-1", Map.of("sub", "from-keycloak", "exp", exp));
      older.active("ory_x", Map.of("sub", "from-older", "exp", exp));
      try (RunningRuntime runtime = RunningRuntime.start("""
          issuers:
          - name: hydra
            issuerUrl: %s
            audiences: [api]
            introspection: {clientId: %s, clientSecretFile: %s, tokenPrefix: ory_at_}
          - name: keycloak
            issuerUrl: %s
            audiences: [api]
            introspection: {clientId: %s, clientSecretFile: %s}
          - name: older
            issuerUrl: %s
            audiences: [api]
            introspection: {clientId: %s, clientSecretFile: %s, tokenPrefix: ory_}
          """.formatted(hydra.issuerUrl(), TestIdp.CLIENT_ID, hydraSecret, keycloak.issuerUrl(), TestIdp.CLIENT_ID, keycloakSecret,
              older.issuerUrl(), TestIdp.CLIENT_ID, olderSecret),
          Clock.systemUTC(), policy -> policy)) {

        var fromHydra = runtime.auth("ory_at_abc.def");
        var fromKeycloak = runtime.auth("kc-opaque-1");

        assertThat(fromHydra.statusCode()).isEqualTo(200);
        assertThat(fromHydra.headers().firstValue("X-Auth-Request-User")).contains("from-hydra");
        assertThat(fromKeycloak.statusCode()).isEqualTo(200);
        assertThat(fromKeycloak.headers().firstValue("X-Auth-Request-User")).contains("from-keycloak");
        // Neither IdP saw the other's token
        assertThat(hydra.introspections()).isEqualTo(1);
        assertThat(keycloak.introspections()).isEqualTo(1);
        // An unknown hydra-shaped token is not shown to Keycloak either, nor to the issuer of the shorter prefix ory_
        assertThat(runtime.auth("ory_at_unknown.x").statusCode()).isEqualTo(401);
        assertThat(keycloak.introspections()).isEqualTo(1);
        assertThat(older.introspections()).isZero();
        // While a token with only the shorter prefix goes there alone
        assertThat(runtime.auth("ory_x").headers().firstValue("X-Auth-Request-User")).contains("from-older");
        assertThat(hydra.introspections()).isEqualTo(2);
        assertThat(older.introspections()).isEqualTo(1);
      }
    }
  }
}
