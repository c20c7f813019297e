package io.authtier.operator.cli;

import com.fasterxml.jackson.annotation.JsonSetter;
import com.fasterxml.jackson.annotation.Nulls;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.type.LogicalType;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.authtier.operator.api.v1alpha1.AuthTier;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Reads YAML files as `kubectl apply -f` would take them: several documents, AuthTiers and the
 * Secrets they reference. Unknown and mistyped fields are errors that name their path, where the
 * API server would silently prune them.
 */
public final class AuthTierFiles {
  /** Unknown fields reported per document before giving up: each costs one more read. */
  private static final int MAX_UNKNOWN_FIELDS = 20;
  private static final Pattern DUPLICATE_KEY = Pattern.compile("Duplicate field '(.*)'");

  /**
   * As strict as the API server with the CRD's schema: a key given twice, a number where a string
   * belongs (or the reverse), a decimal for an integer, or an empty list item is an error, where
   * Jackson by default would take the last key, coerce the scalar, or fail on the null in a way that
   * names the wrong field.
   */
  private static final ObjectMapper YAML = YAMLMapper.builder(YAMLFactory.builder()
          .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build())
      .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
      .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
      .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
      .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
      .withCoercionConfig(LogicalType.Textual, config -> config
          .setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
          .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
          .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail))
      .defaultSetterInfo(JsonSetter.Value.forContentNulls(Nulls.FAIL))
      .build();

  /** Where `kubectl apply -f` puts an object without metadata.namespace (with the usual kubeconfig). */
  public static final String DEFAULT_NAMESPACE = "default";

  /**
   * The documents of a file: AuthTiers and Secrets, in order, and a line for each object of another
   * kind that was passed over.
   */
  public record Contents(List<AuthTier> tiers, List<Secret> secrets, List<String> skipped) {
    public Contents {
      tiers = List.copyOf(tiers);
      secrets = List.copyOf(secrets);
      skipped = List.copyOf(skipped);
    }

    /**
     * The Secret {@code name} in {@code namespace}: an AuthTier only ever reads Secrets of its own
     * namespace, so a same-named Secret elsewhere in the file must not satisfy it.
     */
    public Optional<Secret> secret(String namespace, String name) {
      return secrets.stream()
          .filter(s -> s.getMetadata() != null && name.equals(s.getMetadata().getName()) && namespaceOf(s).equals(namespaceOf(namespace)))
          .findFirst();
    }
  }

  /** The namespace an object lands in when applied: its own, or the default one. */
  public static String namespaceOf(HasMetadata object) {
    return namespaceOf(object.getMetadata() == null ? null : object.getMetadata().getNamespace());
  }

  private static String namespaceOf(String namespace) {
    return namespace == null || namespace.isBlank() ? DEFAULT_NAMESPACE : namespace;
  }

  /** A file that could not be read, with every problem found. */
  public static final class InvalidFileException extends Exception {
    private final List<String> problems;

    InvalidFileException(List<String> problems) {
      super(String.join("\n", problems));
      this.problems = List.copyOf(problems);
    }

    public List<String> problems() {
      return problems;
    }
  }

  private AuthTierFiles() {}

  /**
   * Reads {@code path}: one YAML file, or, as `kubectl apply -f DIR` does, every {@code .yaml} and
   * {@code .yml} file directly in a directory, in name order. Every problem of every file is reported.
   */
  public static Contents read(Path path) throws InvalidFileException {
    var files = Files.isDirectory(path) ? yamlFilesIn(path) : List.of(path);
    var found = new Found(new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
    var problems = new ArrayList<String>();
    // kubectl apply would apply both, the second overwriting the first: say which two collide.
    var seen = new HashMap<String, String>();
    for (var file : files) {
      readFile(file, found, problems, seen);
    }
    if (found.tiers().isEmpty() && problems.isEmpty()) {
      problems.add(path + ": has no AuthTier (apiVersion " + AuthTier.GROUP + "/" + AuthTier.VERSION + ", kind AuthTier)");
    }
    if (!problems.isEmpty()) {
      throw new InvalidFileException(problems);
    }
    return new Contents(found.tiers(), found.secrets(), found.skipped());
  }

  /** What the files hold so far, filled in as they are read. */
  private record Found(List<AuthTier> tiers, List<Secret> secrets, List<String> skipped) {}

  private static List<Path> yamlFilesIn(Path dir) throws InvalidFileException {
    try (var entries = Files.list(dir)) {
      var files = entries.filter(Files::isRegularFile)
          .filter(f -> f.getFileName().toString().endsWith(".yaml") || f.getFileName().toString().endsWith(".yml"))
          .sorted().toList();
      if (files.isEmpty()) {
        throw new InvalidFileException(List.of(dir + ": is a directory without a .yaml or .yml file; name a YAML file, e.g. "
            + dir.resolve("tier.yaml")));
      }
      return files;
    } catch (IOException e) {
      throw new InvalidFileException(List.of(dir + ": cannot list it: " + e.getClass().getSimpleName()));
    }
  }

  /** Adds what {@code file} holds to {@code found}, or what is wrong with it to {@code problems}. */
  private static void readFile(Path file, Found found, List<String> problems,
      Map<String, String> seen) {
    List<JsonNode> documents;
    try (var parser = YAML.createParser(Files.newBufferedReader(file))) {
      documents = YAML.readValues(parser, JsonNode.class).readAll();
    } catch (NoSuchFileException e) {
      problems.add(file + ": no such file; check the path given to -f");
      return;
    } catch (JsonProcessingException e) {
      // The parser's own message quotes the offending line, which may hold a Secret's value: only
      // its first line (what is wrong) and the position are repeated.
      var at = e.getLocation() == null ? "" : " at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr();
      var duplicate = DUPLICATE_KEY.matcher(YamlProblems.firstLine(e.getOriginalMessage()));
      problems.add(duplicate.matches() && e.getProcessor() instanceof JsonParser parser
          ? file + at + ": " + YamlProblems.siblingPath(parser.getParsingContext(), duplicate.group(1))
              + ": is given twice in the same mapping; keep one (otherwise the last one would silently win)"
          : file + ": not valid YAML" + at + ": " + YamlProblems.firstLine(e.getOriginalMessage()));
      return;
    } catch (IOException e) {
      problems.add(file + ": cannot read it: " + e.getClass().getSimpleName());
      return;
    }
    for (int i = 0; i < documents.size(); i++) {
      var document = documents.get(i);
      if (document == null || document.isNull() || document.isEmpty()) {
        continue;
      }
      var where = documents.size() > 1 ? file + " (document " + (i + 1) + ")" : file.toString();
      readDocument(document, where, found, problems, seen);
    }
  }

  /** One object, or the items of a {@code List} (what `kubectl get -o yaml` prints for several). */
  private static void readDocument(JsonNode document, String where, Found found, List<String> problems, Map<String, String> seen) {
    var kind = document.path("kind").asText("");
    var apiVersion = document.path("apiVersion").asText("");
    HasMetadata object;
    if (kind.equals("AuthTier")) {
      if (!apiVersion.equals(AuthTier.GROUP + "/" + AuthTier.VERSION)) {
        problems.add(where + ": apiVersion: must be " + AuthTier.GROUP + "/" + AuthTier.VERSION + ", not '" + apiVersion + "'");
        return;
      }
      var tier = parse(document, AuthTier.class, where, problems);
      tier.ifPresent(found.tiers()::add);
      object = tier.orElse(null);
    } else if (kind.equals("Secret")) {
      var secret = parse(document, Secret.class, where, problems).map(s -> new SecretBuilder(s).build());
      secret.ifPresent(found.secrets()::add);
      object = secret.orElse(null);
    } else if (kind.equals("List") && apiVersion.equals("v1")) {
      var items = document.path("items");
      for (int i = 0; i < items.size(); i++) {
        readDocument(items.get(i), where + " items[" + i + "]", found, problems, seen);
      }
      return;
    } else if (kind.isEmpty() || apiVersion.isEmpty()) {
      problems.add(where + ": " + (kind.isEmpty() ? "kind" : "apiVersion")
          + ": missing; every object needs apiVersion and kind, e.g. apiVersion: " + AuthTier.GROUP + "/" + AuthTier.VERSION + " and kind: AuthTier");
      return;
    } else if (apiVersion.startsWith(AuthTier.GROUP + "/")) {
      problems.add(where + ": kind: " + AuthTier.GROUP + " has one kind, AuthTier; found '" + kind + "'");
      return;
    } else {
      // A GitOps directory holds the app's other objects too: kubectl would apply them, render has nothing to add.
      found.skipped().add(where + ": " + kind + " " + nameOf(document) + " is not read (render reads AuthTier and Secret objects)");
      return;
    }
    if (object != null && object.getMetadata() != null && object.getMetadata().getName() != null) {
      var id = kind + " " + namespaceOf(object) + "/" + object.getMetadata().getName();
      var first = seen.putIfAbsent(id, where);
      if (first != null) {
        problems.add(where + ": " + id + " is already in " + first + "; give each object once, or give them different names");
      }
    }
  }

  private static String nameOf(JsonNode document) {
    var metadata = document.path("metadata");
    var name = metadata.path("name").asText("(no name)");
    return metadata.hasNonNull("namespace") ? metadata.path("namespace").asText() + "/" + name : name;
  }

  /**
   * The document as a {@code type}, or empty with its problems added: every unknown field, then the
   * first value of a wrong type (Jackson stops there). Each unknown field is reported and taken out
   * of a copy of the document, and the rest read again: a file with three typos needs one run, not three.
   */
  private static <T> Optional<T> parse(JsonNode document, Class<T> type, String where, List<String> problems) {
    var problemsHere = new ArrayList<String>();
    var remaining = document.deepCopy();
    var explain = new YamlProblems(YAML, type);
    T value = null;
    for (int attempt = 0; attempt <= MAX_UNKNOWN_FIELDS; attempt++) {
      try {
        value = YAML.treeToValue(remaining, type);
        break;
      } catch (UnrecognizedPropertyException e) {
        problemsHere.add(explain.describe(e, remaining));
        if (!(parentOf(remaining, e) instanceof ObjectNode parent)) {
          break;
        }
        parent.remove(e.getPropertyName());
      } catch (JsonMappingException e) {
        problemsHere.add(explain.describe(e, remaining));
        break;
      } catch (IOException e) {
        problemsHere.add(YamlProblems.firstLine(e.getMessage()));
        break;
      }
    }
    problemsHere.forEach(p -> problems.add(where + ": " + p));
    return problemsHere.isEmpty() ? Optional.ofNullable(value) : Optional.empty();
  }

  /** The mapping that holds the unknown field. */
  private static JsonNode parentOf(JsonNode document, UnrecognizedPropertyException e) {
    var refs = e.getPath();
    var node = document;
    for (var ref : refs.subList(0, refs.size() - 1)) {
      node = ref.getFieldName() != null ? node.path(ref.getFieldName()) : node.path(ref.getIndex());
    }
    return node;
  }
}
