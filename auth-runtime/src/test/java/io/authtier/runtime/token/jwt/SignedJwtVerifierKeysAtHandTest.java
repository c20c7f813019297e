package io.authtier.runtime.token.jwt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import io.authtier.runtime.config.IssuerConfig;
import io.authtier.runtime.config.SignatureAlgorithm;
import io.authtier.runtime.idp.BoundedRetriever;
import io.authtier.runtime.metrics.RuntimeMetrics;
import io.authtier.runtime.testsupport.JwksServer;
import io.authtier.runtime.testsupport.Tokens;
import io.authtier.runtime.token.Rejection;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Optional;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * ID and logout tokens are checked where they arrive while the issuer's keys are at hand (fetched within the cache's
 * time to live), and on the worker, which may block on a fetch, otherwise: the answer is the same either way.
 */
@DisplayName("The ID and logout token verifier with the keys at hand")
class SignedJwtVerifierKeysAtHandTest {

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final ScheduledExecutorService loader = Executors.newSingleThreadScheduledExecutor();
    private final Queue<Runnable> worker = new ArrayDeque<>();
    private RSAKey key;
    private JwksServer idp;
    private IssuerKeys keys;
    private SignedJwtVerifier verifier;

    @BeforeEach
    void start() throws Exception {
        key = new RSAKeyGenerator(2048).keyID("k1").generate();
        idp = new JwksServer("shop", List.of(key.toPublicJWK()));
        IssuerConfig issuer = new IssuerConfig("shop", java.net.URI.create(idp.issuer()), List.of("shop-api"),
                List.of(SignatureAlgorithm.RS256), Duration.ofSeconds(30), Optional.empty());
        keys = new IssuerKeys(issuer, JwksPolicy.defaults(Duration.ofSeconds(5), Duration.ofMillis(100)), Clock.systemUTC(),
                new RuntimeMetrics(RuntimeMetrics.prometheusRegistry()), new BoundedRetriever(http, Duration.ofSeconds(5)),
                RsaSignatures.jdk());
        verifier = new SignedJwtVerifier(keys, worker::add, 8192, 16);
    }

    @AfterEach
    void stop() throws Exception {
        keys.close();
        loader.shutdownNow();
        idp.close();
        http.close();
    }

    @Test
    @DisplayName("Before the keys are loaded a token waits for the worker; once they are, a good or a forged token is answered at once, and a new kid still goes to the worker")
    void atHandOrOnTheWorker() throws Exception {
        String good = sign(key);
        // Before the keys are loaded: the worker, which would fetch them
        CompletableFuture<SignedJwtVerifier.Checked> early = verifier.verify(good, Set.of("jwt")).toCompletableFuture();
        assertThat(early).isNotDone();
        assertThat(worker).hasSize(1);
        worker.clear();

        // When the keys are loaded
        keys.startLoading(loader);
        await().atMost(Duration.ofSeconds(10)).until(keys::loaded);

        // Then a good token is valid at once, with no worker
        assertThat(verifier.verify(good, Set.of("jwt")).toCompletableFuture())
                .isCompletedWithValueMatching(checked -> checked instanceof SignedJwtVerifier.Valid);
        // And one forged under the same kid is refused at once, as the worker would refuse it
        String forged = sign(new RSAKeyGenerator(2048).keyID("k1").generate());
        assertThat(verifier.verify(forged, Set.of("jwt")).toCompletableFuture())
                .isCompletedWithValue(new SignedJwtVerifier.Invalid(Rejection.BAD_SIGNATURE));
        assertThat(worker).isEmpty();

        // And a kid that the cached keys lack goes to the worker, which may refetch them (a rotated key)
        RSAKey rotated = new RSAKeyGenerator(2048).keyID("k2").generate();
        idp.setKeys(List.of(key.toPublicJWK(), rotated.toPublicJWK()));
        CompletableFuture<SignedJwtVerifier.Checked> newKid = verifier.verify(sign(rotated), Set.of("jwt")).toCompletableFuture();
        assertThat(newKid).isNotDone();
        assertThat(worker).hasSize(1);
    }

    private String sign(RSAKey signer) {
        return Tokens.sign(signer, JWSAlgorithm.RS256,
                Tokens.accessClaims(idp.issuer(), "shop-web", java.time.Instant.now()).subject("ada").build());
    }
}
