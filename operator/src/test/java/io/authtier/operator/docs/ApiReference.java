package io.authtier.operator.docs;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Renders docs/api-reference.md from the CRD: every field with its type, default, validation and
 * description, the CEL rules, and the printer columns. Everything comes from the CRD, so the reference
 * changes with it; a schema keyword that it cannot render stops it rather than being left out.
 */
final class ApiReference {
  static final String CROSS_FIELD_RULES = "Cross-field rules";
  private static final Set<String> KEYWORDS = Set.of("type", "description", "properties", "items", "required",
      "default", "enum", "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "minLength", "maxLength",
      "minItems", "maxItems", "minProperties", "maxProperties", "pattern", "format", "additionalProperties", "anyOf", "nullable",
      "x-kubernetes-int-or-string", "x-kubernetes-validations", "x-kubernetes-preserve-unknown-fields");
  private static final Set<String> RULE_KEYS = Set.of("rule", "message");

  /** One row of a field table. */
  private record Field(String path, String type, String defaultValue, String validation, String description) {}

  /** One CEL rule, with the field whose schema holds it. */
  private record Rule(String path, String rule, String message) {}

  private final List<Rule> rules = new ArrayList<>();
  private final StringBuilder out = new StringBuilder();

  private ApiReference() {}

  static String render(JsonNode crd, String source) {
    return new ApiReference().document(crd, source);
  }

  private String document(JsonNode crd, String source) {
    var spec = crd.path("spec");
    var versions = spec.path("versions");
    if (versions.size() != 1) {
      throw new IllegalStateException("the reference renders one version; the CRD has " + versions.size());
    }
    var version = versions.get(0);
    var schema = version.path("schema").path("openAPIV3Schema").path("properties");
    header(spec, version, source);
    specFields(schema.path("spec"));
    collectRules(schema.path("spec"), "spec");
    collectRules(schema.path("status"), "status");
    crossFieldRules();
    statusFields(schema.path("status"));
    printerColumns(spec.path("names").path("plural").asText(), version.path("additionalPrinterColumns"));
    return out.toString();
  }

  private void header(JsonNode spec, JsonNode version, String source) {
    var names = spec.path("names");
    line("# " + names.path("kind").asText() + " API reference");
    line("");
    line("<!-- Generated from " + source + " by ApiReferenceTest; do not edit. After changing the CRD, run");
    line("     `mvn -pl operator test -Dauthtier.update-golden=true` and commit both. -->");
    line("");
    line("`apiVersion: " + spec.path("group").asText() + "/" + version.path("name").asText() + "`, `kind: "
        + names.path("kind").asText() + "`, " + spec.path("scope").asText().toLowerCase() + ". `kubectl get "
        + names.path("plural").asText() + "` (short names: " + codes(names.path("shortNames")) + ")"
        + (version.path("subresources").has("status") ? "; `status` is a subresource." : "."));
    line("");
    line("Each table lists a field by its path (`[]` stands for every item of a list), its type, the default");
    line("that the API server fills in when the field is left out, and what the API server checks. Rules that");
    line("relate several fields are under [" + CROSS_FIELD_RULES + "](#" + anchor(CROSS_FIELD_RULES) + ").");
  }

  /** One table per section of spec. */
  private void specFields(JsonNode spec) {
    line("");
    line("## spec");
    checkKeywords(spec, "spec");
    describe(spec);
    var required = names(spec.path("required"));
    spec.path("properties").properties().forEach(section -> {
      line("");
      line("### spec." + section.getKey());
      line("");
      table(fields(section.getValue(), "spec." + section.getKey(), required.contains(section.getKey())));
    });
  }

  private void crossFieldRules() {
    line("");
    line("## " + CROSS_FIELD_RULES);
    line("");
    line("CEL rules (`x-kubernetes-validations`) that the API server checks on create and update. `self` is the");
    line("field named in the first column; `oldSelf` is its stored value, so a rule with it guards an update.");
    line("");
    line("| field | rule | message |");
    line("| --- | --- | --- |");
    rules.forEach(rule -> line("| " + code(rule.path()) + " | " + code(rule.rule()) + " | " + text(rule.message()) + " |"));
  }

