package io.authtier.operator.cli;

import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.exc.InputCoercionException;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Jackson's complaints about a document, in the words of its YAML: the field's path, what belongs
 * there and what was found, and the fix. People write YAML; Java class names and Jackson's creator
 * jargon tell them nothing.
 */
final class YamlProblems {
  /** Edits between a misspelt name and the one meant, such as audience for audiences; fewer for short names. */
  private static final int NEAR = 2;

  private final ObjectMapper mapper;
  private final JavaType root;

  YamlProblems(ObjectMapper mapper, Class<?> root) {
    this.mapper = mapper;
    this.root = mapper.constructType(root);
  }

  /** `spec.issuers[0].audiences: expected a list of strings, got a string`. */
  String describe(JsonMappingException e, JsonNode document) {
    var refs = e.getPath();
    var path = path(refs);
    if (e instanceof UnrecognizedPropertyException unknown) {
      return unknownField(path, unknown.getPropertyName(), unknown.getKnownPropertyIds());
    }
    var node = document;
    for (var ref : refs) {
      node = ref.getFieldName() != null ? node.path(ref.getFieldName()) : node.path(ref.getIndex());
    }
    if (e.getCause() instanceof InputCoercionException outOfRange) {
      return path + ": " + outOfRangeNumber(node, outOfRange.getTargetType());
    }
    if (!(e instanceof MismatchedInputException mismatch)) {
      return path + ": " + firstLine(e.getOriginalMessage());
    }
    var type = typeAt(refs).orElseGet(() -> mismatch.getTargetType() == null ? null : mapper.constructType(mismatch.getTargetType()));
    if (type == null) {
      return path + ": " + firstLine(e.getOriginalMessage());
    }
    if (type.isEnumType() && node.isTextual()) {
      var values = Arrays.stream(type.getRawClass().getEnumConstants()).map(Object::toString).toList();
      return path + ": must be one of " + String.join(", ", values) + nearest(node.asText(), values).map(v -> " (did you mean '" + v + "'?)").orElse("");
    }
    return path + ": expected " + expected(type) + ", got " + found(node);
  }

  /** `99999999999 is too large: this field holds an integer of at most 2147483647`. */
  private static String outOfRangeNumber(JsonNode node, Class<?> target) {
    boolean isLong = target == Long.class || target == long.class;
    var negative = node.isNumber() ? node.bigIntegerValue().signum() < 0 : node.asText().startsWith("-");
    var value = node.isMissingNode() ? "the number" : node.asText();
    return negative
        ? value + " is too small: this field holds an integer of at least " + (isLong ? Long.MIN_VALUE : Integer.MIN_VALUE)
        : value + " is too large: this field holds an integer of at most " + (isLong ? Long.MAX_VALUE : Integer.MAX_VALUE);
  }

  /** `spec.runtime.bogus: unknown field 'bogus'; did you mean ...`, or the fields that belong there. */
  static String unknownField(String path, String name, Collection<Object> known) {
    var names = known.stream().map(Object::toString).sorted().toList();
    return path + ": unknown field '" + name + "'" + nearest(name, names)
        .map(n -> "; did you mean '" + n + "'?")
        .orElseGet(() -> "; known fields here: " + String.join(", ", names));
  }

  /**
   * The path of {@code name} in the mapping the parser is in, such as spec.issuers: the parser's own
   * position names the key before it.
   */
  static String siblingPath(JsonStreamContext context, String name) {
    var parent = path(context.getParent());
    return parent.isEmpty() ? name : parent + "." + name;
  }

  /** The path of the parser's position, such as spec.issuers[0].audience. */
  private static String path(JsonStreamContext context) {
    var parts = new ArrayDeque<String>();
    for (var c = context; c != null && !c.inRoot(); c = c.getParent()) {
      if (c.inArray()) {
        parts.push("[" + Math.max(c.getCurrentIndex(), 0) + "]");
      } else if (c.getCurrentName() != null) {
        parts.push("." + c.getCurrentName());
      }
    }
    return String.join("", parts).replaceFirst("^\\.", "");
  }

