package io.authtier.operator.redisadmin;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Optional;

/**
 * The password of the Redis nodes, or none. Held as characters, never printed: {@link #toString()} is a
 * mask, and there is no equals that would compare it.
 */
public final class RedisPassword {

  private static final RedisPassword NONE = new RedisPassword(null);

  private final char[] chars;

  private RedisPassword(char[] chars) {
    this.chars = chars;
  }

  public static RedisPassword none() {
    return NONE;
  }

  /** Copies the characters; the caller may clear its array. */
  public static RedisPassword of(char[] password) {
    if (password == null || password.length == 0) {
      return NONE;
    }
    return new RedisPassword(password.clone());
  }

  /** Reads a mounted Secret file (UTF-8); a trailing newline is dropped. */
  public static RedisPassword fromFile(Path file) {
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (IOException e) {
      throw new IllegalStateException("Cannot read the Redis password file " + file + ": " + e.getMessage(), e);
    }
    CharBuffer decoded = StandardCharsets.UTF_8.decode(ByteBuffer.wrap(bytes));
    Arrays.fill(bytes, (byte) 0);
    int length = decoded.remaining();
    while (length > 0 && (decoded.get(length - 1) == '\n' || decoded.get(length - 1) == '\r')) {
      length--;
    }
    char[] chars = new char[length];
    decoded.get(chars, 0, length);
    return chars.length == 0 ? NONE : new RedisPassword(chars);
  }

  /** A copy of the characters, for the Redis client. */
  Optional<char[]> chars() {
    return Optional.ofNullable(chars).map(char[]::clone);
  }

  @Override
  public String toString() {
    return chars == null ? "RedisPassword[none]" : "RedisPassword[****]";
  }
}