  /** One table for all of status. */
  private void statusFields(JsonNode status) {
    line("");
    line("## status");
    checkKeywords(status, "status");
    describe(status);
    line("");
    line("Written by the operator; read-only for everyone else.");
    line("");
    var rows = new ArrayList<Field>();
    var required = names(status.path("required"));
    status.path("properties").properties().forEach(field -> rows.addAll(
        fields(field.getValue(), "status." + field.getKey(), required.contains(field.getKey()))));
    table(rows);
  }

  private void printerColumns(String plural, JsonNode columns) {
    line("");
    line("## Printer columns");
    line("");
    line("What `kubectl get " + plural + "` shows; columns of priority above 0 only with `-o wide`.");
    line("");
    var described = columns.findValue("description") != null;
    line("| column | type | JSON path | priority |" + (described ? " description |" : ""));
    line("| --- | --- | --- | --- |" + (described ? " --- |" : ""));
    columns.forEach(column -> line("| " + text(column.path("name").asText()) + " | " + column.path("type").asText()
        + " | " + code(column.path("jsonPath").asText()) + " | " + column.path("priority").asInt(0) + " |"
        + (described ? " " + text(column.path("description").asText("")) + " |" : "")));
  }

  /** The field and everything under it, depth first, in the CRD's order. */
  private List<Field> fields(JsonNode schema, String path, boolean required) {
    checkKeywords(schema, path);
    checkKeywords(schema.path("items"), path + "[]");
    var rows = new ArrayList<Field>();
    rows.add(new Field(path, type(schema), schema.has("default") ? code(value(schema.path("default"))) : "",
        validation(schema, required), text(schema.path("description").asText(""))));
    var children = names(schema.path("required"));
    schema.path("properties").properties().forEach(child ->
        rows.addAll(fields(child.getValue(), path + "." + child.getKey(), children.contains(child.getKey()))));
    var items = schema.path("items");
    if (items.has("properties")) {
      var itemRequired = names(items.path("required"));
      items.path("properties").properties().forEach(child ->
          rows.addAll(fields(child.getValue(), path + "[]." + child.getKey(), itemRequired.contains(child.getKey()))));
    }
    return rows;
  }

  private static void checkKeywords(JsonNode schema, String path) {
    schema.fieldNames().forEachRemaining(keyword -> {
      if (!KEYWORDS.contains(keyword)) {
        throw new IllegalStateException("schema keyword " + keyword + " at " + path + " is not rendered; teach "
            + ApiReference.class.getSimpleName() + " to show it");
      }
    });
  }

  private static String type(JsonNode schema) {
    if (schema.path("x-kubernetes-int-or-string").asBoolean()) {
      return "integer or string";
    }
    var type = schema.path("type").asText();
    if (schema.has("format")) {
      type += " (" + schema.path("format").asText() + ")";
    }
    if (type.equals("array")) {
      return "array of " + type(schema.path("items"));
    }
    if (type.equals("object") && schema.has("additionalProperties") && !schema.has("properties")) {
      return "map of " + type(schema.path("additionalProperties"));
    }
    return type;
  }

  private static String validation(JsonNode schema, boolean required) {
    var checks = new ArrayList<String>();
    if (required) {
      checks.add("required");
    }
    checks.addAll(constraints(schema, ""));
    var items = schema.path("items");
    if (!items.isMissingNode() && !items.has("properties")) {
      checks.addAll(constraints(items, "each "));
    }
    if (schema.has("x-kubernetes-validations")) {
      checks.add("[" + CROSS_FIELD_RULES.toLowerCase() + "](#" + anchor(CROSS_FIELD_RULES) + ")");
    }
    return String.join("; ", checks);
  }

