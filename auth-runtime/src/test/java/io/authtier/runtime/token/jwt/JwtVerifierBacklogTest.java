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
import io.authtier.runtime.token.Verdict;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("The JWT verifier's backlog")
class JwtVerifierBacklogTest {

    private static final String ISSUER = "https://idp.example.com/realms/shop";

    @Test
    @DisplayName("is bounded: beyond maxPending first-seen tokens, the next one is undecidable at once, and a finished check frees a place")
    void bounded() throws Exception {
        // Given a verifier that allows one pending signature check, with a worker that runs only when told
        MutableClock clock = new MutableClock(Instant.now());
        IssuerConfig issuer = new IssuerConfig("shop", URI.create(ISSUER), List.of("shop-api"),
                List.of(SignatureAlgorithm.RS256), Duration.ofSeconds(30), Optional.empty());
        RuntimeMetrics metrics = new RuntimeMetrics(RuntimeMetrics.prometheusRegistry());
        IssuerKeys keys = new IssuerKeys(issuer, JwksPolicy.defaults(Duration.ofSeconds(1), Duration.ofMillis(100)), clock, metrics,
                url -> {
                    throw new java.io.IOException("not used");
                }, RsaSignatures.jdk());
        Queue<Runnable> worker = new ArrayDeque<>();
        JwtVerifier verifier = new JwtVerifier(List.of(keys), 10, Duration.ofMinutes(5), 8192, clock, metrics, worker::add, 1);
        RSAKey key = new RSAKeyGenerator(2048).keyID("k1").generate();
        String first = Tokens.sign(key, JWSAlgorithm.RS256, Tokens.accessClaims(ISSUER, "shop-api", clock.instant()).subject("a").build());
        String second = Tokens.sign(key, JWSAlgorithm.RS256, Tokens.accessClaims(ISSUER, "shop-api", clock.instant()).subject("b").build());

        // When two first-seen tokens arrive while the first still waits
        CompletableFuture<Verdict> one = verifier.verify(first).toCompletableFuture();
        CompletableFuture<Verdict> two = verifier.verify(second).toCompletableFuture();

        // Then the first waits for the worker and the second is answered at once: nobody can decide
        assertThat(one).isNotDone();
        assertThat(two).isCompletedWithValueMatching(verdict -> verdict instanceof Verdict.Undecidable);

        // And once the worker has run the first check, there is room again
        worker.poll().run();
        assertThat(one).isDone();
        assertThat(verifier.verify(second).toCompletableFuture()).isNotDone();
        assertThat(worker).hasSize(1);
    }
}
