package io.authtier.operator.redisadmin;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@DisplayName("RedisPassword")
class RedisPasswordTest {

  @Test
  @DisplayName("reads a mounted Secret file without its trailing newline and never prints it")
  void readsFileAndMasks(@TempDir Path dir) throws Exception {
    // Given a password file as a Secret volume holds it
    Path file = Files.writeString(dir.resolve("password"), "correct horse\n");

    // When it is read
    RedisPassword password = RedisPassword.fromFile(file);

    // Then the characters are exact and the printed form is a mask
    assertThat(password.chars()).hasValueSatisfying(c -> assertThat(new String(c)).isEqualTo("correct horse"));
    assertThat(password).hasToString("RedisPassword[****]");
    assertThat(RedisPassword.fromFile(Files.writeString(dir.resolve("empty"), "\n")).chars()).isEmpty();
    assertThat(RedisPassword.none()).hasToString("RedisPassword[none]");
  }
}
