package io.authtier.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import io.authtier.runtime.testsupport.JwksServer;
import io.authtier.runtime.testsupport.MutableClock;
import io.authtier.runtime.testsupport.RunningRuntime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("JWKS fetches are bounded as a whole")
class JwksFetchBoundsTest {

    @Test
    @DisplayName("An IdP that sends its JWKS a byte every 100 ms is cut off after resilience.timeout, not after the whole document")
    void drippingJwksTimesOut() throws Exception {
        RSAKey key = new RSAKeyGenerator(2048).keyID("k").generate();
        try (JwksServer idp = new JwksServer("drip", List.of(key.toPublicJWK()))) {
            // Each read gets a byte well within the timeout, so only a bound on the whole fetch ends it;
            // the whole JWKS would take about 45 s at this pace
            idp.drip(true);
            try (RunningRuntime runtime = RunningRuntime.start("""
                    issuers:
                    - name: drip
                      issuerUrl: %s
                      audiences: [api]
                    resilience: {timeout: 500ms}
                    """.formatted(idp.issuer()), new MutableClock(Instant.now()), policy -> policy)) {

                await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(runtime.management("/metrics").body())
                        .contains("authtier_jwks_refreshes_total{issuer=\"drip\",result=\"failure\",trigger=\"startup\"} 1.0"));
                assertThat(runtime.management("/readyz").statusCode()).isEqualTo(503);
            }
        }
    }
}
