package io.authtier.operator.support;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Compares output with a committed file. `-Dauthtier.update-golden=true` rewrites the files instead;
 * review the diff before committing it.
 */
public final class Golden {
  public static final String UPDATE = "authtier.update-golden";

  private Golden() {}

  public static void assertMatches(Path expected, String actual) {
    try {
      if (Boolean.getBoolean(UPDATE)) {
        Files.createDirectories(expected.getParent());
        Files.writeString(expected, actual);
        return;
      }
      assertThat(expected).as("%s is missing; run the tests with -D%s=true to write it", expected, UPDATE).exists();
      assertThat(actual)
          .as("%s is stale; run `mvn -pl operator test -D%s=true`, then review and commit the diff", expected, UPDATE)
          .isEqualTo(Files.readString(expected));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
