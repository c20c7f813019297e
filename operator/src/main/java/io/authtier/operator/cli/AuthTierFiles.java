package io.authtier.operator.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.authtier.operator.api.v1alpha1.AuthTier;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Reads YAML files as `kubectl apply -f` would take them: several documents, AuthTiers and the
 * Secrets they reference. Unknown and mistyped fields are errors that name their path, where the
 * API server would silently prune them.
 */
public final class AuthTierFiles {

  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory())
      .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
      .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);

  /** Where `kubectl apply -f` puts an object without metadata.namespace (with the usual kubeconfig). */
  public static final String DEFAULT_NAMESPACE = "default";

  /** The documents of a file: AuthTiers and Secrets, in order. */
  public record Contents(List<AuthTier> tiers, List<Secret> secrets) {
    public Contents {
      tiers = List.copyOf(tiers);
      secrets = List.copyOf(secrets);
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

  public static Contents read(Path file) throws InvalidFileException {
    if (Files.isDirectory(file)) {
      throw new InvalidFileException(List.of(file + ": is a directory; name a YAML file, e.g. " + file.resolve("tier.yaml")));
    }
    List<JsonNode> documents;
    try (var parser = YAML.createParser(Files.newBufferedReader(file))) {
      documents = YAML.readValues(parser, JsonNode.class).readAll();
    } catch (NoSuchFileException e) {
      throw new InvalidFileException(List.of(file + ": no such file; check the path given to -f"));
    } catch (JsonProcessingException e) {
      // The parser's own message quotes the offending line, which may hold a Secret's value: only
      // its first line (what is wrong) and the position are repeated.
      var at = e.getLocation() == null ? "" : " at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr();
      throw new InvalidFileException(List.of(file + ": not valid YAML" + at + ": " + firstLine(e.getOriginalMessage())));
    } catch (IOException e) {
      throw new InvalidFileException(List.of(file + ": cannot read it: " + e.getClass().getSimpleName()));
    }
    var tiers = new ArrayList<AuthTier>();
    var secrets = new ArrayList<Secret>();
    var problems = new ArrayList<String>();
    for (int i = 0; i < documents.size(); i++) {
      var document = documents.get(i);
      if (document == null || document.isNull() || document.isEmpty()) {
        continue;
      }
      var where = documents.size() > 1 ? file + " (document " + (i + 1) + ")" : file.toString();
      var kind = document.path("kind").asText("");
      var apiVersion = document.path("apiVersion").asText("");
      try {
        if (kind.equals("AuthTier")) {
          if (!apiVersion.equals(AuthTier.GROUP + "/" + AuthTier.VERSION)) {
            problems.add(where + ": apiVersion: must be " + AuthTier.GROUP + "/" + AuthTier.VERSION + ", not '" + apiVersion + "'");
            continue;
          }
          tiers.add(YAML.treeToValue(document, AuthTier.class));
        } else if (kind.equals("Secret")) {
          var secret = new SecretBuilder(YAML.treeToValue(document, Secret.class)).build();
          secrets.add(secret);
        } else {
          problems.add(where + ": kind: expected AuthTier or Secret, found '" + kind + "'");
        }
      } catch (JsonMappingException e) {
        problems.add(where + ": " + describe(e));
      } catch (IOException e) {
        problems.add(where + ": " + firstLine(e.getMessage()));
      }
    }
    if (tiers.isEmpty() && problems.isEmpty()) {
      problems.add(file + ": has no AuthTier (apiVersion " + AuthTier.GROUP + "/" + AuthTier.VERSION + ", kind AuthTier)");
    }
    if (!problems.isEmpty()) {
      throw new InvalidFileException(problems);
    }
    return new Contents(tiers, secrets);
  }

  /** `spec.issuers[0].audience: unknown field; known fields: ...`. */
  static String describe(JsonMappingException e) {
    var path = e.getPath().stream()
        .map(ref -> ref.getFieldName() != null ? "." + ref.getFieldName() : "[" + ref.getIndex() + "]")
        .collect(Collectors.joining()).replaceFirst("^\\.", "");
    if (e instanceof UnrecognizedPropertyException unknown) {
      var known = unknown.getKnownPropertyIds().stream().map(Object::toString).sorted().collect(Collectors.joining(", "));
      return path + ": unknown field; known fields here: " + known;
    }
    return path + ": " + firstLine(e.getOriginalMessage());
  }

  private static String firstLine(String message) {
    if (message == null) {
      return "unreadable";
    }
    var line = message.lines().findFirst().orElse(message);
    // Jackson names Java types; people know the YAML ones.
    return line.replaceAll("`java\\.lang\\.(Integer|Long)`", "integer")
        .replaceAll("`java\\.lang\\.Boolean`", "boolean")
        .replaceAll("`java\\.lang\\.String`", "string")
        .replaceAll("`io\\.authtier\\.[\\w.$]+`", "value");
  }
}
