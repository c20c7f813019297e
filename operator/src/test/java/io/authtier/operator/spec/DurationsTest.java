package io.authtier.operator.spec;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@DisplayName("Durations: the form the runtime reads")
class DurationsTest {

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"500ms", "30s", "1h30m", "7d", "1d2h3m4s5ms", "0s", "1h1ms", "2m500ms"})
  @DisplayName("The largest unit first, each at most once, is read")
  void accepted(String text) {
    assertThat(Durations.parse(text)).isPresent();
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"1s1s", "500ms1s", "1m1h", "1ms1ms", "30", "", "1.5s", "-1s", "1 s"})
  @DisplayName("Units out of order or repeated, or no unit, are refused (the runtime would refuse them at start)")
  void refused(String text) {
    assertThat(Durations.parse(text)).isEmpty();
  }

  @org.junit.jupiter.api.Test
  @DisplayName("The parts add up")
  void sums() {
    assertThat(Durations.parse("1h30m")).hasValue(Duration.ofMinutes(90));
    assertThat(Durations.parse("1s500ms")).hasValue(Duration.ofMillis(1500));
  }
}
