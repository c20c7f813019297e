package io.authtier.runtime.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("docs/runtime-config.md")
class DocumentedExamplesTest {

    // Surefire runs in the module's directory.
    private static final Path DOC = Path.of("..", "docs", "runtime-config.md");
    private static final Pattern YAML_BLOCK = Pattern.compile("```yaml\\n(.*?)```", Pattern.DOTALL);

    @Test
    @DisplayName("Every YAML example in the reference loads")
    void examplesLoad() throws IOException {
        // Given the YAML blocks of the reference, whose secrets live on a cluster rather than here
        Matcher blocks = YAML_BLOCK.matcher(Files.readString(DOC));
        List<String> examples = blocks.results().map(block -> block.group(1)).toList();
        RuntimeConfigLoader loader = new RuntimeConfigLoader(file -> new SecretFileInspector.Readable(64));

        // When each is loaded, then each is valid
        assertThat(examples).hasSizeGreaterThanOrEqualTo(2);
        assertThat(examples).allSatisfy(example -> {
            LoadResult result = loader.parse(example);
            assertThat(result).as("%s", result).isInstanceOf(LoadResult.Loaded.class);
        });
    }
}
