package io.authtier.runtime.token.jwt;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import io.authtier.runtime.config.IssuerConfig;
import io.authtier.runtime.config.SignatureAlgorithm;
import io.authtier.runtime.metrics.RuntimeMetrics;
import io.authtier.runtime.testsupport.MutableClock;
import io.authtier.runtime.testsupport.Tokens;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Optional;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The verifier of ID and logout tokens. Anyone may post a logout token to {@code /oauth2/backchannel-logout},
 * and a forged one with the right {@code iss} and {@code alg} reaches the signature check: its backlog is
 * bounded as the bearer path's is ({@link JwtVerifierBacklogTest}).
 */
@DisplayName("The ID and logout token verifier's backlog")
class SignedJwtVerifierBacklogTest {

    private static final String ISSUER = "https://idp.example.com/realms/shop";

    @Test
    @DisplayName("is bounded: beyond maxPending tokens awaiting their signature check, the next one is undecidable at once, and a finished check frees a place")
    void bounded() throws Exception {
        // Given a verifier that allows one pending signature check, with a worker that runs only when told
        MutableClock clock = new MutableClock(Instant.now());
        IssuerConfig issuer = new IssuerConfig("shop", URI.create(ISSUER), List.of("shop-api"),
                List.of(SignatureAlgorithm.RS256), Duration.ofSeconds(30), Optional.empty());
        IssuerKeys keys = new IssuerKeys(issuer, JwksPolicy.defaults(Duration.ofSeconds(1), Duration.ofMillis(100)), clock,
                new RuntimeMetrics(RuntimeMetrics.prometheusRegistry()), url -> {
                    throw new java.io.IOException("not used");
                }, RsaSignatures.jdk());
        Queue<Runnable> worker = new ArrayDeque<>();
        SignedJwtVerifier verifier = new SignedJwtVerifier(keys, worker::add, 8192, 1);
        // Forged: signed by a key the issuer never published, as anyone can
        RSAKey forger = new RSAKeyGenerator(2048).keyID("k1").generate();
        String first = Tokens.sign(forger, JWSAlgorithm.RS256, Tokens.accessClaims(ISSUER, "shop-web", clock.instant()).subject("a").build());
        String second = Tokens.sign(forger, JWSAlgorithm.RS256, Tokens.accessClaims(ISSUER, "shop-web", clock.instant()).subject("b").build());

        // When two tokens arrive while the first still waits for its check
        CompletableFuture<SignedJwtVerifier.Checked> one = verifier.verify(first, Set.of("jwt")).toCompletableFuture();
        CompletableFuture<SignedJwtVerifier.Checked> two = verifier.verify(second, Set.of("jwt")).toCompletableFuture();

        // Then the first waits for the worker, and the second is answered at once (no thread, no queue): nobody can decide
        assertThat(one).isNotDone();
        assertThat(two).isCompletedWithValueMatching(checked -> checked instanceof SignedJwtVerifier.Undecidable);
        assertThat(worker).hasSize(1);

        // And once the worker has run the first check, there is room again
        worker.poll().run();
        assertThat(one).isDone();
        assertThat(verifier.verify(second, Set.of("jwt")).toCompletableFuture()).isNotDone();
        assertThat(worker).hasSize(1);
    }
}
