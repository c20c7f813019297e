package io.authtier.runtime;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Objects;

/**
 * The runtime's command line: {@code --config FILE [--check]}.
 *
 * @param configFile the configuration file
 * @param checkOnly  validate the file and exit, without starting anything
 */
record CommandLine(Path configFile, boolean checkOnly) {

    static final String USAGE = """
            usage: java -jar auth-runtime.jar --config FILE [--check]
              --config FILE  the runtime configuration (YAML); see docs/runtime-config.md
              --check        validate FILE, print "configuration OK" and exit
              --help         print this text""";

    CommandLine {
        Objects.requireNonNull(configFile, "configFile");
    }

    /** The outcome of reading the arguments. */
    sealed interface Parsed {
    }

    /** Arguments to run with. */
    record Run(CommandLine commandLine) implements Parsed {
    }

    /** {@code --help}. */
    record Help() implements Parsed {
    }

    /** Arguments that make no sense; {@code message} says why. */
    record UsageError(String message) implements Parsed {
    }

    static Parsed parse(String... args) {
        String config = null;
        boolean check = false;
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            switch (arg) {
                case "--help", "-h" -> {
                    return new Help();
                }
                case "--check" -> check = true;
                case "--config" -> {
                    if (i + 1 >= args.length || args[i + 1].isEmpty()) {
                        return new UsageError("--config needs a file name");
                    }
                    if (config != null) {
                        return new UsageError("--config given twice");
                    }
                    config = args[++i];
                }
                default -> {
                    if (arg.startsWith("--config=") && arg.length() > "--config=".length()) {
                        if (config != null) {
                            return new UsageError("--config given twice");
                        }
                        config = arg.substring("--config=".length());
                    } else {
                        return new UsageError("unknown argument '%s'".formatted(arg));
                    }
                }
            }
        }
        if (config == null) {
            return new UsageError("--config FILE is required");
        }
        try {
            return new Run(new CommandLine(Path.of(config), check));
        } catch (InvalidPathException e) {
            return new UsageError("'%s' is not a file name".formatted(config));
        }
    }
}
