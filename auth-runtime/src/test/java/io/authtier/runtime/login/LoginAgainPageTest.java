package io.authtier.runtime.login;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("The page of a login the IdP ended meanwhile links to a login again, its href escaped")
class LoginAgainPageTest {

    @Test
    @DisplayName("401 text/html, a relative link to start with prompt=login first and the target %-encoded, & escaped in the attribute")
    void page() {
        WebAnswer answer = LoginAgainPage.answer("https://shop.example.com/a?b=1&c=\"x\"'<y>");

        assertThat(answer.status()).isEqualTo(401);
        assertThat(answer.contentType()).isEqualTo("text/html; charset=utf-8");
        assertThat(answer.isHtml()).isTrue();
        assertThat(answer.location()).isEmpty();
        assertThat(answer.setCookies()).isEmpty();
        assertThat(answer.body()).contains("<a href=\"start?prompt=login&amp;rd="
                + "https%3A%2F%2Fshop.example.com%2Fa%3Fb%3D1%26c%3D%22x%22%27%3Cy%3E\">Log in again</a>");
    }

    @Test
    @DisplayName("The escape covers every character that could end the attribute or start a tag or reference")
    void escape() {
        assertThat(LoginAgainPage.escape("a&b\"c'd<e>f")).isEqualTo("a&amp;b&quot;c&#39;d&lt;e&gt;f");
    }
}
