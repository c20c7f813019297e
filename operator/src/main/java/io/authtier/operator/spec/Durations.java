package io.authtier.operator.spec;

import java.time.Duration;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Durations as the AuthTier writes them: {@code 500ms}, {@code 30s}, {@code 1h30m}, {@code 7d}; the largest
 * unit first and each at most once, as the runtime reads them (so {@code 1s1s} or {@code 500ms1s} is refused).
 */
public final class Durations {
  private static final Pattern WHOLE = Pattern.compile("^([0-9]+d)?([0-9]+h)?([0-9]+m(?!s))?([0-9]+s)?([0-9]+ms)?$");
  private static final Pattern PART = Pattern.compile("([0-9]+)(ms|s|m|h|d)");

  private Durations() {}

  /** Empty when the text is not a duration (or overflows). */
  public static Optional<Duration> parse(String text) {
    if (text == null || text.isEmpty() || !WHOLE.matcher(text).matches()) {
      return Optional.empty();
    }
    try {
      var total = Duration.ZERO;
      var parts = PART.matcher(text);
      while (parts.find()) {
        long amount = Long.parseLong(parts.group(1));
        total = total.plus(switch (parts.group(2)) {
          case "ms" -> Duration.ofMillis(amount);
          case "s" -> Duration.ofSeconds(amount);
          case "m" -> Duration.ofMinutes(amount);
          case "h" -> Duration.ofHours(amount);
          default -> Duration.ofDays(amount);
        });
      }
      return Optional.of(total);
    } catch (ArithmeticException | NumberFormatException overflow) {
      return Optional.empty();
    }
  }
}