  /** Checks on one value: enum, range, length, item count, pattern. */
  private static List<String> constraints(JsonNode schema, String prefix) {
    var checks = new ArrayList<String>();
    if (schema.has("enum")) {
      checks.add(prefix + "one of " + codes(schema.path("enum")));
    }
    range(schema, "minimum", "maximum", "").ifPresent(range -> checks.add(prefix + range));
    range(schema, "minLength", "maxLength", " characters").ifPresent(range -> checks.add(prefix + range));
    range(schema, "minItems", "maxItems", " items").ifPresent(checks::add);
    range(schema, "minProperties", "maxProperties", " entries").ifPresent(checks::add);
    if (schema.path("exclusiveMinimum").asBoolean() || schema.path("exclusiveMaximum").asBoolean()) {
      checks.add(prefix + "bounds excluded");
    }
    if (schema.has("pattern")) {
      checks.add(prefix + "pattern " + code(schema.path("pattern").asText()));
    }
    if (schema.path("nullable").asBoolean()) {
      checks.add(prefix + "may be null");
    }
    return checks;
  }

  /** "1 to 16 items", "at least 1 item", "at most 40 characters", or nothing. */
  private static Optional<String> range(JsonNode schema, String min, String max, String unit) {
    var low = schema.has(min) ? number(schema.path(min)) : null;
    var high = schema.has(max) ? number(schema.path(max)) : null;
    if (low != null && high != null) {
      return Optional.of(low + " to " + high + unit);
    }
    if (low != null) {
      return Optional.of("at least " + low + (low.equals("1") ? singular(unit) : unit));
    }
    return Optional.ofNullable(high).map(value -> "at most " + value + (value.equals("1") ? singular(unit) : unit));
  }

  private static String singular(String unit) {
    return unit.endsWith("s") ? unit.substring(0, unit.length() - 1) : unit;
  }

  private void collectRules(JsonNode schema, String path) {
    schema.path("x-kubernetes-validations").forEach(rule -> {
      rule.fieldNames().forEachRemaining(key -> {
        if (!RULE_KEYS.contains(key)) {
          throw new IllegalStateException("CEL rule key " + key + " at " + path + " is not rendered; teach "
              + ApiReference.class.getSimpleName() + " to show it");
        }
      });
      rules.add(new Rule(path, rule.path("rule").asText(), rule.path("message").asText("")));
    });
    schema.path("properties").properties().forEach(child -> collectRules(child.getValue(), path + "." + child.getKey()));
    if (schema.has("items")) {
      collectRules(schema.path("items"), path + "[]");
    }
  }

  private void describe(JsonNode schema) {
    if (schema.has("description")) {
      line("");
      line(schema.path("description").asText());
    }
  }

  private void table(List<Field> fields) {
    line("| field | type | default | validation | description |");
    line("| --- | --- | --- | --- | --- |");
    fields.forEach(field -> line("| " + code(field.path()) + " | " + field.type() + " | " + field.defaultValue() + " | "
        + field.validation() + " | " + field.description() + " |"));
  }

  private void line(String text) {
    out.append(text).append('\n');
  }

  /** A scalar as it is written in YAML; a list or an object as compact JSON. */
  private static String value(JsonNode value) {
    return value.isValueNode() ? value.asText() : value.toString();
  }

  private static String number(JsonNode value) {
    return new BigDecimal(value.asText()).stripTrailingZeros().toPlainString();
  }

  private static Set<String> names(JsonNode array) {
    var names = new HashSet<String>();
    array.forEach(name -> names.add(name.asText()));
    return names;
  }

  private static String codes(JsonNode array) {
    var values = new ArrayList<String>();
    array.forEach(value -> values.add(code(value.asText())));
    return String.join(", ", values);
  }

  /**
   * A code span that survives a table cell: `|` escaped (GitHub unescapes it inside code), and a
   * longer fence with spaces around the text when the text holds a backtick.
   */
  static String code(String text) {
    var escaped = text.replace("|", "\\|");
    return text.contains("`") ? "`` " + escaped + " ``" : "`" + escaped + "`";
  }

  /** Prose for a table cell: one line, `|` escaped. */
  static String text(String prose) {
    return prose.replace("\r", "").replace("\n", " ").replace("|", "\\|").strip();
  }

  private static String anchor(String heading) {
    return heading.toLowerCase().replace(' ', '-');
  }
}
