package io.authtier.runtime.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

@DisplayName("DurationParser")
class DurationParserTest {

    @ParameterizedTest(name = "{0} is {1}")
    @CsvSource({
            "500ms, PT0.5S",
            "30s, PT30S",
            "5m, PT5M",
            "24h, PT24H",
            "7d, PT168H",
            "1h30m, PT1H30M",
            "1d2h3m4s5ms, PT26H3M4.005S",
            "0s, PT0S",
            "0ms, PT0S",
            "90s, PT1M30S",
    })
    @DisplayName("Accepted durations")
    void parses(String text, Duration expected) {
        // Given a well-formed duration, when it is parsed, then it is the expected length of time
        assertThat(DurationParser.parse(text)).isEqualTo(expected);
    }

    @ParameterizedTest(name = "''{0}''")
    @ValueSource(strings = {"", "-5s", "+5s", "5", "5x", "5 s", " 5s", "1.5s", "s", "5S", "30m1h", "1h1h", "5sms", "PT5S", "1h 30m", "1h-30m"})
    @DisplayName("Refused durations show the accepted form")
    void refuses(String text) {
        // Given a malformed duration, when it is parsed, then the message quotes it and says how to write one
        assertThatThrownBy(() -> DurationParser.parse(text))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("'" + text + "'")
                .hasMessageContaining("ms, s, m, h");
    }

    @Test
    @DisplayName("A bare 0 is refused with the unit to add")
    void bareZero() {
        // Given 0 without unit, when it is parsed, then the message says to add one
        assertThatThrownBy(() -> DurationParser.parse("0"))
                .hasMessage("'0' has no unit; write 0s, 0ms or another unit (ms, s, m, h, d)");
    }

    @Test
    @DisplayName("A duration too long for Java is refused, not wrapped around")
    void overflow() {
        // Given more days than a Duration holds, when it is parsed, then it is refused
        assertThatThrownBy(() -> DurationParser.parse("99999999999999999999d"))
                .hasMessage("'99999999999999999999d' is too long a duration");
        assertThatThrownBy(() -> DurationParser.parse("999999999999999d"))
                .hasMessage("'999999999999999d' is too long a duration");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"0s", "500ms", "30s", "5m", "1h30m", "7d", "1d2h3m4s5ms"})
    @DisplayName("Formatting gives back the shortest text, which parses to the same duration")
    void formatRoundTrips(String text) {
        // Given a duration, when it is formatted, then the text is the one it came from
        assertThat(DurationParser.format(DurationParser.parse(text))).isEqualTo(text);
    }

    @Test
    @DisplayName("Formatting writes the largest units it can")
    void formatNormalises() {
        assertThat(DurationParser.format(Duration.ofSeconds(90))).isEqualTo("1m30s");
        assertThat(DurationParser.format(Duration.ofHours(48))).isEqualTo("2d");
    }
}
