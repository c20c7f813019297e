package io.authtier.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.authtier.runtime.testsupport.Browser;
import io.authtier.runtime.testsupport.LoginFixture;
import io.authtier.runtime.testsupport.LoginFixture.Sessions;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import no.nav.security.mock.oauth2.token.DefaultOAuth2TokenCallback;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code /oauth2/start?prompt=login}: the IdP is asked to authenticate the user anew (OIDC Core 3.1.2.1), which
 * a login again after a back-channel logout by {@code sub} needs ({@link LoginAgainAfterLogoutTest}). Only
 * {@code login} is passed on; every other value is refused.
 */
@DisplayName("/oauth2/start passes prompt=login on to the IdP, and refuses every other prompt")
class LoginPromptTest {

    @TempDir
    Path dir;
    @AutoClose
    LoginFixture fixture;

    @BeforeEach
    void start() throws Exception {
        // Sessions in memory: the prompt is all in the start and the IdP's redirect
        fixture = LoginFixture.start(dir, Sessions.MEMORY, Clock.systemUTC());
    }

    @Test
    @DisplayName("prompt=login reaches the IdP's authorization request; without it, no prompt is sent; either way the login completes")
    void promptLoginIsPassedOn() {
        // When a login starts with prompt=login
        Browser browser = new Browser();
        HttpResponse<String> withPrompt = browser.get(fixture.base() + "/oauth2/start?prompt=login&rd=/x");

        // Then the browser goes to the IdP with prompt=login, once
        assertThat(withPrompt.statusCode()).isEqualTo(302);
        String authorize = withPrompt.headers().firstValue("Location").orElseThrow();
        assertThat(authorize).startsWith(fixture.idp().baseUrl().toString());
        assertThat(query(authorize)).containsEntry("prompt", List.of("login")).containsEntry("max_age", List.of("0"))
                .containsKey("code_challenge");
        // And the IdP authenticates the user anew (mock-oauth2-server's login form), after which the login completes to its target
        HttpResponse<String> idpLogin = browser.get(authorize);
        assertThat(idpLogin.statusCode()).isEqualTo(200);
        assertThat(idpLogin.body()).contains("name=\"username\"");
        HttpResponse<String> toCallback = browser.postForm(authorize, Map.of("username", "ivy", "claims", authTime(Instant.now())));
        assertThat(toCallback.statusCode()).isEqualTo(302);
        HttpResponse<String> callback = browser.get(toCallback.headers().firstValue("Location").orElseThrow());
        assertThat(callback.statusCode()).isEqualTo(302);
        assertThat(callback.headers().firstValue("Location")).hasValue("/x");
        assertThat(browser.get(fixture.base() + "/auth").statusCode()).isEqualTo(200);

        // When a login starts without it (rd first or not)
        for (String start : List.of("/oauth2/start?rd=/x", "/oauth2/start?other=1&rd=%2Fx", "/oauth2/start")) {
            HttpResponse<String> plain = new Browser().get(fixture.base() + start);

            // Then the IdP gets no prompt: it may use its single sign-on as usual (mock-oauth2-server redirects at once)
            assertThat(plain.statusCode()).as(start).isEqualTo(302);
            String plainAuthorize = plain.headers().firstValue("Location").orElseThrow();
            assertThat(query(plainAuthorize)).as(start).doesNotContainKey("prompt").doesNotContainKey("max_age");
            assertThat(new Browser().get(plainAuthorize).statusCode()).as(start).isEqualTo(302);
        }
    }

