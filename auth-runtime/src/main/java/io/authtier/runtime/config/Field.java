package io.authtier.runtime.config;

import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

/**
 * The value of one field as it is being read: absent, invalid (its problem already reported) or a value.
 * Checks and conversions report to the shared {@link Problems} under the field's path, so reading goes on
 * after a bad value and every problem gets found.
 */
final class Field<T> {

    private enum State { ABSENT, INVALID, PRESENT }

    private final String path;
    private final Problems problems;
    private final State state;
    private final T value;

    private Field(String path, Problems problems, State state, T value) {
        this.path = path;
        this.problems = problems;
        this.state = state;
        this.value = value;
    }

    static <T> Field<T> absent(String path, Problems problems) {
        return new Field<>(path, problems, State.ABSENT, null);
    }

    static <T> Field<T> invalid(String path, Problems problems) {
        return new Field<>(path, problems, State.INVALID, null);
    }

    static <T> Field<T> of(String path, Problems problems, T value) {
        return new Field<>(path, problems, State.PRESENT, Objects.requireNonNull(value));
    }

    /** Reports {@code rule}'s message if the value fails it. */
    Field<T> check(Rule<? super T> rule) {
        if (state == State.PRESENT && !rule.test().test(value)) {
            problems.add(path, rule.message().apply(value));
            return invalid(path, problems);
        }
        return this;
    }

    /** Converts the value; an {@link IllegalArgumentException} from {@code parser} is reported as the problem. */
    <R> Field<R> parse(Function<? super T, ? extends R> parser) {
        if (state != State.PRESENT) {
            return new Field<>(path, problems, state, null);
        }
        try {
            return of(path, problems, parser.apply(value));
        } catch (IllegalArgumentException e) {
            problems.add(path, e.getMessage());
            return invalid(path, problems);
        }
    }

    /** The value; reports {@code required; <howTo>} if the field is absent. */
    Optional<T> required(String howTo) {
        if (state == State.ABSENT) {
            problems.add(path, "required; " + howTo);
        }
        return optional();
    }

    /** The value, or {@code fallback} if absent or invalid (an invalid value has already been reported). */
    T orElse(T fallback) {
        return state == State.PRESENT ? value : fallback;
    }

    Optional<T> optional() {
        return Optional.ofNullable(value);
    }
}
