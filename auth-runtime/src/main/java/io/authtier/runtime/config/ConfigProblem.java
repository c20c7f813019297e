package io.authtier.runtime.config;

import java.util.Objects;

/**
 * One thing wrong with a configuration file: where, and what to do about it.
 *
 * @param path    the field, e.g. {@code issuers[0].audiences}; empty for the document as a whole
 *                (not YAML at all, or not a mapping)
 * @param message what is wrong and how to fix it; never holds secret values
 */
public record ConfigProblem(String path, String message) {

    public ConfigProblem {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(message, "message");
    }

    /** {@code path: message}, or the message alone for a document-level problem. */
    @Override
    public String toString() {
        return path.isEmpty() ? message : path + ": " + message;
    }
}
