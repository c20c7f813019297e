package io.authtier.operator.install;

import static io.authtier.operator.install.InstallFiles.CRDS;
import static io.authtier.operator.install.InstallFiles.CRD_FILE;
import static io.authtier.operator.install.InstallFiles.MANIFESTS;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Namespaced;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** manifests/ and crds/ as kustomize and the API server would take them. */
@DisplayName("The install manifests")
class ManifestsTest {
  static final String NAMESPACE = "authtier-system";

  static List<Path> manifests() {
    return InstallFiles.manifests();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("manifests")
  @DisplayName("Every file in manifests/ is YAML of Kubernetes objects that the model knows, with no unknown field")
  void everyFileParses(Path file) {
    // Given a file of manifests/
    assertThat(file.getFileName().toString()).as("kustomize and the tests take *.yaml").endsWith(".yaml");

    // When it is read with the fabric8 model
    var objects = InstallFiles.objects(file);

    // Then it holds typed, named objects, each field of which the model recognises
    assertThat(objects).isNotEmpty().allSatisfy(object -> {
      assertThat(object).as("kind %s/%s is unknown to the model", object.getApiVersion(), object.getKind())
          .isNotInstanceOf(GenericKubernetesResource.class);
      assertThat(object.getMetadata().getName()).isNotBlank();
      assertThat(InstallFiles.unknownFields(object, object.getKind())).as("unknown fields").isEmpty();
    });
  }

  @Test
  @DisplayName("The kustomization lists ../crds and every file in manifests/, and puts objects in authtier-system")
  void kustomizationListsEveryFile() {
    // Given manifests/kustomization.yaml
    var kustomization = InstallFiles.kustomization(MANIFESTS);

    // When its resources are read
    var resources = strings(kustomization.path("resources"));

    // Then they are the CRD directory and every other file, each once
    var expected = new ArrayList<String>();
    expected.add("../crds");
    manifests().forEach(file -> expected.add(file.getFileName().toString()));
    assertThat(resources).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(expected);
    assertThat(kustomization.path("namespace").asText()).isEqualTo(NAMESPACE);
  }

  @Test
  @DisplayName("crds/kustomization.yaml lists the AuthTier CRD, and the CRD is there")
  void crdKustomizationListsTheCrd() {
    // Given crds/kustomization.yaml
    var kustomization = InstallFiles.kustomization(CRDS);

    // When its resources are read
    var resources = strings(kustomization.path("resources"));

    // Then it names the CRD file, which exists
    assertThat(resources).containsExactly(CRD_FILE);
    assertThat(CRDS.resolve(CRD_FILE)).as("generated from the model and committed from the operator's tree")
        .isRegularFile();
  }

  @Test
  @DisplayName("Every object carries the labels app.kubernetes.io/name=authtier-operator and part-of=authtier")
  void everyObjectIsLabelled() {
    // Given every object of manifests/
    var objects = InstallFiles.allObjects();

    // Then each carries the two labels
    assertThat(objects).allSatisfy(object -> assertThat(object.getMetadata().getLabels())
        .as(describe(object))
        .containsEntry("app.kubernetes.io/name", "authtier-operator")
        .containsEntry("app.kubernetes.io/part-of", "authtier"));
  }

  @Test
  @DisplayName("Namespaced objects name authtier-system, so that a file applied on its own lands there too")
  void namespacedObjectsNameTheNamespace() {
    // Given the namespaced objects of manifests/
    var namespaced = InstallFiles.allObjects().stream().filter(Namespaced.class::isInstance).toList();

    // Then each names authtier-system
    assertThat(namespaced).isNotEmpty().allSatisfy(object -> assertThat(object.getMetadata().getNamespace())
        .as(describe(object)).isEqualTo(NAMESPACE));
  }

  @Test
  @DisplayName("authtier-system enforces the Pod Security Standard restricted")
  void namespaceEnforcesRestricted() {
    // Given the Namespace of manifests/
    var namespace = InstallFiles.only(Namespace.class);

    // Then it is authtier-system, and Pod Security Admission enforces restricted there
    assertThat(namespace.getMetadata().getName()).isEqualTo(NAMESPACE);
    assertThat(namespace.getMetadata().getLabels()).containsEntry("pod-security.kubernetes.io/enforce", "restricted");
  }

  static String describe(HasMetadata object) {
    return object.getKind() + " " + object.getMetadata().getName();
  }

  private static List<String> strings(JsonNode array) {
    var values = new ArrayList<String>();
    array.forEach(value -> values.add(value.asText()));
    return values;
  }
}
