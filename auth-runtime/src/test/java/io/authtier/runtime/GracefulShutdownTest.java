package io.authtier.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import io.authtier.runtime.testsupport.Http;
import io.authtier.runtime.testsupport.JwksServer;
import io.authtier.runtime.testsupport.RunningRuntime;
import io.authtier.runtime.testsupport.Tokens;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Graceful shutdown")
class GracefulShutdownTest {

    @Test
    @DisplayName("stops accepting connections, lets the request in flight finish with its answer, then stops")
    void inFlightFinishes() throws Exception {
        // Given a runtime whose IdP is about to rotate keys, and whose JWKS responses will hang for now
        RSAKey first = new RSAKeyGenerator(2048).keyID("k1").generate();
        RSAKey rotated = new RSAKeyGenerator(2048).keyID("k2").generate();
        try (JwksServer idp = new JwksServer("shop", List.of(first.toPublicJWK()))) {
            RunningRuntime runtime = RunningRuntime.start("""
                    issuers:
                    - name: shop
                      issuerUrl: %s
                      audiences: [shop-api]
                    """.formatted(idp.issuer()), Clock.systemUTC(), policy -> policy.withRefetchInterval(Duration.ZERO));
            await().atMost(Duration.ofSeconds(20)).until(() -> runtime.management("/readyz").statusCode() == 200);
            idp.setKeys(List.of(rotated.toPublicJWK(), first.toPublicJWK()));
            CountDownLatch release = idp.holdJwks();
            int fetches = idp.jwksRequests();

            // And a request in flight: its token needs the new key, so the runtime is fetching the JWKS
            String token = Tokens.sign(rotated, JWSAlgorithm.RS256, Tokens.accessClaims(idp.issuer(), "shop-api", Instant.now()).build());
            CompletableFuture<HttpResponse<String>> inFlight = Http.client().sendAsync(
                    Http.request(runtime.port(), "/auth", "Authorization", "Bearer " + token), HttpResponse.BodyHandlers.ofString());
            await().atMost(Duration.ofSeconds(20)).until(() -> idp.jwksRequests() > fetches);
            assertThat(runtime.app().metrics().inFlight()).isEqualTo(1);

            // When the runtime is told to stop
            CompletableFuture<Void> stopped = CompletableFuture.runAsync(runtime::close);

            // Then it soon refuses new connections, while the request in flight is still waiting
            await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThatThrownBy(
                    () -> new Socket(InetAddress.getLoopbackAddress(), runtime.port()).close()).isInstanceOf(ConnectException.class));
            assertThat(inFlight).isNotDone();
            assertThat(stopped).isNotDone();

            // And once the IdP answers, the request gets its answer and the runtime stops
            release.countDown();
            assertThat(inFlight.get().statusCode()).isEqualTo(200);
            stopped.get();
            assertThat(runtime.app().terminated()).isDone();
        }
    }
}
