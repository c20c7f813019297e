package io.authtier.runtime.config;

import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Durations as the configuration file writes them: one or more {@code <integer><unit>} groups, largest
 * unit first, each unit at most once, with unit {@code ms}, {@code s}, {@code m}, {@code h} or {@code d}
 * ({@code 500ms}, {@code 30s}, {@code 1h30m}, {@code 7d}).
 *
 * <p>Deliberately narrower than ISO-8601 or Go's syntax: no signs, fractions or spaces, and a bare
 * number is refused, so {@code 30} never silently means seconds in one field and milliseconds in another.
 */
public final class DurationParser {

    /** How to write a duration; ends every parse error so that the fix is in the message. */
    public static final String ACCEPTED_FORM =
            "write <integer><unit>, optionally repeated with the largest unit first, units ms, s, m, h, d "
                    + "(e.g. 500ms, 30s, 1h30m, 7d)";

    // Largest first: the order the groups must appear in. "ms" before "m" in the alternation.
    private static final List<Unit> UNITS = List.of(
            new Unit("d", ChronoUnit.DAYS), new Unit("h", ChronoUnit.HOURS), new Unit("m", ChronoUnit.MINUTES),
            new Unit("s", ChronoUnit.SECONDS), new Unit("ms", ChronoUnit.MILLIS));
    private static final Pattern GROUP = Pattern.compile("(\\d+)(ms|s|m|h|d)");
    private static final Pattern DIGITS = Pattern.compile("\\d+");

    private DurationParser() {
    }

    /**
     * Parses {@code text}.
     *
     * @throws IllegalArgumentException with a message that quotes {@code text} and shows the accepted form
     */
    public static Duration parse(String text) {
        if (DIGITS.matcher(text).matches()) {
            throw new IllegalArgumentException(
                    "'%s' has no unit; write %ss, %sms or another unit (ms, s, m, h, d)".formatted(text, text, text));
        }
        Matcher group = GROUP.matcher(text);
        Duration total = Duration.ZERO;
        int end = 0;
        int previousUnit = -1;
        while (group.lookingAt()) {
            int unit = unitIndex(group.group(2));
            if (unit <= previousUnit) {
                throw invalid(text);
            }
            previousUnit = unit;
            total = plus(text, total, group.group(1), UNITS.get(unit).unit());
            end = group.end();
            group.region(end, text.length());
        }
        if (end == 0 || end != text.length()) {
            throw invalid(text);
        }
        return total;
    }

    /** The shortest text that {@link #parse} reads back as {@code duration}, e.g. {@code 1h30m}; {@code 0s} for zero. */
    public static String format(Duration duration) {
        if (duration.isNegative()) {
            throw new IllegalArgumentException("negative duration: " + duration);
        }
        if (duration.isZero()) {
            return "0s";
        }
        StringBuilder text = new StringBuilder();
        Duration rest = duration;
        for (Unit unit : UNITS) {
            long count = rest.dividedBy(unit.unit().getDuration());
            if (count > 0) {
                text.append(count).append(unit.symbol());
                rest = rest.minus(unit.unit().getDuration().multipliedBy(count));
            }
        }
        // Below a millisecond there is no unit to write; never produced by parse().
        return text.isEmpty() ? duration.toNanos() + "ns" : text.toString();
    }

    private static Duration plus(String text, Duration total, String digits, ChronoUnit unit) {
        try {
            return total.plus(Duration.of(Long.parseLong(digits), unit));
        } catch (NumberFormatException | ArithmeticException e) {
            throw new IllegalArgumentException("'%s' is too long a duration".formatted(text), e);
        }
    }

    private static int unitIndex(String symbol) {
        for (int i = 0; i < UNITS.size(); i++) {
            if (UNITS.get(i).symbol().equals(symbol)) {
                return i;
            }
        }
        throw new AssertionError(symbol);
    }

    private static IllegalArgumentException invalid(String text) {
        return new IllegalArgumentException("'%s' is not a duration; %s".formatted(text, ACCEPTED_FORM));
    }

    private record Unit(String symbol, ChronoUnit unit) {
    }
}
