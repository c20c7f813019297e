package io.authtier.operator.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Paths in the repository, from the operator module where Surefire runs. */
public final class Repo {
  private Repo() {}

  public static Path root() {
    return Path.of("..").toAbsolutePath().normalize();
  }

  public static List<Path> samples() {
    try (var files = Files.list(root().resolve("samples"))) {
      return files.filter(p -> p.toString().endsWith(".yaml")).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static Path sample(String name) {
    return root().resolve("samples").resolve(name);
  }
}
