package io.authtier.runtime.config;

import java.time.Duration;
import java.util.Collection;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * A check on one value and the message to give when it fails; messages say what is wanted, and show the
 * value only where the value is not secret.
 */
record Rule<T>(Predicate<? super T> test, Function<? super T, String> message) {

    static Rule<Integer> between(int min, int max) {
        return new Rule<>(v -> v >= min && v <= max, v -> "must be between %d and %d, got %d".formatted(min, max, v));
    }

    static Rule<Integer> atLeast(int min) {
        return new Rule<>(v -> v >= min, v -> "must be at least %d, got %d".formatted(min, v));
    }

    static Rule<Duration> positive() {
        return new Rule<>(Duration::isPositive, v -> "must be greater than 0, e.g. 5s");
    }

    static Rule<Duration> atMost(Duration max) {
        return new Rule<>(v -> v.compareTo(max) <= 0,
                v -> "must be at most %s, got %s".formatted(DurationParser.format(max), DurationParser.format(v)));
    }

    static Rule<Duration> between(Duration min, Duration max) {
        return new Rule<>(v -> v.compareTo(min) >= 0 && v.compareTo(max) <= 0, v -> "must be between %s and %s, got %s"
                .formatted(DurationParser.format(min), DurationParser.format(max), DurationParser.format(v)));
    }

    /** A value matching {@code pattern}; {@code form} says what that is, with an example. */
    static Rule<String> matches(Pattern pattern, String form) {
        return new Rule<>(v -> pattern.matcher(v).matches(), v -> "'%s' is not valid; use %s".formatted(v, form));
    }

    static <C extends Collection<?>> Rule<C> notEmpty(String fix) {
        return new Rule<>(v -> !v.isEmpty(), v -> "must not be empty; " + fix);
    }
}
