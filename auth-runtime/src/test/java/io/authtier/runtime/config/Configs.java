package io.authtier.runtime.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Configuration files and secret files for tests, and the two ways a load can end. */
final class Configs {

    /** The smallest valid file: one issuer. */
    static final String MINIMAL = """
            issuers:
            - name: main
              issuerUrl: https://keycloak.example.com/realms/shop
              audiences: [shop-api]
            """;

    private Configs() {
    }

    /** The problems of loading {@code yaml}; fails the test if it loads. */
    static List<ConfigProblem> problemsOf(String yaml) {
        LoadResult result = new RuntimeConfigLoader().parse(yaml);
        assertThat(result).as("loading:%n%s", yaml).isInstanceOf(LoadResult.Invalid.class);
        return ((LoadResult.Invalid) result).problems();
    }

    /** The configuration loaded from {@code yaml}; fails the test with the problems if it does not load. */
    static RuntimeConfig configOf(String yaml) {
        return switch (new RuntimeConfigLoader().parse(yaml)) {
            case LoadResult.Loaded(RuntimeConfig config) -> config;
            case LoadResult.Invalid(List<ConfigProblem> problems) -> fail("expected a valid configuration, got %s for:%n%s", problems, yaml);
        };
    }

    /** Writes {@code content} to {@code dir/name} and returns the file. */
    static Path secretFile(Path dir, String name, String content) {
        try {
            return Files.writeString(dir.resolve(name), content);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A file of 32 or more bytes, as a cookie signing key needs. */
    static Path signingKey(Path dir, String name) {
        return secretFile(dir, name, "k".repeat(40));
    }
}
