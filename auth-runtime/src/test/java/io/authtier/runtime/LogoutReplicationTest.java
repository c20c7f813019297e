package io.authtier.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.authtier.runtime.redis.RedisServers;
import io.authtier.runtime.testsupport.BackchannelLogouts;
import io.authtier.runtime.testsupport.Browser;
import io.authtier.runtime.testsupport.RedisLoginConfig;
import io.authtier.runtime.testsupport.RunningRuntime;
import io.authtier.runtime.testsupport.SigningKeys;
import java.net.InetAddress;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import no.nav.security.mock.oauth2.token.DefaultOAuth2TokenCallback;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Sessions in a Redis Cluster of 3 masters and 3 replicas: a logout counts as done only once a replica holds
 * its deletes (WAIT), so that a failover to a lagging replica cannot bring the sessions back. Replicas that
 * do not take writes ({@code CLIENT PAUSE WRITE}) make the logout answer 503, with the cookie kept so that
 * the user can try again; with the replicas working, the same logout succeeds.
 */
@DisplayName("Logouts in a Redis Cluster are confirmed by a replica")
class LogoutReplicationTest {

    @TempDir
    static Path dir;
    static MockOAuth2Server idp;
    static List<RedisServers.Server> nodes;
    static RunningRuntime runtime;
    static String base;

    @BeforeAll
    static void start() throws Exception {
        idp = new MockOAuth2Server();
        idp.start(InetAddress.getLoopbackAddress(), 0);
        nodes = RedisServers.cluster(dir, 1);
        runtime = RunningRuntime.start(RedisLoginConfig.cluster(idp.issuerUrl("main").toString(), SigningKeys.write(dir, "k1"),
                nodes.stream().map(node -> node.port()).toList()) + "resilience: {timeout: 1s}\n",
                Clock.systemUTC(), policy -> policy);
        await().atMost(Duration.ofSeconds(30)).until(() -> runtime.management("/readyz").statusCode() == 200);
        base = "http://127.0.0.1:" + runtime.port();
    }

    @AfterAll
    static void stop() {
        runtime.close();
        nodes.forEach(RedisServers.Server::close);
        idp.shutdown();
    }

    @AfterEach
    void unpause() {
        replicas().forEach(replica -> replica.command("CLIENT", "UNPAUSE"));
    }

    private static List<RedisServers.Server> replicas() {
        return nodes.stream().filter(node -> String.valueOf(node.command("INFO", "replication")).contains("role:slave")).toList();
    }

    private static Browser logIn(String subject) {
        Browser browser = new Browser();
        idp.enqueueCallback(new DefaultOAuth2TokenCallback("main", subject, "JWT", List.of("shop-api"), Map.of(), 3600));
        browser.logIn(base + "/oauth2/start", idp.baseUrl().toString());
        assertThat(browser.get(base + "/auth").statusCode()).isEqualTo(200);
        return browser;
    }

    private static void pauseReplicas() {
        List<RedisServers.Server> replicas = replicas();
        assertThat(replicas).hasSize(3);
        replicas.forEach(replica -> assertThat(replica.command("CLIENT", "PAUSE", "30000", "WRITE")).isEqualTo("+OK"));
    }

    @Test
    @DisplayName("Sign-out: 503 with the cookie kept while no replica takes the delete; the same sign-out succeeds once one does, "
            + "and sends the browser to the IdP though the first try had deleted the session")
    void signOut() {
        Browser browser = logIn("ada");
        String cookie = browser.cookie(base, "__Host-authtier");

        // When the replicas take no writes and the user signs out
        pauseReplicas();
        HttpResponse<String> unconfirmed = browser.get(base + "/oauth2/sign_out", "Sec-Fetch-Site", "same-origin");

        // Then the sign-out is not reported done: 503, Retry-After, the cookie kept
        assertThat(unconfirmed.statusCode()).isEqualTo(503);
        assertThat(unconfirmed.headers().firstValue("Retry-After")).hasValue("1");
        assertThat(unconfirmed.headers().allValues("Set-Cookie")).isEmpty();
        assertThat(browser.cookie(base, "__Host-authtier")).isEqualTo(cookie);

        // When the replicas work again, the same sign-out succeeds and the session is gone
        unpause();
        HttpResponse<String> confirmed = browser.get(base + "/oauth2/sign_out?rd=/bye", "Sec-Fetch-Site", "same-origin");
        assertThat(confirmed.statusCode()).isEqualTo(302);
        assertThat(new Browser().get(base + "/auth", "Cookie", "__Host-authtier=" + cookie).statusCode()).isEqualTo(401);
        // And the IdP's session is ended too: the first try deleted the session (its master did; the replica's
        // confirmation failed), so the ID token is gone, and the IdP is told the client instead
        String location = confirmed.headers().firstValue("Location").orElseThrow();
        assertThat(location).startsWith(idp.endSessionEndpointUrl("main").toString()).doesNotContain("id_token_hint")
                .contains("client_id=shop-web").contains("post_logout_redirect_uri=" + URLEncoder.encode(base + "/bye", StandardCharsets.UTF_8));
    }