    @Test
    @DisplayName("prompt=login answered from the IdP's single sign-on (no auth_time, or one from before the login): 401 saying so, "
            + "counted, no session; without prompt an old auth_time is fine")
    void oldAuthenticationIsRefused() {
        Instant loginStarts = Instant.now();
        Map<String, String> answers = new LinkedHashMap<>();
        answers.put("no auth_time", "{}");
        answers.put("auth_time an hour before", authTime(loginStarts.minusSeconds(3600)));
        for (Map.Entry<String, String> answer : answers.entrySet()) {
            // Given a login started with prompt=login, which the IdP answers with that ID token
            Browser browser = new Browser();
            String authorize = browser.get(fixture.base() + "/oauth2/start?prompt=login&rd=/x").headers().firstValue("Location").orElseThrow();
            HttpResponse<String> toCallback = browser.postForm(authorize, Map.of("username", "ivy", "claims", answer.getValue()));

            // When the browser reaches the callback
            HttpResponse<String> callback = browser.get(toCallback.headers().firstValue("Location").orElseThrow());

            // Then the login is refused, saying why, and the browser has no session
            assertThat(callback.statusCode()).as(answer.getKey()).isEqualTo(401);
            assertThat(callback.body()).as(answer.getKey()).startsWith("the identity provider did not authenticate you anew");
            assertThat(browser.get(fixture.base() + "/auth").statusCode()).as(answer.getKey()).isEqualTo(401);
        }
        assertThat(SessionRefreshTest.metricOf(fixture.runtime(), "authtier_logins_total{outcome=\"id_token_not_reauthenticated\"}"))
                .isEqualTo(answers.size());

        // And a login without prompt takes the IdP's single sign-on as it is, an old auth_time included
        fixture.idp().enqueueCallback(new DefaultOAuth2TokenCallback("main", "ivy", "JWT", List.of("shop-api"),
                Map.of("auth_time", loginStarts.minusSeconds(3600).getEpochSecond()), 3600));
        Browser plain = new Browser();
        HttpResponse<String> callback = plain.logIn(fixture.base() + "/oauth2/start?rd=/x", fixture.idp().baseUrl().toString());
        assertThat(callback.statusCode()).isEqualTo(302);
        assertThat(plain.get(fixture.base() + "/auth").statusCode()).isEqualTo(200);
    }

    @Test
    @DisplayName("A query that starts with rd= is all target: a prompt in the app's own query is neither passed on nor refused")
    void promptInsideTheTargetBelongsToTheApp() {
        // When nginx sends a deep link whose own query has a prompt (rd=$request_uri, unencoded)
        Browser browser = new Browser();
        HttpResponse<String> callback = browser.logIn(fixture.base() + "/oauth2/start?rd=/search?q=1&prompt=none", fixture.idp().baseUrl().toString());

        // Then the IdP got no prompt, and the login returns to the whole target
        HttpResponse<String> start = browser.hops().getFirst();
        assertThat(start.statusCode()).isEqualTo(302);
        assertThat(query(start.headers().firstValue("Location").orElseThrow())).doesNotContainKey("prompt");
        assertThat(callback.statusCode()).isEqualTo(302);
        assertThat(callback.headers().firstValue("Location")).hasValue("/search?q=1&prompt=none");
    }

    @Test
    @DisplayName("prompt=none, consent, select_account, LOGIN, login consent, an empty one or two of them: 400 naming prompt and login, no login stored")
    void otherPromptsAreRefused() {
        List<String> refused = List.of("prompt=none", "prompt=consent", "prompt=select_account", "prompt=LOGIN", "prompt=login%20consent",
                "prompt=", "prompt", "prompt=login&prompt=none", "prompt=login&prompt=login");
        for (String prompt : refused) {
            // When a login starts with that prompt
            Browser browser = new Browser();
            HttpResponse<String> start = browser.get(fixture.base() + "/oauth2/start?" + prompt + "&rd=/x");

            // Then it is refused, saying which parameter may have which value, and nothing goes to the IdP
            assertThat(start.statusCode()).as(prompt).isEqualTo(400);
            assertThat(start.body()).as(prompt).startsWith("prompt may only be login");
            assertThat(start.headers().firstValue("Location")).as(prompt).isEmpty();
            assertThat(start.headers().allValues("Set-Cookie")).as(prompt).isEmpty();
        }
        // And each refusal is counted
        assertThat(SessionRefreshTest.metricOf(fixture.runtime(), "authtier_logins_total{outcome=\"prompt_refused\"}")).isEqualTo(refused.size());
    }

    /** mock-oauth2-server's login form field {@code claims}: the ID token says the user authenticated at {@code when}. */
    private static String authTime(Instant when) {
        return "{\"auth_time\": " + when.getEpochSecond() + "}";
    }

    /** The query parameters of {@code url}, decoded, every value of each in order. */
    static Map<String, List<String>> query(String url) {
        Map<String, List<String>> params = new LinkedHashMap<>();
        String raw = Objects.requireNonNullElse(URI.create(url).getRawQuery(), "");
        for (String pair : raw.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            String[] parts = pair.split("=", 2);
            params.computeIfAbsent(URLDecoder.decode(parts[0], StandardCharsets.UTF_8), key -> new ArrayList<>())
                    .add(parts.length == 2 ? URLDecoder.decode(parts[1], StandardCharsets.UTF_8) : "");
        }
        return params;
    }
}
