package io.authtier.runtime;

import io.authtier.runtime.config.ConfigProblem;
import io.authtier.runtime.config.LoadResult;
import io.authtier.runtime.config.RuntimeConfigLoader;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * The runtime's entry point: {@code java -jar auth-runtime.jar --config FILE [--check]}.
 *
 * <p>Exit codes: 0 when the configuration is valid, 2 for a usage error or a configuration that is
 * missing, unreadable or invalid.
 */
public final class RuntimeMain {

    /** Exit code for a valid configuration. */
    public static final int OK = 0;
    /** Exit code for bad arguments or a bad configuration: retrying will not help, fixing them will. */
    public static final int CONFIG_ERROR = 2;

    private static final String NAME = "authtier-runtime";

    private RuntimeMain() {
    }

    public static void main(String[] args) {
        int exitCode = run(args, System.out, System.err);
        if (exitCode != OK) {
            System.exit(exitCode);
        }
    }

    /** Runs with {@code args}, writing to {@code out} and {@code err}; returns the exit code. */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        return switch (CommandLine.parse(args)) {
            case CommandLine.Help() -> {
                out.println(CommandLine.USAGE);
                yield OK;
            }
            case CommandLine.UsageError(String message) -> {
                err.println(NAME + ": " + message);
                err.println(CommandLine.USAGE);
                yield CONFIG_ERROR;
            }
            case CommandLine.Run(CommandLine commandLine) -> run(commandLine, out, err);
        };
    }

    private static int run(CommandLine commandLine, PrintStream out, PrintStream err) {
        Path file = commandLine.configFile();
        LoadResult result;
        try {
            result = new RuntimeConfigLoader().load(file);
        } catch (IOException e) {
            err.println("%s: cannot read configuration %s: %s".formatted(NAME, file, reason(e)));
            return CONFIG_ERROR;
        }
        return switch (result) {
            case LoadResult.Invalid(var problems) -> {
                err.println("%s: invalid configuration %s:".formatted(NAME, file));
                for (ConfigProblem problem : problems) {
                    err.println("  " + problem);
                }
                yield CONFIG_ERROR;
            }
            case LoadResult.Loaded loaded when commandLine.checkOnly() -> {
                out.println("configuration OK");
                yield OK;
            }
            case LoadResult.Loaded(var config) -> {
                out.println("%s: configuration %s: %s".formatted(NAME, file, config.summary()));
                // TODO(issue 3): start the HTTP server
                yield OK;
            }
        };
    }

    private static String reason(IOException e) {
        return switch (e) {
            case NoSuchFileException missing -> "no such file";
            case AccessDeniedException denied -> "permission denied";
            case FileSystemException other when other.getReason() != null -> other.getReason();
            default -> e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        };
    }
}
