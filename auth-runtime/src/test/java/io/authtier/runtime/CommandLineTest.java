package io.authtier.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("CommandLine")
class CommandLineTest {

    @Test
    @DisplayName("--config FILE and --check are read in any order")
    void configAndCheck() {
        assertThat(CommandLine.parse("--check", "--config", "runtime.yaml"))
                .isEqualTo(new CommandLine.Run(new CommandLine(Path.of("runtime.yaml"), true)));
        assertThat(CommandLine.parse("--config", "runtime.yaml"))
                .isEqualTo(new CommandLine.Run(new CommandLine(Path.of("runtime.yaml"), false)));
    }

    @Test
    @DisplayName("--config=FILE is read like --config FILE")
    void configWithEquals() {
        assertThat(CommandLine.parse("--config=/etc/authtier/runtime.yaml"))
                .isEqualTo(new CommandLine.Run(new CommandLine(Path.of("/etc/authtier/runtime.yaml"), false)));
    }

    @Test
    @DisplayName("Missing, repeated or unknown arguments are usage errors that say which")
    void usageErrors() {
        assertThat(CommandLine.parse()).isEqualTo(new CommandLine.UsageError("--config FILE is required"));
        assertThat(CommandLine.parse("--check")).isEqualTo(new CommandLine.UsageError("--config FILE is required"));
        assertThat(CommandLine.parse("--config")).isEqualTo(new CommandLine.UsageError("--config needs a file name"));
        assertThat(CommandLine.parse("--config", "a", "--config=b")).isEqualTo(new CommandLine.UsageError("--config given twice"));
        assertThat(CommandLine.parse("--config", "a", "extra")).isEqualTo(new CommandLine.UsageError("unknown argument 'extra'"));
    }

    @Test
    @DisplayName("--help prints the usage, unless an unknown argument comes before it")
    void help() {
        assertThat(CommandLine.parse("--bogus", "--help")).isEqualTo(new CommandLine.UsageError("unknown argument '--bogus'"));
        assertThat(CommandLine.parse("--config", "a", "-h")).isEqualTo(new CommandLine.Help());
    }
}
