package io.authtier.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import io.authtier.runtime.testsupport.JwksServer;
import io.authtier.runtime.testsupport.MutableClock;
import io.authtier.runtime.testsupport.RunningRuntime;
import io.authtier.runtime.testsupport.RedisLoginConfig;
import io.authtier.runtime.testsupport.SigningKeys;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The login issuer's discovery document is fetched on first use and again after a failure. A callback needs
 * nothing but a made-up {@code state} and binding cookie to reach it, and is not rate limited: if every use
 * after a failure fetched again, each anonymous request would be one request to an IdP that is already
 * failing. After a failure, the document is fetched again only a second later; meanwhile logins answer 503.
 */
@DisplayName("The login issuer's discovery after a failure")
class LoginDiscoveryBackoffTest {

    @TempDir
    Path dir;

    @Test
    @DisplayName("is fetched again at most once a second, however many callbacks arrive meanwhile")
    void pausedAfterFailure() throws Exception {
        RSAKey key = new RSAKeyGenerator(2048).keyID("k1").generate();
        MutableClock clock = new MutableClock(Instant.now());
        try (JwksServer idp = new JwksServer("shop", List.of(key.toPublicJWK()));
             RunningRuntime runtime = RunningRuntime.start(RedisLoginConfig.inMemory(idp.issuer(), SigningKeys.write(dir, "k1")), clock,
                     policy -> policy)) {
            await().atMost(Duration.ofSeconds(20)).until(() -> runtime.management("/readyz").statusCode() == 200);

            // Given an IdP that now answers every request with 500
            idp.failing(true);
            int before = idp.discoveryRequests();

            // When 20 callbacks with a made-up state and binding cookie arrive within one second
            String binding = "__Host-authtier-login=" + "b".repeat(43);
            for (int i = 0; i < 20; i++) {
                HttpResponse<String> callback = runtime.get("/oauth2/callback?state=s" + i + "&code=c", "Cookie", binding);
                assertThat(callback.statusCode()).isEqualTo(503);
            }

            // Then the IdP was asked for its document once, not once per callback
            assertThat(idp.discoveryRequests() - before).isEqualTo(1);

            // And once the IdP is back and a second has passed, the next callback fetches it and goes on (an unknown state: 400)
            idp.failing(false);
            assertThat(runtime.get("/oauth2/callback?state=s&code=c", "Cookie", binding).statusCode()).isEqualTo(503);
            clock.advance(Duration.ofSeconds(1));
            assertThat(runtime.get("/oauth2/callback?state=s&code=c", "Cookie", binding).statusCode()).isEqualTo(400);
            assertThat(idp.discoveryRequests() - before).isEqualTo(2);
        }
    }
}
