package io.authtier.operator.spec;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Route path prefixes in the normal form the runtime requires: a request path is normalised before it is
 * matched, so a prefix with {@code %}-escapes, {@code ;}, {@code //}, {@code .} or {@code ..} would never
 * match what it seems to guard. The problem names the normalised prefix to write instead.
 */
final class PathPrefixes {
  private PathPrefixes() {}

  static Optional<String> problem(String prefix) {
    if (prefix == null || !prefix.matches("^/[^?#\\s]*$")) {
      return Optional.of("must be a path that starts with '/', without query or spaces, such as /admin");
    }
    boolean dotSegment = ("/" + prefix + "/").contains("/./") || ("/" + prefix + "/").contains("/../");
    if (!prefix.contains("%") && !prefix.contains(";") && !prefix.contains("//") && !dotSegment) {
      return Optional.empty();
    }
    return Optional.of("'" + prefix + "' is not in normal form (no %-escapes, ';', repeated slashes, '.' or '..' segments); "
        + normalised(prefix).map(n -> "write '" + n + "'").orElse("write the path as the application sees it, such as /admin"));
  }

  /**
   * The paths a prefix guards in the runtime, as one key: "/vault/" guards "/vault" too ("/" stays "/"), and the
   * runtime matches without letter case or the dots and spaces at the end of a segment, so "/Vault." is the same.
   */
  static String guarded(String prefix) {
    var path = prefix.length() > 1 && prefix.endsWith("/") ? prefix.substring(0, prefix.length() - 1) : prefix;
    return Arrays.stream(path.toLowerCase(Locale.ROOT).split("/", -1))
        .map(segment -> segment.replaceAll("[. ]+$", ""))
        .collect(Collectors.joining("/"));
  }

  /** Escapes decoded, ';' parameters dropped, empty and dot segments resolved; empty if that is still not normal. */
  static Optional<String> normalised(String prefix) {
    String decoded;
    try {
      decoded = URLDecoder.decode(prefix.replace("+", "%2B"), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      decoded = prefix;
    }
    var segments = new ArrayDeque<String>();
    for (var segment : decoded.split("/")) {
      int semicolon = segment.indexOf(';');
      var name = semicolon < 0 ? segment : segment.substring(0, semicolon);
      if (name.equals("..")) {
        segments.pollLast();
      } else if (!name.isEmpty() && !name.equals(".")) {
        segments.addLast(name);
      }
    }
    var normal = "/" + String.join("/", segments) + (decoded.endsWith("/") && !segments.isEmpty() ? "/" : "");
    boolean clean = normal.matches("^/[^?#\\s%;]*$") && !normal.contains("//");
    return clean ? Optional.of(normal) : Optional.empty();
  }
}
