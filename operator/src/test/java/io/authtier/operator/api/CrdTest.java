package io.authtier.operator.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.authtier.operator.api.v1alpha1.AuthTierSpec;
import io.authtier.operator.support.CrdFile;
import io.authtier.operator.support.Golden;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class CrdTest {
  private static final ObjectMapper JSON = JsonMapper.builder().build();

  @Test
  @DisplayName("The CRD committed in crds/ is the one the Java model generates")
  void committedCrdIsFresh() {
    Golden.assertMatches(CrdFile.committed(), CrdFile.committedForm());
  }

  @Test
  @DisplayName("kubectl get shows Ready, Redis, Replicas and Age, and Reason with -o wide")
  void printerColumns() {
    var columns = CrdFile.read(CrdFile.committed()).path("spec").path("versions").get(0).path("additionalPrinterColumns");
    var names = new ArrayList<String>();
    columns.forEach(c -> names.add(c.path("name").asText()));
    assertThat(names).containsExactlyElementsOf(CrdFile.COLUMN_ORDER);
    columns.forEach(c -> assertThat(c.path("priority").asInt())
        .as(c.path("name").asText()).isEqualTo(c.path("name").asText().equals("Reason") ? 1 : 0));
  }

  @Test
  @DisplayName("Every node, from the AuthTier itself to each leaf of spec and status, has a description, so kubectl explain can explain it")
  void everyFieldIsDescribed() {
    var root = CrdFile.read(CrdFile.committed()).path("spec").path("versions").get(0).path("schema").path("openAPIV3Schema");
    var undescribed = new ArrayList<String>();
    if (!root.has("description")) {
      undescribed.add("(the AuthTier)");
    }
    var visited = new ArrayList<String>();
    walk(root, "", (path, schema) -> {
      visited.add(path);
      if (!schema.has("description") || schema.path("description").asText().isBlank()) {
        undescribed.add(path);
      }
    });
    assertThat(undescribed).isEmpty();
    assertThat(visited).contains("spec", "status", "spec.runtime.resources.requests", "spec.runtime.resources.limits",
        "spec.runtime.resources.claims", "spec.runtime.resources.claims[].name", "spec.runtime.resources.claims[].request",
        "status.conditions[].reason");
  }

  @Test
  @DisplayName("Every integer has a maximum that fits the model's int: a larger one, admitted by the API server, would stop the operator's informer")
  void everyIntegerIsBounded() {
    var unbounded = new ArrayList<String>();
    walk(specSchema(), "spec", (path, schema) -> {
      if (schema.path("type").asText().equals("integer")
          && (!schema.has("maximum") || schema.path("maximum").asDouble() > Integer.MAX_VALUE)) {
        unbounded.add(path);
      }
    });
    assertThat(unbounded).isEmpty();
  }

  @Test
  @DisplayName("Each default in the schema is the value the operator applies when the field is left out")
  void schemaDefaultsMatchTheModel() throws Exception {
    // Given a spec with only required fields, and every optional section present with its required fields
    var skeleton = JSON.readTree("""
        {"issuers": [{"name": "a", "issuerUrl": "https://a", "audiences": ["x"],
                      "introspection": {"clientId": "c", "clientSecretRef": {"name": "s", "key": "k"}}}],
         "sessions": {"cookie": {"signingKeys": [{"id": "k", "secretRef": {"name": "s", "key": "k"}}]},
                      "login": {"issuer": "a", "clientId": "c", "allowedRedirectDomains": ["a.example"]}},
         "redis": {"external": {"endpoints": ["r:6379"]}}}
        """);
    var bare = JSON.readTree("""
        {"issuers": [{"name": "a", "issuerUrl": "https://a", "audiences": ["x"]}]}
        """);
    // When the model reads them, as the operator does
    JsonNode filled = JSON.valueToTree(JSON.treeToValue(skeleton, AuthTierSpec.class));
    JsonNode empty = JSON.valueToTree(JSON.treeToValue(bare, AuthTierSpec.class));
    // Then every schema default is found at its path in what the model made of them
    // (a default object is what the model makes of a section left out entirely)
    var mismatches = new ArrayList<String>();
    var checked = new ArrayList<String>();
    walk(specSchema(), "", (path, schema) -> {
      if (schema.has("default")) {
        checked.add(path);
        var inEmpty = empty.at(pointer(path));
        var actual = schema.get("default").isObject() && !inEmpty.isMissingNode() ? inEmpty : filled.at(pointer(path));
        if (!schema.get("default").equals(actual) && !numericallyEqual(schema.get("default"), actual)) {
          mismatches.add(path + ": schema " + schema.get("default") + ", model " + actual);
        }
      }
    });
    assertThat(mismatches).isEmpty();
    assertThat(checked).as("defaults checked").hasSizeGreaterThan(30);
  }

  private static boolean numericallyEqual(JsonNode a, JsonNode b) {
    return a.isNumber() && b.isNumber() && a.decimalValue().compareTo(b.decimalValue()) == 0;
  }

  private static String pointer(String path) {
    return "/" + path.replace(".", "/").replace("[]", "/0");
  }

  @Test
  @DisplayName("Rules that compare every list item with every other stay within the API server's CEL cost budget")
  void quadraticRulesAreBounded() {
    // Kubernetes estimates a rule's cost before it accepts the CRD: an unbounded string counts as 3 MiB, so
    // comparing all pairs of a list refuses the whole CRD ("estimated rule cost exceeds budget") unless the
    // list has maxItems and the compared field maxLength. 10^7 is the limit per rule; a string comparison
    // costs a tenth of its length.
    var spec = specSchema();
    var pairwise = java.util.regex.Pattern.compile(
        "self\\.(\\w+)\\.all\\((\\w+), self\\.\\1\\.exists_one\\((\\w+), \\3\\.(\\w+) == \\2\\.\\4\\)\\)");
    var checked = new ArrayList<String>();
    spec.path("x-kubernetes-validations").forEach(rule -> {
      var matcher = pairwise.matcher(rule.path("rule").asText());
      if (matcher.find()) {
        var list = spec.path("properties").path(matcher.group(1));
        var field = list.path("items").path("properties").path(matcher.group(4));
        assertThat(list.has("maxItems")).as(matcher.group(1) + " needs maxItems").isTrue();
        assertThat(field.has("maxLength")).as(matcher.group(1) + "[]." + matcher.group(4) + " needs maxLength").isTrue();
        long items = list.path("maxItems").asLong();
        long cost = items * items * (long) Math.ceil(0.1 * field.path("maxLength").asLong());
        assertThat(cost).as(rule.path("rule").asText()).isLessThan(10_000_000L);
        checked.add(matcher.group(1) + "[]." + matcher.group(4));
      }
    });
    assertThat(checked).contains("issuers[].name", "issuers[].issuerUrl", "routes[].pathPrefix");
  }

  private static JsonNode specSchema() {
    return CrdFile.read(CrdFile.committed()).path("spec").path("versions").get(0)
        .path("schema").path("openAPIV3Schema").path("properties").path("spec");
  }

  interface Visitor {
    void visit(String path, JsonNode schema);
  }

  /** Visits each property schema under a node; array items appear as {@code name[]}. */
  private static void walk(JsonNode schema, String path, Visitor visitor) {
    var properties = schema.path("properties");
    for (var name : iterable(properties.fieldNames())) {
      var child = properties.get(name);
      var childPath = path.isEmpty() ? name : path + "." + name;
      visitor.visit(childPath, child);
      walk(child, childPath, visitor);
      if (child.has("items")) {
        walk(child.get("items"), childPath + "[]", visitor);
      }
    }
  }

  private static List<String> iterable(java.util.Iterator<String> names) {
    var list = new ArrayList<String>();
    names.forEachRemaining(list::add);
    return list;
  }
}
