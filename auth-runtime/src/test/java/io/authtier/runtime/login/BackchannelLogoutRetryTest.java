package io.authtier.runtime.login;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.authtier.runtime.login.redis.RedisPendingLogins;
import io.authtier.runtime.redis.RedisServers;
import io.authtier.runtime.session.SessionUser;
import io.authtier.runtime.session.redis.RedisSessionBytes;
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
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import no.nav.security.mock.oauth2.token.DefaultOAuth2TokenCallback;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * IdPs send a logout token again when a delivery seems lost, and the copy may arrive while the first delivery
 * is still ending the sessions. If that first attempt then fails, the copy must not have been refused as a
 * replay (nor answered done): the IdP stops at a 400 or 200, and the logout would be lost.
 *
 * <p>A 3-master Redis Cluster, so that the token's record and the user's sessions live on different nodes:
 * the user's node takes no writes ({@code CLIENT PAUSE … WRITE}), which holds the first attempt after it has
 * recorded the token and before its delete, for as long as the test needs; once let go, that node refuses the
 * delete ({@code min-replicas-to-write 1} on a master without replicas answers {@code NOREPLICAS}), a Redis
 * error in the middle of a logout.
 */
@DisplayName("A copy of a logout token that arrives while the first delivery is failing is not lost")
class BackchannelLogoutRetryTest {

    static final String SUBJECT = "dee";

    @TempDir
    Path dir;
    MockOAuth2Server idp;
    List<RedisServers.Server> nodes;
    RunningRuntime runtime;
    String base;
    String issuer;

    @BeforeEach
    void start() throws Exception {
        idp = new MockOAuth2Server();
        idp.start(InetAddress.getLoopbackAddress(), 0);
        issuer = idp.issuerUrl("main").toString();
        nodes = RedisServers.cluster(dir);
        // The system clock: tokens are issued by the IdP in real time, however long the start took.
        // A command timeout far beyond the test's steps: the first attempt fails by Redis's error, never by time.
        runtime = RunningRuntime.start(RedisLoginConfig.cluster(issuer, SigningKeys.write(dir, "k1"),
                nodes.stream().map(RedisServers.Server::port).toList()) + "resilience: {timeout: 20s}\n",
                Clock.systemUTC(), policy -> policy);
        await().atMost(Duration.ofSeconds(30)).until(() -> runtime.management("/readyz").statusCode() == 200);
        base = "http://127.0.0.1:" + runtime.port();
    }

    @AfterEach
    void stop() {
        nodes.forEach(node -> node.command("CLIENT", "UNPAUSE"));
        runtime.close();
        nodes.forEach(RedisServers.Server::close);
        idp.shutdown();
    }

    @Test
    @DisplayName("By sub: the copy is told to come again (503), not refused as a replay; the IdP's next retry ends the sessions")
    void copyDuringAFailingAttempt() throws Exception {
        // Given a user with a session, and a logout token whose record lives on another node than the user's sessions
        Browser browser = new Browser();
        idp.enqueueCallback(new DefaultOAuth2TokenCallback("main", SUBJECT, "JWT", List.of("shop-api"), Map.of(), 3600));
        browser.logIn(base + "/oauth2/start", idp.baseUrl().toString());
        assertThat(browser.get(base + "/auth").statusCode()).isEqualTo(200);
        RedisServers.Server userNode = serving(RedisSessionBytes.userKey(new SessionUser(issuer, SUBJECT).tag()));
        String jti = IntStream.range(0, 1000).mapToObj(i -> "logout-" + i)
                .filter(candidate -> serving(recordKey(candidate)) != userNode).findFirst().orElseThrow();
        RedisServers.Server recordNode = serving(recordKey(jti));
        String token = idp.issueToken("main", SUBJECT, new DefaultOAuth2TokenCallback("main", SUBJECT, "logout+jwt", List.of("shop-web"),
                Map.of("jti", jti, "events", Map.of(LogoutTokenRules.EVENT, Map.of())), 120)).serialize();

        // And the user's node holds every write, then will refuse them (a Redis error in the middle of the logout)
        assertThat(userNode.command("CLIENT", "PAUSE", "60000", "WRITE")).isEqualTo("+OK");
        assertThat(userNode.command("CONFIG", "SET", "min-replicas-to-write", "1")).isEqualTo("+OK");

        // When the IdP's first delivery has recorded the token and is held before its delete
        CompletableFuture<HttpResponse<String>> first = postLogoutAsync(token);
        await().atMost(Duration.ofSeconds(20)).until(() -> ":1".equals(recordNode.command("EXISTS", recordKey(jti))));
        // And the IdP's copy of it arrives meanwhile
        HttpResponse<String> copy = postLogout(token);
        // And the first attempt then fails
        assertThat(userNode.command("CLIENT", "UNPAUSE")).isEqualTo("+OK");
        HttpResponse<String> firstAnswer = first.get();

        // Then neither delivery was reported done nor refused: both ask the IdP to send the token again, and the
        // session still lives (nothing was ended yet)
        assertThat(firstAnswer.statusCode()).isEqualTo(503);
        assertThat(copy.statusCode()).as("a copy that arrives while the first delivery runs must be retried, not refused").isEqualTo(503);
        assertThat(browser.get(base + "/auth").statusCode()).isEqualTo(200);

        // When Redis works again and the IdP retries
        assertThat(userNode.command("CONFIG", "SET", "min-replicas-to-write", "0")).isEqualTo("+OK");
        HttpResponse<String> retry = postLogout(token);

        // Then the logout is done, and only now is the token used: another copy is a replay
        assertThat(retry.statusCode()).isEqualTo(200);
        assertThat(browser.get(base + "/auth").statusCode()).isEqualTo(401);
        HttpResponse<String> replay = postLogout(token);
        assertThat(replay.statusCode()).isEqualTo(400);
        assertThat(replay.body()).contains("used already");
    }

    /** The Redis key of the record of a logout token with {@code jti}. */
    private String recordKey(String jti) {
        return RedisPendingLogins.key(BackchannelLogout.usedTokenKey(issuer, jti));
    }

    /** The master that serves {@code key}: the one that does not redirect (MOVED) a read of it. */
    private RedisServers.Server serving(String key) {
        return nodes.stream().filter(node -> !String.valueOf(node.command("EXISTS", key)).startsWith("-MOVED")).findFirst().orElseThrow();
    }

    private CompletableFuture<HttpResponse<String>> postLogoutAsync(String token) {
        return BackchannelLogouts.postAsync(base, token);
    }

    private HttpResponse<String> postLogout(String token) throws Exception {
        return postLogoutAsync(token).get();
    }
}
