package io.authtier.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.authtier.runtime.testsupport.FreePorts;
import io.authtier.runtime.testsupport.RunningRuntime;
import io.authtier.runtime.testsupport.Tokens;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import java.time.Instant;
import java.net.InetAddress;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("When the IdP is down")
class IdpOutageTest {

    @Test
    @DisplayName("after start, the cached JWKS keeps validating tokens, also ones never seen before")
    void downAfterStart() throws Exception {
        // Given a runtime that loaded the keys of a real OIDC server, and two tokens of that server
        MockOAuth2Server idp = new MockOAuth2Server();
        idp.start(InetAddress.getLoopbackAddress(), 0);
        String seen = idp.issueToken("main", "user-1", "shop-api", Map.of()).serialize();
        String unseen = idp.issueToken("main", "user-2", "shop-api", Map.of()).serialize();
        try (RunningRuntime runtime = RunningRuntime.start("""
                issuers:
                - name: main
                  issuerUrl: %s
                  audiences: [shop-api]
                """.formatted(idp.issuerUrl("main")), Clock.systemUTC(), policy -> policy)) {
            await().atMost(Duration.ofSeconds(20)).until(() -> runtime.management("/readyz").statusCode() == 200);
            assertThat(runtime.auth(seen).statusCode()).isEqualTo(200);

            // When the IdP goes away
            idp.shutdown();

            // Then both tokens pass: one from the verified-token cache, one against the cached keys
            assertThat(runtime.auth(seen).statusCode()).isEqualTo(200);
            HttpResponse<String> response = runtime.auth(unseen);
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.headers().firstValue("X-Auth-Request-User")).hasValue("user-2");
            assertThat(runtime.management("/readyz").statusCode()).isEqualTo(200);
        }
    }

    @Test
    @DisplayName("from the start, the runtime is not ready and answers 503 with Retry-After, not 401")
    void downFromTheStart() throws Exception {
        // Given an issuer where nothing listens
        String issuer = "http://127.0.0.1:" + FreePorts.next() + "/realms/shop";
        RSAKey key = new RSAKeyGenerator(2048).keyID("k1").generate();
        String token = Tokens.sign(key, JWSAlgorithm.RS256, Tokens.accessClaims(issuer, "shop-api", Instant.now()).build());

        try (RunningRuntime runtime = RunningRuntime.start("""
                issuers:
                - name: main
                  issuerUrl: %s
                  audiences: [shop-api]
                """.formatted(issuer), Clock.systemUTC(), policy -> policy)) {
            // When a well-formed token of that issuer arrives
            HttpResponse<String> response = runtime.auth(token);

            // Then nobody can decide
            assertThat(response.statusCode()).isEqualTo(503);
            assertThat(response.headers().firstValue("Retry-After")).hasValue("5");
            HttpResponse<String> ready = runtime.management("/readyz");
            assertThat(ready.statusCode()).isEqualTo(503);
            assertThat(ready.body()).contains("keys of issuer main");
            assertThat(runtime.management("/healthz").statusCode()).isEqualTo(200);
            // and the failed attempts are counted, though discovery never got as far as a JWKS fetch
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(runtime.management("/metrics").body())
                    .containsPattern("authtier_jwks_refreshes_total\\{issuer=\"main\",result=\"failure\",trigger=\"startup\"} [1-9]"));
        }
    }
}
