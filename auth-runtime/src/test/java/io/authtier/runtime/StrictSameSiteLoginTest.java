package io.authtier.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.authtier.runtime.testsupport.Browser;
import io.authtier.runtime.testsupport.RunningRuntime;
import io.authtier.runtime.testsupport.RedisLoginConfig;
import io.authtier.runtime.testsupport.SigningKeys;
import java.net.InetAddress;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import no.nav.security.mock.oauth2.token.DefaultOAuth2TokenCallback;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code sessions.cookie.sameSite: Strict}: a browser does not send a Strict cookie with a redirect chain that began
 * on the IdP's site, so the callback answers with a page that navigates to the return target itself (same-site,
 * the cookie goes along) instead of a 302, which would bring the browser back to a 401 and round the IdP again.
 */
@DisplayName("SameSite=Strict: the callback hands the browser on with a page, not a redirect")
class StrictSameSiteLoginTest {

    @TempDir
    static Path dir;
    static MockOAuth2Server idp;
    static RunningRuntime runtime;
    static String base;

    @BeforeAll
    static void start() {
        idp = new MockOAuth2Server();
        idp.start(InetAddress.getLoopbackAddress(), 0);
        runtime = RunningRuntime.start(RedisLoginConfig.inMemory(idp.issuerUrl("main").toString(), SigningKeys.write(dir, "k1"),
                "sameSite: Strict"), Clock.systemUTC(), policy -> policy);
        await().atMost(Duration.ofSeconds(20)).until(() -> runtime.management("/readyz").statusCode() == 200);
        base = "http://127.0.0.1:" + runtime.port();
    }

    @AfterAll
    static void stop() {
        runtime.close();
        idp.shutdown();
    }

    @Test
    @DisplayName("The callback answers 200 with a page that goes on to rd (escaped), sets the Strict cookie, and the session works")
    void callbackAnswersWithPage() {
        Browser browser = new Browser();
        idp.enqueueCallback(new DefaultOAuth2TokenCallback("main", "ada", "JWT", List.of("shop-api"), Map.of(), 3600));
        String rd = "/orders?id=7&view=\"all\"";

        HttpResponse<String> callback = browser.logIn(base + "/oauth2/start?rd=" + URLEncoder.encode(rd, StandardCharsets.UTF_8),
                idp.baseUrl().toString());

        assertThat(callback.statusCode()).isEqualTo(200);
        assertThat(callback.headers().firstValue("Location")).isEmpty();
        assertThat(callback.headers().firstValue("Content-Type")).hasValue("text/html; charset=utf-8");
        String target = "/orders?id=7&amp;view=&quot;all&quot;";
        assertThat(callback.body()).contains("<meta http-equiv=\"refresh\" content=\"0;url=" + target + "\">")
                .contains("<a href=\"" + target + "\">Continue</a>");
        assertThat(callback.headers().allValues("Set-Cookie"))
                .anyMatch(cookie -> cookie.startsWith("__Host-authtier=") && cookie.contains("SameSite=Strict"));
        assertThat(callback.headers().firstValue("Content-Security-Policy")).hasValueSatisfying(csp -> assertThat(csp).contains("frame-ancestors 'none'"));
        assertThat(callback.headers().firstValue("Cache-Control")).hasValue("no-store");
        assertThat(browser.get(base + "/auth").statusCode()).isEqualTo(200);
    }
}
