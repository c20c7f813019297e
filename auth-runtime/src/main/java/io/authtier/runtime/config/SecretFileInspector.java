package io.authtier.runtime.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Looks at a secret file without reading it: whether it is there, readable, and how large. The loader
 * checks every referenced secret file at start so that a missing mount fails fast, yet never loads secret
 * bytes into configuration objects or messages.
 *
 * <p>{@link #onDisk()} is the real one. Another implementation lets a caller check a file whose secrets
 * are mounted elsewhere later, e.g. a configuration the operator renders for a pod.
 */
@FunctionalInterface
public interface SecretFileInspector {

    /** What is at {@code file}. */
    Status inspect(Path file);

    /** Inspects the local file system; symbolic links (as in Kubernetes Secret volumes) are followed. */
    static SecretFileInspector onDisk() {
        return file -> {
            if (!Files.exists(file)) {
                return new Missing();
            }
            if (!Files.isRegularFile(file)) {
                return new NotAFile();
            }
            if (!Files.isReadable(file)) {
                return new Unreadable();
            }
            try {
                return new Readable(Files.size(file));
            } catch (IOException e) {
                return new Unreadable();
            }
        };
    }

    /** The outcome of an inspection. */
    sealed interface Status permits Missing, NotAFile, Unreadable, Readable {
    }

    /** Nothing at that path (or a dangling link). */
    record Missing() implements Status {
    }

    /** A directory or another non-regular file. */
    record NotAFile() implements Status {
    }

    /** A file the runtime's user may not read. */
    record Unreadable() implements Status {
    }

    /** A readable file of {@code size} bytes. */
    record Readable(long size) implements Status {
    }
}
