package io.authtier.runtime.config;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;

/**
 * Turns a configured secret file path into a {@link Path} after checking the file: absolute, present,
 * readable, and at least {@code minBytes} long. Messages name the path, never what is in the file, and do
 * not echo a value that is not even a path (it may be the secret itself, pasted into the wrong place).
 */
final class SecretFileCheck {

    private final SecretFileInspector inspector;

    SecretFileCheck(SecretFileInspector inspector) {
        this.inspector = inspector;
    }

    /** A file that must hold at least one byte. */
    Path nonEmpty(String text) {
        return check(text, 1);
    }

    /** A file that must hold at least {@code minBytes} bytes. */
    Path check(String text, long minBytes) {
        Path file = absolute(text);
        return switch (inspector.inspect(file)) {
            case SecretFileInspector.Missing() -> throw new IllegalArgumentException(
                    "file %s does not exist; mount the Secret there or correct the path".formatted(file));
            case SecretFileInspector.NotAFile() -> throw new IllegalArgumentException(
                    "%s is not a regular file; name the file inside the mounted Secret, e.g. %s/<key>".formatted(file, file));
            case SecretFileInspector.Unreadable() -> throw new IllegalArgumentException(
                    "file %s is not readable by the runtime's user; fix its permissions (or the volume's defaultMode)".formatted(file));
            case SecretFileInspector.Readable(long size) when size == 0 -> throw new IllegalArgumentException(
                    "file %s is empty; put the secret in it".formatted(file));
            case SecretFileInspector.Readable(long size) when size < minBytes -> throw new IllegalArgumentException(
                    "file %s is shorter than %d bytes; generate a key with: head -c %d /dev/urandom > %s"
                            .formatted(file, minBytes, minBytes, file));
            case SecretFileInspector.Readable(long size) -> file;
        };
    }

    private static Path absolute(String text) {
        Path file;
        try {
            file = Path.of(text);
        } catch (InvalidPathException e) {
            file = null;
        }
        if (file == null || !file.isAbsolute()) {
            throw new IllegalArgumentException("must be the absolute path of a file holding the secret, "
                    + "e.g. /etc/authtier/secrets/<secret-name>/<key>; the secret itself does not belong in the configuration");
        }
        return file;
    }
}
