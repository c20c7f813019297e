package io.authtier.runtime.config;

import java.nio.file.Path;
import java.util.Objects;

/**
 * One entry of {@code sessions.cookie.signingKeys}: a key id and the file holding the key. The id goes
 * into the cookie so that a key can be rotated without logging everyone out; the key itself is never
 * held here, only its path.
 *
 * @param id   {@code [A-Za-z0-9._-]{1,64}}, unique
 * @param file absolute path of a file of at least 32 bytes
 */
public record SigningKeyFile(String id, Path file) {

    public SigningKeyFile {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(file, "file");
    }
}
