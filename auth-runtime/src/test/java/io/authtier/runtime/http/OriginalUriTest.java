package io.authtier.runtime.http;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class OriginalUriTest {

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = ' ', nullValues = "none", value = {
        "/admin?x=1 /admin?x=1",
        "https://shop.example.com/admin?x=1 /admin?x=1",
        "https://shop.example.com:8443/search?q=a|b&f={x} /search?q=a|b&f={x}",
        "http://shop.example.com/files/[draft].pdf /files/[draft].pdf",
        "https://user@shop.example.com/a /a",
        // nginx lets ? and # through in Host: a path after them would be the client's choice
        "https://shop?/admin none",
        "https://shop#x/admin none",
        "https://shop.example.com none",
        "shop.example.com/admin none",
        "1https://shop/admin none",
        "://shop/admin none"})
    @DisplayName("The path of an original URI: a path as it is, a URL's after its authority (ingress-nginx's X-Original-URL), else none")
    void rawPath(String uri, String path) {
        assertThat(AuthRouter.rawPath(uri).orElse(null)).isEqualTo(path);
    }
}
