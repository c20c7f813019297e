package io.authtier.operator.docs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.authtier.operator.support.CrdFile;
import io.authtier.operator.support.Golden;
import io.authtier.operator.support.Repo;
import java.io.IOException;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** docs/api-reference.md is rendered from the committed CRD, and kept in step with it. */
@DisplayName("The AuthTier API reference")
class ApiReferenceTest {
  private static final String CRD = "crds/authtiers.authtier.io.yaml";
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  @Test
  @DisplayName("docs/api-reference.md is what the committed CRD renders to")
  void referenceMatchesTheCrd() throws IOException {
    // Given the committed CRD
    var crd = CrdFile.committed();

    // When the reference is rendered from it
    var rendered = ApiReference.render(YAML.readTree(crd.toFile()), CRD);

    // Then it is the committed reference (or becomes it, with -Dauthtier.update-golden=true)
    Golden.assertMatches(Repo.root().resolve("docs/api-reference.md"), rendered);
  }

  @Test
  @DisplayName("A field's row gives its path, type, default, validation and description")
  void fieldRow() throws IOException {
    // Given a CRD with one constrained field
    var crd = crd("""
        properties:
          mode:
            default: Standalone
            description: How Redis runs.
            enum: [Cluster, Standalone]
            type: string
          replicas:
            description: Pods.
            minimum: 1.0
            maximum: 10.0
            type: integer
        required: [mode]
        type: object
        """);

    // When it is rendered
    var reference = ApiReference.render(crd, "test.yaml");

    // Then each field is a row of its section's table
    assertThat(reference)
        .contains("| `spec.mode` | string | `Standalone` | required; one of `Cluster`, `Standalone` | How Redis runs. |")
        .contains("| `spec.replicas` | integer |  | 1 to 10 | Pods. |");
  }

  @Test
  @DisplayName("Lists, maps and int-or-string values get readable types, and list items get their own rows")
  void compositeTypes() throws IOException {
    // Given a CRD with a list of objects, a list of strings, and a map of quantities
    var crd = crd("""
        properties:
          issuers:
            items:
              properties:
                name: {type: string, maxLength: 40}
              required: [name]
              type: object
            minItems: 1
            type: array
          audiences:
            items: {type: string, pattern: "^[a-z]+$"}
            maxItems: 16
            type: array
          limits:
            additionalProperties:
              anyOf: [{type: integer}, {type: string}]
              x-kubernetes-int-or-string: true
            type: object
        type: object
        """);

    // When it is rendered
    var reference = ApiReference.render(crd, "test.yaml");

    // Then the types read as words, and item fields are under []
    assertThat(reference)
        .contains("| `spec.issuers` | array of object |  | at least 1 item |")
        .contains("| `spec.issuers[].name` | string |  | required; at most 40 characters |")
        .contains("| `spec.audiences` | array of string |  | at most 16 items; each pattern `^[a-z]+$` |")
        .contains("| `spec.limits` | map of integer or string |");
  }

  @Test
  @DisplayName("CEL rules are listed with their field and message, and the field links to them")
  void celRules() throws IOException {
    // Given a CRD with a rule on a section
    var crd = crd("""
        properties:
          autoscaling:
            properties:
              minReplicas: {type: integer}
              maxReplicas: {type: integer}
            type: object
            x-kubernetes-validations:
            - message: minReplicas must not exceed maxReplicas
              rule: self.minReplicas <= self.maxReplicas || false
        type: object
        """);

    // When it is rendered
    var reference = ApiReference.render(crd, "test.yaml");

    // Then the rule is in the cross-field rules, its pipes escaped for the table
    assertThat(reference)
        .contains("| `spec.autoscaling` | `self.minReplicas <= self.maxReplicas \\|\\| false` "
            + "| minReplicas must not exceed maxReplicas |")
        .contains("| `spec.autoscaling` | object |  | [cross-field rules](#cross-field-rules) |");
  }

  @Test
  @DisplayName("A pattern with a backtick or a pipe stays one code span in one table cell")
  void codeSpans() {
    // Given patterns with a backtick and with a pipe, when each is made a code span, then it survives a table
    assertThat(ApiReference.code("^[_`|~]+$")).isEqualTo("`` ^[_`\\|~]+$ ``");
    assertThat(ApiReference.code("(ms|s)")).isEqualTo("`(ms\\|s)`");
  }

  @Test
  @DisplayName("A schema keyword that the reference cannot show stops the rendering, naming the field")
  void unknownKeyword() throws IOException {
    // Given a CRD whose field uses a keyword that the renderer does not know
    var crd = crd("""
        properties:
          tags:
            items: {type: string}
            type: array
            x-kubernetes-list-type: set
        type: object
        """);

    // When it is rendered, then it fails rather than leave the check out
    assertThatThrownBy(() -> ApiReference.render(crd, "test.yaml"))
        .hasMessageContaining("x-kubernetes-list-type").hasMessageContaining("spec.tags");
  }

  /** A one-version CRD whose spec schema is the given YAML. */
  private static JsonNode crd(String specSchema) throws IOException {
    var indented = specSchema.indent(12);
    return YAML.readTree("""
        apiVersion: apiextensions.k8s.io/v1
        kind: CustomResourceDefinition
        spec:
          group: example.io
          names: {kind: Thing, plural: things, shortNames: [th]}
          scope: Namespaced
          versions:
          - name: v1
            schema:
              openAPIV3Schema:
                properties:
                  spec:
        """ + indented + """
                type: object
            subresources: {status: {}}
        """);
  }
}