    @Test
    @DisplayName("Log out everywhere (admin): 503 while no replica takes the deletes, done once one does")
    void logoutEverywhere() throws Exception {
        Browser browser = logIn("bea");

        pauseReplicas();
        assertThat(adminLogout("bea").statusCode()).isEqualTo(503);

        unpause();
        HttpResponse<String> done = adminLogout("bea");
        assertThat(done.statusCode()).isEqualTo(200);
        assertThat(browser.get(base + "/auth").statusCode()).isEqualTo(401);
    }

    @Test
    @DisplayName("Back-channel logout: 503 while no replica takes the deletes; the IdP's retry of the same token is done once one does")
    void backchannelLogout() throws Exception {
        Browser browser = new Browser();
        idp.enqueueCallback(new DefaultOAuth2TokenCallback("main", "cy", "JWT", List.of("shop-api"), Map.of("sid", "idp-session-9"), 3600));
        browser.logIn(base + "/oauth2/start", idp.baseUrl().toString());
        assertThat(browser.get(base + "/auth").statusCode()).isEqualTo(200);
        String token = idp.issueToken("main", "cy", new DefaultOAuth2TokenCallback("main", "cy", "logout+jwt", List.of("shop-web"),
                Map.of("sid", "idp-session-9", "events", Map.of("http://schemas.openid.net/event/backchannel-logout", Map.of())), 120))
                .serialize();

        pauseReplicas();
        assertThat(postLogout(token).statusCode()).isEqualTo(503);

        unpause();
        assertThat(postLogout(token).statusCode()).isEqualTo(200);
        assertThat(browser.get(base + "/auth").statusCode()).isEqualTo(401);
    }

    @Test
    @DisplayName("Back-channel logout of an IdP session with no session yet: 503 while no replica holds its ended mark; "
            + "done once one does, and a login under it that finishes later is refused")
    void backchannelLogoutOfAnEmptyIdpSession() throws Exception {
        // Given an IdP session under which no session exists yet (its login is still at the IdP)
        String sid = "idp-session-login-in-flight";
        String token = idp.issueToken("main", "dot", new DefaultOAuth2TokenCallback("main", "dot", "logout+jwt", List.of("shop-web"),
                Map.of("sid", sid, "events", Map.of("http://schemas.openid.net/event/backchannel-logout", Map.of())), 120))
                .serialize();

        // When the replicas take no writes and the IdP ends that session: the mark is all the logout writes, and a
        // failover now would lose it, so the logout is not reported done
        pauseReplicas();
        assertThat(postLogout(token).statusCode()).isEqualTo(503);

        // When the replicas work again, the IdP's retry is done
        unpause();
        assertThat(postLogout(token).statusCode()).isEqualTo(200);

        // And the login under that IdP session, finishing now, is refused: the mark holds
        Browser browser = new Browser();
        idp.enqueueCallback(new DefaultOAuth2TokenCallback("main", "dot", "JWT", List.of("shop-api"), Map.of("sid", sid), 3600));
        HttpResponse<String> callback = browser.logIn(base + "/oauth2/start", idp.baseUrl().toString());
        assertThat(callback.statusCode()).isEqualTo(401);
        assertThat(browser.get(base + "/auth").statusCode()).isEqualTo(401);
    }

    private static HttpResponse<String> postLogout(String token) {
        return BackchannelLogouts.post(base, token);
    }

    private static HttpResponse<String> adminLogout(String subject) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + runtime.adminPort()
                + "/admin/logout?sub=" + subject)).POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
    }
}
