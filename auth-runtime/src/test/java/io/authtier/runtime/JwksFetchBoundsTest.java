package io.authtier.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import io.authtier.runtime.testsupport.JwksServer;
import io.authtier.runtime.testsupport.RunningRuntime;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;
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
                    """.formatted(idp.issuer()), Clock.systemUTC(), policy -> policy)) {

                // At least one: on a loaded machine the loader may have failed again, after its backoff, before a poll.
                Pattern failures = Pattern.compile("authtier_jwks_refreshes_total\\{issuer=\"drip\",result=\"failure\",trigger=\"startup\"} ([0-9.]+)");
                await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(failures.matcher(runtime.management("/metrics").body())
                        .results().map(found -> Double.parseDouble(found.group(1))).findFirst()).hasValueSatisfying(count -> assertThat(count).isGreaterThanOrEqualTo(1.0)));
                assertThat(runtime.management("/readyz").statusCode()).isEqualTo(503);
            }
        }
    }
}
