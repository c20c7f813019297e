package io.authtier.runtime;

import io.authtier.runtime.config.ConfigProblem;
import io.authtier.runtime.config.LoadResult;
import io.authtier.runtime.config.RuntimeConfig;
import io.authtier.runtime.config.RuntimeConfigLoader;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.CompletionException;
import java.util.function.Consumer;

/**
 * The runtime's entry point: {@code java -jar auth-runtime.jar --config FILE [--check]}.
 *
 * <p>Exit codes: 0 after {@code --check} of a valid file or after a graceful shutdown, 1 when the servers
 * cannot start, 2 for a usage error or a configuration that is missing, unreadable or invalid.
 */
public final class RuntimeMain {

    /** Exit code for a valid configuration. */
    public static final int OK = 0;
    /** Exit code for bad arguments or a bad configuration: retrying will not help, fixing them will. */
    public static final int CONFIG_ERROR = 2;
    /** Exit code when the configuration is valid but the servers cannot start (e.g. a port is taken). */
    public static final int START_FAILED = 1;

    private static final String NAME = "authtier-runtime";

    private RuntimeMain() {
    }

    public static void main(String[] args) {
        int exitCode = run(args, System.out, System.err);
        if (exitCode != OK) {
            System.exit(exitCode);
        }
    }

    /**
     * Runs with {@code args}, writing to {@code out} and {@code err}; returns the exit code. With a valid
     * configuration and no {@code --check}, serves until the JVM is told to stop (SIGTERM), then shuts
     * down gracefully and returns.
     */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        return run(args, out, err, RuntimeMain::stopOnShutdown);
    }

    /** As {@link #run(String[], PrintStream, PrintStream)}, handing the started app to {@code started}. */
    static int run(String[] args, PrintStream out, PrintStream err, Consumer<RuntimeApp> started) {
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
            case CommandLine.Run(CommandLine commandLine) -> run(commandLine, out, err, started);
        };
    }

    private static int run(CommandLine commandLine, PrintStream out, PrintStream err, Consumer<RuntimeApp> started) {
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
                yield serve(config, err, started);
            }
        };
    }

    private static int serve(RuntimeConfig config, PrintStream err, Consumer<RuntimeApp> started) {
        RuntimeApp app = new RuntimeApp(config, Clock.systemUTC(), RuntimeApp.defaultJwksPolicy(config));
        try {
            app.start().toCompletionStage().toCompletableFuture().join();
        } catch (CompletionException e) {
            err.println("%s: cannot start: %s".formatted(NAME, e.getCause() == null ? e : e.getCause().getMessage()));
            app.stop();
            return START_FAILED;
        }
        started.accept(app);
        app.terminated().join();
        return OK;
    }

    /** Stops {@code app} gracefully when the JVM is asked to exit (SIGTERM, SIGINT). */
    private static void stopOnShutdown(RuntimeApp app) {
        Runtime.getRuntime().addShutdownHook(Thread.ofPlatform().name("authtier-shutdown").unstarted(app::stop));
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
