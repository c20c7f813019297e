package io.authtier.runtime.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

@DisplayName("ClosestName")
class ClosestNameTest {

    private static final List<String> ISSUER_FIELDS =
            List.of("name", "issuerUrl", "audiences", "allowedAlgorithms", "clockSkew", "introspection");

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
            "audience, audiences",
            "audiance, audiences",
            "issuerURL, issuerUrl",
            "issuer_url, issuerUrl",
            "algorithms, allowedAlgorithms",
            "clockskew, clockSkew",
            "nmae, name",
    })
    @DisplayName("Typos get the field that was meant")
    void suggests(String typed, String expected) {
        assertThat(ClosestName.of(typed, ISSUER_FIELDS)).contains(expected);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"mode", "url", "jwks", "x"})
    @DisplayName("Unrelated names get no suggestion")
    void noSuggestion(String typed) {
        assertThat(ClosestName.of(typed, ISSUER_FIELDS)).isEmpty();
    }
}
