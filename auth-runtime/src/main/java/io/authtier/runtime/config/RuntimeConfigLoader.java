package io.authtier.runtime.config;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Loads the runtime configuration file: YAML → {@link RuntimeConfig}, or every problem with the file.
 *
 * <p>Two passes, as in oauth2-proxy: reading checks the schema and each field on its own (unknown and
 * missing fields, types, ranges, formats, secret files), then {@link RuntimeConfigValidator} checks the
 * rules between fields. The second pass needs the values the first one reads, so it runs once the first
 * found nothing; each pass reports all that it finds.
 */
public final class RuntimeConfigLoader {

    /**
     * The largest file read: the YAML parser's own limit on a document (SnakeYAML's default
     * {@code LoaderOptions.codePointLimit}, 3 MiB), applied to the bytes as they are read, so that a device
     * without end ({@code /dev/zero}) or a huge file is refused like any bad file instead of filling the
     * heap. A configuration is a few kilobytes.
     */
    static final int MAX_BYTES = 3 * 1024 * 1024;

    private final ObjectReader yaml = YAMLMapper.builder()
            // A key given twice is a mistake in a hand-written file; the default keeps the last silently.
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build()
            .reader()
            // A second YAML document ("---") would otherwise be ignored.
            .with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    private final RuntimeConfigReader reader;
    private final RuntimeConfigValidator validator = new RuntimeConfigValidator();

    /** A loader that checks secret files on the local file system. */
    public RuntimeConfigLoader() {
        this(SecretFileInspector.onDisk());
    }

    /** A loader that checks secret files with {@code secretFiles}. */
    public RuntimeConfigLoader(SecretFileInspector secretFiles) {
        this.reader = new RuntimeConfigReader(new SecretFileCheck(secretFiles));
    }

    /**
     * Loads {@code file}.
     *
     * @throws IOException if the file cannot be read at all (missing, a directory, no permission); what is
     *                     in it is judged by the result instead
     */
    public LoadResult load(Path file) throws IOException {
        byte[] content;
        try (InputStream in = Files.newInputStream(file)) {
            content = in.readNBytes(MAX_BYTES + 1);
        }
        if (content.length > MAX_BYTES) {
            return new LoadResult.Invalid(List.of(new ConfigProblem("", ("the file is larger than 3 MiB (%d bytes), the most"
                    + " a configuration may be; is it the configuration file? a configuration is a few kilobytes of YAML")
                    .formatted(MAX_BYTES))));
        }
        return parse(() -> yaml.createParser(content));
    }

    /** Loads a configuration given as text, e.g. as the operator renders it into a ConfigMap. */
    public LoadResult parse(String content) {
        return parse(() -> yaml.createParser(content));
    }

    private LoadResult parse(ParserSource source) {
        Problems problems = new Problems();
        JsonNode document;
        try {
            Optional<String> alias = firstAlias(source);
            if (alias.isPresent()) {
                problems.add("", alias.get());
                return new LoadResult.Invalid(problems.all());
            }
            try (JsonParser parser = source.open()) {
                document = yaml.readTree(parser);
            }
        } catch (JsonProcessingException e) {
            problems.add("", syntaxError(e));
            return new LoadResult.Invalid(problems.all());
        } catch (IOException e) {
            // Reading from memory: only a malformed encoding gets here.
            problems.add("", "not a readable YAML file: " + e.getClass().getSimpleName());
            return new LoadResult.Invalid(problems.all());
        }
        Optional<RuntimeConfig> config = reader.read(Section.root(document, problems));
        config.ifPresent(valid -> problems.addAll(validator.validate(valid)));
        return problems.count() == 0 ? new LoadResult.Loaded(config.orElseThrow()) : new LoadResult.Invalid(problems.all());
    }

    /**
     * Where and what, without the parser's excerpt of the file: the excerpt would print a line of the
     * configuration, and a line may hold something pasted there by mistake.
     */
    private static String syntaxError(JsonProcessingException e) {
        if (e.getOriginalMessage().startsWith("Trailing token")) {
            // Jackson's wording names its own feature; the user's mistake is a second document.
            return "not valid YAML: the file holds more than one YAML document (a line '---' after the first);"
                    + " the configuration is one document: remove the second or merge it into the first";
        }
        String what = e.getOriginalMessage().lines()
                .filter(line -> !line.isBlank() && !Character.isWhitespace(line.charAt(0)))
                .collect(Collectors.joining("; "));
        if (what.contains("alias")) {
            // YAML reads a leading * as an alias: the usual slip in allowedRedirectDomains.
            what += "; quote a value that starts with *, e.g. '*.example.com'";
        }
        JsonLocation where = e.getLocation();
        return where == null || where.getLineNr() < 1
                ? "not valid YAML: " + what
                : "not valid YAML at line %d, column %d: %s".formatted(where.getLineNr(), where.getColumnNr(), what);
    }

    /**
     * The first YAML alias ({@code *name}) in the document, described with its place. Jackson reads an alias as
     * the text {@code name}, not as the anchored value, so {@code audiences: [&x shop-api, *x]} would accept
     * the audience "x": refused, never misread.
     */
    private static Optional<String> firstAlias(ParserSource source) throws IOException {
        try (JsonParser parser = source.open()) {
            while (parser.nextToken() != null) {
                if (parser instanceof YAMLParser yamlParser && yamlParser.isCurrentAlias()) {
                    String field = path(parser.getParsingContext().pathAsPointer());
                    JsonLocation where = parser.currentTokenLocation();
                    return Optional.of("%s at line %d, column %d: '*%s' is a YAML alias, which this file does not support;"
                            .formatted(field.isEmpty() ? "a value" : field, where.getLineNr(), where.getColumnNr(), parser.getText())
                            + " write the value out (quote text that starts with *, e.g. '*.example.com')");
                }
            }
        }
        return Optional.empty();
    }

    /** {@code /issuers/0/audiences/1} as the problems name it: {@code issuers[0].audiences[1]}. */
    static String path(JsonPointer pointer) {
        StringBuilder out = new StringBuilder();
        for (JsonPointer at = pointer; at != null && !at.matches(); at = at.tail()) {
            if (at.mayMatchElement()) {
                out.append('[').append(at.getMatchingIndex()).append(']');
            } else {
                out.append(out.isEmpty() ? "" : ".").append(at.getMatchingProperty());
            }
        }
        return out.toString();
    }

    @FunctionalInterface
    private interface ParserSource {
        JsonParser open() throws IOException;
    }
}
