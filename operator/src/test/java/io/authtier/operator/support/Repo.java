package io.authtier.operator.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Paths in the repository, from the operator module where Surefire runs. */
public final class Repo {
  private Repo() {}

  /** The nearest folder, from where the JVM runs up, that holds samples/ and crds/. */
  public static Path root() {
    for (var dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      if (Files.isDirectory(dir.resolve("samples")) && Files.isDirectory(dir.resolve("crds"))) {
        return dir;
      }
    }
    throw new IllegalStateException("run from within the repository: no folder above holds samples/ and crds/");
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