  static String path(List<JsonMappingException.Reference> refs) {
    return refs.stream()
        .map(ref -> ref.getFieldName() != null ? "." + ref.getFieldName() : "[" + ref.getIndex() + "]")
        .collect(Collectors.joining()).replaceFirst("^\\.", "");
  }

  /** The declared type at a path of the model, when every step names a known property or an item. */
  private Optional<JavaType> typeAt(List<JsonMappingException.Reference> refs) {
    var type = root;
    for (var ref : refs) {
      if (ref.getFieldName() == null) {
        if (type.getContentType() == null) {
          return Optional.empty();
        }
        type = type.getContentType();
      } else if (type.isMapLikeType()) {
        type = type.getContentType();
      } else {
        var description = mapper.getDeserializationConfig().introspect(type);
        var property = description.findProperties().stream().filter(p -> p.getName().equals(ref.getFieldName())).findFirst();
        if (property.isEmpty()) {
          return Optional.empty();
        }
        type = property.get().getPrimaryType();
      }
    }
    return Optional.of(type);
  }

  private static String expected(JavaType type) {
    var raw = type.getRawClass();
    if (CharSequence.class.isAssignableFrom(raw)) {
      return "a string";
    }
    if (raw == Integer.class || raw == int.class || raw == Long.class || raw == long.class || raw == Short.class) {
      return "an integer";
    }
    if (Number.class.isAssignableFrom(raw) || raw == double.class || raw == float.class) {
      return "a number";
    }
    if (raw == Boolean.class || raw == boolean.class) {
      return "true or false";
    }
    if (type.isEnumType()) {
      return "one of " + Arrays.stream(raw.getEnumConstants()).map(Object::toString).collect(Collectors.joining(", "));
    }
    if (type.isCollectionLikeType() || type.isArrayType()) {
      var item = expected(type.getContentType());
      // "a string" -> "strings"; enums: "a list of (one of A, B)" reads badly, so name the values once
      return type.getContentType().isEnumType() ? "a list, each item " + item : "a list of " + item.replaceFirst("^an? ", "") + "s";
    }
    return "an object";
  }

  private static String found(JsonNode node) {
    if (node.isMissingNode() || node.isNull()) {
      return "nothing";
    }
    if (node.isTextual()) {
      return "a string";
    }
    if (node.isIntegralNumber()) {
      return "a number";
    }
    if (node.isNumber()) {
      return "a decimal number";
    }
    if (node.isBoolean()) {
      return node.asText();
    }
    return node.isArray() ? "a list" : "an object";
  }

  /** The candidate meant, if one is the same but for case or a couple of letters. */
  static Optional<String> nearest(String given, Collection<String> candidates) {
    var lower = given.toLowerCase(Locale.ROOT);
    var near = Math.min(NEAR, given.length() / 3);
    return candidates.stream()
        .filter(c -> distance(lower, c.toLowerCase(Locale.ROOT)) <= near)
        .min(Comparator.comparingInt(c -> distance(lower, c.toLowerCase(Locale.ROOT))));
  }

  private static int distance(String a, String b) {
    var previous = new int[b.length() + 1];
    var current = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      previous[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      current[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        var substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
        current[j] = Math.min(substitution, Math.min(previous[j], current[j - 1]) + 1);
      }
      var swap = previous;
      previous = current;
      current = swap;
    }
    return previous[b.length()];
  }

  static String firstLine(String message) {
    if (message == null) {
      return "unreadable";
    }
    var first = message.lines().findFirst().orElse(message);
    // SnakeYAML names a tab ("found character '\t(TAB)' that cannot start any token") on a later line: say it plainly.
    return message.contains("(TAB)") ? first + " (a tab: YAML indents with spaces only)" : first;
  }
}
