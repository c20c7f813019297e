package io.authtier.runtime.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * One YAML mapping being read into a record, field by field, with every problem reported under its full
 * path ({@code issuers[0].audiences[1]}).
 *
 * <p>The fields a section knows are the ones its reader asks for; {@link #build} reports the rest as
 * unknown. So a reader must ask for every field unconditionally, and the list of known fields can never
 * drift from the code that reads them. An explicit {@code null} (as in {@code server:} with nothing under
 * it) counts as absent.
 */
final class Section {

    private final ObjectNode node;
    private final String path;
    private final Problems problems;
    private final int problemsWhenOpened;
    private final Set<String> known = new LinkedHashSet<>();

    private Section(ObjectNode node, String path, Problems problems) {
        this.node = node;
        this.path = path;
        this.problems = problems;
        this.problemsWhenOpened = problems.count();
    }

    /** The document's top level; anything but a mapping is reported and read as an empty one. */
    static Section root(JsonNode document, Problems problems) {
        if (document == null || document.isMissingNode() || document.isNull()) {
            return new Section(JsonNodeFactory.instance.objectNode(), "", problems);
        }
        if (document instanceof ObjectNode mapping) {
            return new Section(mapping, "", problems);
        }
        problems.add("", "expected a mapping (key: value lines) at the top level, got " + describe(document));
        return new Section(JsonNodeFactory.instance.objectNode(), "", problems);
    }

    /** A sub-section whose fields all have defaults: absent (or empty) reads as an empty mapping. */
    Section section(String field) {
        return mapping(field).orElseGet(() -> new Section(JsonNodeFactory.instance.objectNode(), pathOf(field), problems));
    }

    /**
     * A sub-section that may be left out; empty if absent or not a mapping (reported). Given with nothing
     * under it ({@code redis:} alone, as a template renders an empty value) it is reported too: read as
     * absent, it would silently turn its feature off.
     *
     * @param needs what the section needs at least, for the message ("endpoints")
     */
    Optional<Section> optionalSection(String field, String needs) {
        JsonNode given = node.get(field);
        if (given != null && given.isNull()) {
            known.add(field);
            problems.add(pathOf(field), "has nothing under it; give " + needs + ", or leave " + field
                    + " out (empty, it would silently turn its feature off)");
            return Optional.empty();
        }
        return mapping(field);
    }

    /** The sub-section {@code field}; empty if absent or null, or not a mapping (reported). */
    private Optional<Section> mapping(String field) {
        JsonNode value = get(field);
        if (value == null) {
            return Optional.empty();
        }
        if (value instanceof ObjectNode mapping) {
            return Optional.of(new Section(mapping, pathOf(field), problems));
        }
        problems.add(pathOf(field), "expected a mapping, got " + describe(value));
        return Optional.empty();
    }

    /** A list of sub-sections, as in {@code issuers}. */
    Field<List<Section>> sections(String field) {
        // Keeps the good elements when others are not mappings, so that their own problems are found too.
        return list(field, "mappings", true, (element, elementPath) -> element instanceof ObjectNode mapping
                ? Optional.of(new Section(mapping, elementPath, problems))
                : mismatch(elementPath, "a mapping", element));
    }

    /** A non-blank string. */
    Field<String> string(String field) {
        JsonNode value = get(field);
        if (value == null) {
            return Field.absent(pathOf(field), problems);
        }
        return text(value, pathOf(field))
                .map(text -> Field.of(pathOf(field), problems, text))
                .orElseGet(() -> Field.invalid(pathOf(field), problems));
    }

    /** A list of non-blank strings, each converted by {@code parser}; problems name the element's index. */
    <T> Field<List<T>> strings(String field, Function<String, T> parser) {
        return list(field, "strings", false, (element, elementPath) -> text(element, elementPath).flatMap(text -> {
            try {
                return Optional.of(parser.apply(text));
            } catch (IllegalArgumentException e) {
                problems.add(elementPath, e.getMessage());
                return Optional.empty();
            }
        }));
    }

    Field<Integer> integer(String field) {
        JsonNode value = get(field);
        if (value == null) {
            return Field.absent(pathOf(field), problems);
        }
        if (!value.isIntegralNumber()) {
            problems.add(pathOf(field), "expected an integer, got " + describe(value));
            return Field.invalid(pathOf(field), problems);
        }
        if (!value.canConvertToInt()) {
            // Its own range (a port's 1..65535, say) is checked only of a value that fits: say at least what does.
            problems.add(pathOf(field), value.bigIntegerValue().signum() < 0
                    ? "%s is too small: an integer here is at least %d".formatted(value.asText(), Integer.MIN_VALUE)
                    : "%s is too large: an integer here is at most %d".formatted(value.asText(), Integer.MAX_VALUE));
            return Field.invalid(pathOf(field), problems);
        }
        return Field.of(pathOf(field), problems, value.intValue());
    }

    Field<Boolean> bool(String field) {
        JsonNode value = get(field);
        if (value == null) {
            return Field.absent(pathOf(field), problems);
        }
        if (!value.isBoolean()) {
            problems.add(pathOf(field), "expected true or false, got " + describe(value));
            return Field.invalid(pathOf(field), problems);
        }
        return Field.of(pathOf(field), problems, value.booleanValue());
    }

    /** A duration such as {@code 30s}; a bare number is read as text so that the message says it lacks a unit. */
    Field<Duration> duration(String field) {
        JsonNode value = get(field);
        if (value == null) {
            return Field.absent(pathOf(field), problems);
        }
        if (!value.isTextual() && !value.isIntegralNumber()) {
            problems.add(pathOf(field), "expected a duration such as 30s, got " + describe(value));
            return Field.invalid(pathOf(field), problems);
        }
        return Field.of(pathOf(field), problems, value.asText()).parse(DurationParser::parse);
    }

    /** Whether the file sets {@code field} (to anything but null); a peek, so the field must still be read. */
    boolean has(String field) {
        JsonNode value = node.get(field);
        return value != null && !value.isNull();
    }

    /**
     * Reports fields nobody asked for, then builds the record if nothing in this section (or under it)
     * was wrong; {@code record} may then assume every required field is present.
     */
    <T> Optional<T> build(Supplier<T> record) {
        Iterator<String> names = node.fieldNames();
        while (names.hasNext()) {
            String name = names.next();
            if (!known.contains(name)) {
                problems.add(pathOf(name), "unknown field; " + ClosestName.of(name, known)
                        .map(suggestion -> "did you mean '" + suggestion + "'?")
                        .orElse("expected one of: " + String.join(", ", known)));
            }
        }
        return problems.count() == problemsWhenOpened ? Optional.of(record.get()) : Optional.empty();
    }

    String pathOf(String field) {
        return path.isEmpty() ? field : path + "." + field;
    }

    private JsonNode get(String field) {
        known.add(field);
        JsonNode value = node.get(field);
        return value == null || value.isNull() ? null : value;
    }

    private Optional<String> text(JsonNode value, String valuePath) {
        if (!value.isTextual()) {
            return mismatch(valuePath, "a string", value);
        }
        if (value.textValue().isBlank()) {
            problems.add(valuePath, "must not be empty");
            return Optional.empty();
        }
        return Optional.of(value.textValue());
    }

    private <T> Field<List<T>> list(String field, String elements, boolean keepGood, ElementReader<T> reader) {
        JsonNode value = get(field);
        String listPath = pathOf(field);
        if (value == null) {
            return Field.absent(listPath, problems);
        }
        if (!value.isArray()) {
            problems.add(listPath, "expected a list of %s, got %s".formatted(elements, describe(value)));
            return Field.invalid(listPath, problems);
        }
        int before = problems.count();
        List<T> result = new ArrayList<>();
        for (int i = 0; i < value.size(); i++) {
            reader.read(value.get(i), listPath + "[" + i + "]").ifPresent(result::add);
        }
        boolean good = problems.count() == before || keepGood && !result.isEmpty();
        return good ? Field.of(listPath, problems, List.copyOf(result)) : Field.invalid(listPath, problems);
    }

    private <T> Optional<T> mismatch(String valuePath, String expected, JsonNode actual) {
        // YAML reads 0123, yes and 1.10 as numbers or booleans; quoting keeps the text as written.
        String hint = expected.equals("a string") && (actual.isNumber() || actual.isBoolean()) ? "; put it in quotes" : "";
        problems.add(valuePath, "expected %s, got %s%s".formatted(expected, describe(actual), hint));
        return Optional.empty();
    }

    private static String describe(JsonNode value) {
        return switch (value.getNodeType()) {
            case OBJECT -> "a mapping";
            case ARRAY -> "a list";
            case STRING -> "a string";
            case BOOLEAN -> "a boolean";
            case NUMBER -> value.isIntegralNumber() ? "an integer" : "a decimal number";
            case NULL, MISSING -> "nothing";
            default -> value.getNodeType().name().toLowerCase(Locale.ROOT);
        };
    }

    @FunctionalInterface
    private interface ElementReader<T> {
        Optional<T> read(JsonNode element, String elementPath);
    }
}
