package io.authtier.runtime.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

@DisplayName("HostAndPort")
class HostAndPortTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource({
            "redis-0.redis:6379, redis-0.redis, 6379",
            "redis:1, redis, 1",
            "10.0.0.5:65535, 10.0.0.5, 65535",
            "'[::1]:6379', ::1, 6379",
            "'[fd00::5]:7000', fd00::5, 7000",
    })
    @DisplayName("Endpoints that parse, and print back as written")
    void parses(String text, String host, int port) {
        // Given host:port, when parsed, then host and port are split and it prints as it was written
        HostAndPort endpoint = HostAndPort.parse(text);
        assertThat(endpoint).isEqualTo(new HostAndPort(host, port));
        assertThat(endpoint).hasToString(text);
    }

    @ParameterizedTest(name = "''{0}''")
    @ValueSource(strings = {"redis", ":6379", "redis:", "redis:65536", "redis:-1", "redis:+1", "[redis]:6379", "bad_host:1",
            "::1:6379", "redis://redis:6379", "10.0.0.256:6379"})
    @DisplayName("Endpoints that are refused quote the value")
    void refuses(String text) {
        assertThatThrownBy(() -> HostAndPort.parse(text))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'");
    }

    @ParameterizedTest(name = "''{0}''")
    @ValueSource(strings = {"redis://:s3cr3t-pw@redis-0.redis:6379", "default:s3cr3t-pw@redis-0.redis:6379"})
    @DisplayName("An endpoint with user info is refused without quoting the part before '@', which may be a password")
    void userInfoNotQuoted(String text) {
        assertThatThrownBy(() -> HostAndPort.parse(text))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageNotContaining("s3cr3t-pw")
                .hasMessageContaining("redis-0.redis:6379")
                .hasMessageContaining("passwordFile");
    }
}
