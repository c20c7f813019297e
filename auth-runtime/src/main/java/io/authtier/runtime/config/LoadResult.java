package io.authtier.runtime.config;

import java.util.List;
import java.util.Objects;

/** What loading a configuration file gives: a configuration to run with, or every problem found. */
public sealed interface LoadResult {

    /** The file is valid; {@code config} holds every value with defaults applied. */
    record Loaded(RuntimeConfig config) implements LoadResult {
        public Loaded {
            Objects.requireNonNull(config, "config");
        }
    }

    /** The file is not valid; {@code problems} lists all that were found, in file order. */
    record Invalid(List<ConfigProblem> problems) implements LoadResult {
        public Invalid {
            problems = List.copyOf(problems);
            if (problems.isEmpty()) {
                throw new IllegalArgumentException("an invalid configuration has at least one problem");
            }
        }
    }
}
