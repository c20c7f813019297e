package io.authtier.runtime.http;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Reading the Authorization header")
class BearerTokenHeaderTest {

    @Test
    @DisplayName("The Bearer scheme is case-insensitive; another scheme is no bearer token; a bare scheme is an empty token")
    void scheme() {
        assertThat(ForwardAuthHandler.bearerToken("Bearer abc")).isEqualTo("abc");
        assertThat(ForwardAuthHandler.bearerToken("bearer  abc ")).isEqualTo("abc");
        assertThat(ForwardAuthHandler.bearerToken("BEARER abc")).isEqualTo("abc");
        assertThat(ForwardAuthHandler.bearerToken("Basic abc")).isNull();
        assertThat(ForwardAuthHandler.bearerToken("Bearerabc")).isNull();
        assertThat(ForwardAuthHandler.bearerToken("Bearer")).isEmpty();
        assertThat(ForwardAuthHandler.bearerToken("Bearer   ")).isEmpty();
    }
}
