package io.authtier.runtime.login;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.authtier.runtime.login.redis.RedisPendingLogins;
import io.authtier.runtime.redis.RedisServers;
import io.authtier.runtime.testsupport.BackchannelLogouts;
import io.authtier.runtime.testsupport.Browser;
import io.authtier.runtime.testsupport.RedisLoginConfig;
import io.authtier.runtime.testsupport.RunningRuntime;
import io.authtier.runtime.testsupport.SigningKeys;
import java.net.InetAddress;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import no.nav.security.mock.oauth2.token.DefaultOAuth2TokenCallback;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A failed answer is not a failed write: the claim of a logout token's {@code jti} can reach Redis and be
 * stored after the runtime stopped waiting for it. Redis is paused ({@code CLIENT PAUSE … ALL} queues every
 * command) for longer than the command timeout, so the claim times out at the runtime, the sessions are ended
 * once Redis runs again, and the claim is stored just before. That attempt must still settle the record.
 */
@DisplayName("A logout whose claim's answer was lost still records its token")
class BackchannelLogoutLostReplyTest {

    static final String SUBJECT = "eve";

    @TempDir
    Path dir;
    MockOAuth2Server idp;
    RedisServers.Server redis;
    RunningRuntime runtime;
    String base;
    String issuer;

    @BeforeEach
    void start() throws Exception {
        idp = new MockOAuth2Server();
        idp.start(InetAddress.getLoopbackAddress(), 0);
        issuer = idp.issuerUrl("main").toString();
        redis = RedisServers.standalone(dir);
        runtime = RunningRuntime.start(RedisLoginConfig.standalone(issuer, SigningKeys.write(dir, "k1"), redis.port())
                + "resilience: {timeout: 2s}\n", Clock.systemUTC(), policy -> policy);
        await().atMost(Duration.ofSeconds(30)).until(() -> runtime.management("/readyz").statusCode() == 200);
        base = "http://127.0.0.1:" + runtime.port();
    }

    @AfterEach
    void stop() {
        redis.command("CLIENT", "UNPAUSE");
        runtime.close();
        redis.close();
        idp.shutdown();
    }

    @Test
    @DisplayName("The claim times out but is stored: the sessions end (200), and a copy afterwards is a replay (400), not 'in progress' for a minute")
    void claimStoredAfterItsTimeout() throws Exception {
        // Given a user with a session and the IdP's logout token for that user
        Browser browser = new Browser();
        idp.enqueueCallback(new DefaultOAuth2TokenCallback("main", SUBJECT, "JWT", List.of("shop-api"), Map.of(), 3600));
        browser.logIn(base + "/oauth2/start", idp.baseUrl().toString());
        assertThat(browser.get(base + "/auth").statusCode()).isEqualTo(200);
        String token = idp.issueToken("main", SUBJECT, new DefaultOAuth2TokenCallback("main", SUBJECT, "logout+jwt", List.of("shop-web"),
                Map.of("jti", "lost-reply-1", "events", Map.of(LogoutTokenRules.EVENT, Map.of())), 120)).serialize();

        // When Redis holds every command for 3 s, longer than the 2 s command timeout, while the logout arrives
        assertThat(redis.command("CLIENT", "PAUSE", "3000", "ALL")).isEqualTo("+OK");
        HttpResponse<String> logout = postLogout(token);

        // Then the sessions are ended (the deletes ran once Redis did), and the token's record says used
        assertThat(logout.statusCode()).isEqualTo(200);
        assertThat(browser.get(base + "/auth").statusCode()).isEqualTo(401);
        assertThat(redis.command("GET", RedisPendingLogins.key(BackchannelLogout.usedTokenKey(issuer, "lost-reply-1")))).isEqualTo("\u0001");
        HttpResponse<String> copy = postLogout(token);
        assertThat(copy.statusCode()).as("a copy after the logout is a replay, not a delivery still in progress").isEqualTo(400);
        assertThat(copy.body()).contains("used already");
    }

    private HttpResponse<String> postLogout(String token) {
        return BackchannelLogouts.post(base, token);
    }
}
