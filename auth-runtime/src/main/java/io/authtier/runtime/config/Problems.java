package io.authtier.runtime.config;

import java.util.ArrayList;
import java.util.List;

/** Collects the problems of one load, so that all of them are reported rather than the first. */
final class Problems {

    private final List<ConfigProblem> problems = new ArrayList<>();

    void add(String path, String message) {
        problems.add(new ConfigProblem(path, message));
    }

    void addAll(List<ConfigProblem> more) {
        problems.addAll(more);
    }

    int count() {
        return problems.size();
    }

    List<ConfigProblem> all() {
        return List.copyOf(problems);
    }
}
