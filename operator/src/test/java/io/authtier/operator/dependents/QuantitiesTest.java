package io.authtier.operator.dependents;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class QuantitiesTest {

  @ParameterizedTest(name = "{0} is stored as {1}")
  @CsvSource({
      "0.5, 500m", "1000m, 1", "1500m, 1500m", "0.1, 100m", "2000, 2k", "100, 100", "1000, 1k", "1, 1",
      "250m, 250m", "1024Mi, 1Gi", "1.5Gi, 1536Mi", "0.5Ki, 512", "512Mi, 512Mi", "1Gi, 1Gi",
      "128974848, 128974848", "129M, 129M", "1e3, 1e3", "12e6, 12e6", "1.5e3, 1500", "0, 0", "0Mi, 0",
      "0.1Ki, 102400m", "1n, 1n", "0.0000000001, 1n", "1E, 1E", "'1.', 1", "+1, 1", ".5, 500m"})
  @DisplayName("Quantities take the canonical form the API server stores")
  void canonical(String written, String stored) {
    assertThat(Quantities.canonical(written)).isEqualTo(stored);
  }

  @Test
  @DisplayName("Something that is not a quantity is refused with the accepted form")
  void notAQuantity() {
    assertThatThrownBy(() -> Quantities.canonical("lots")).hasMessageContaining("not a Kubernetes quantity");
    assertThatThrownBy(() -> Quantities.canonical("5Xi")).hasMessageContaining("unknown suffix");
    // The API server takes no spaces around a quantity, and e alone is no suffix
    for (var refused : java.util.List.of(" 1", "1 ", "1e", "1.5.5")) {
      assertThatThrownBy(() -> Quantities.canonical(refused)).as("'" + refused + "'").isInstanceOf(IllegalArgumentException.class);
    }
  }
}
