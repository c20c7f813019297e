package io.authtier.operator.install;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KubernetesResource;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/** The install files of the repository (manifests/ and crds/), read as fabric8 model objects. */
final class InstallFiles {
  /** Surefire runs in the operator module's directory. */
  static final Path ROOT = io.authtier.operator.support.Repo.root();
  static final Path MANIFESTS = ROOT.resolve("manifests");
  static final Path CRDS = ROOT.resolve("crds");
  static final String KUSTOMIZATION = "kustomization.yaml";
  static final String CRD_FILE = "authtiers.authtier.io.yaml";

  private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  private InstallFiles() {}

  /** Every file in manifests/ but its kustomization, by name. */
  static List<Path> manifests() {
    try (Stream<Path> files = Files.list(MANIFESTS)) {
      return files.filter(file -> !file.getFileName().toString().equals(KUSTOMIZATION))
          .sorted(Comparator.comparing(Path::toString))
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The objects of one file; a file may hold several YAML documents. */
  static List<HasMetadata> objects(Path file) {
    try (var in = Files.newInputStream(file)) {
      Object parsed = SERIALIZATION.unmarshal(in);
      var objects = new ArrayList<HasMetadata>();
      for (Object object : parsed instanceof List<?> list ? list : List.of(parsed)) {
        objects.add((HasMetadata) object);
      }
      return objects;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static List<HasMetadata> allObjects() {
    return manifests().stream().flatMap(file -> objects(file).stream()).toList();
  }

  /** The one object of this kind in manifests/. */
  static <T extends HasMetadata> T only(Class<T> kind) {
    var found = allObjects().stream().filter(kind::isInstance).map(kind::cast).toList();
    if (found.size() != 1) {
      throw new AssertionError("expected one " + kind.getSimpleName() + " in manifests/, found " + found.size());
    }
    return found.getFirst();
  }

  static JsonNode kustomization(Path directory) {
    try {
      return YAML.readTree(directory.resolve(KUSTOMIZATION).toFile());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Fields that the fabric8 model did not recognise, such as a misspelt `readOnlyRootFileSystem`: the
   * model keeps them aside as additional properties instead of failing, and so would the API server
   * with a warning. Paths are JSON-like, e.g. `spec.template.spec.containers[0].securityContext.foo`.
   */
  static List<String> unknownFields(Object value, String path) {
    var found = new ArrayList<String>();
    switch (value) {
      case null -> { }
      case List<?> list -> {
        for (int i = 0; i < list.size(); i++) {
          found.addAll(unknownFields(list.get(i), path + "[" + i + "]"));
        }
      }
      case Map<?, ?> map -> map.forEach((key, item) -> found.addAll(unknownFields(item, path + "." + key)));
      case KubernetesResource resource -> {
        for (Method getter : modelGetters(resource.getClass())) {
          var child = invoke(getter, resource);
          if (getter.getName().equals("getAdditionalProperties")) {
            ((Map<?, ?>) child).keySet().forEach(key -> found.add(path + "." + key));
          } else {
            found.addAll(unknownFields(child, path + "." + propertyName(getter)));
          }
        }
      }
      default -> { }
    }
    return found;
  }

  private static List<Method> modelGetters(Class<?> type) {
    return Arrays.stream(type.getMethods())
        .filter(method -> method.getName().startsWith("get") && method.getParameterCount() == 0)
        .filter(method -> !Modifier.isStatic(method.getModifiers()))
        .filter(method -> !method.getDeclaringClass().equals(Object.class))
        .sorted(Comparator.comparing(Method::getName))
        .toList();
  }

  private static Object invoke(Method getter, Object target) {
    try {
      return getter.invoke(target);
    } catch (IllegalAccessException | InvocationTargetException e) {
      throw new IllegalStateException("cannot read " + getter, e);
    }
  }

  private static String propertyName(Method getter) {
    var name = getter.getName().substring(3);
    return Character.toLowerCase(name.charAt(0)) + name.substring(1);
  }
}
