package io.authtier.runtime.testsupport;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Code blocks of the project's documentation, read by the tests that run or check them. */
public final class DocSnippets {

    private DocSnippets() {
    }

    /** The first {@code ```language} block after {@code heading} in {@code docs/<page>}. */
    public static String block(String page, String heading, String language) {
        try {
            String doc = Files.readString(Path.of("..", "docs", page));
            int section = doc.indexOf(heading);
            if (section < 0) {
                throw new IllegalStateException("docs/" + page + " has no heading " + heading);
            }
            String fence = "```" + language + "\n";
            int open = doc.indexOf(fence, section);
            if (open < 0) {
                throw new IllegalStateException("docs/" + page + " has no " + language + " block after " + heading);
            }
            int start = open + fence.length();
            return doc.substring(start, doc.indexOf("```", start));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The first YAML block after {@code heading}, parsed. */
    public static JsonNode yaml(String page, String heading) {
        try {
            return new YAMLMapper().readTree(block(page, heading, "yaml"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
