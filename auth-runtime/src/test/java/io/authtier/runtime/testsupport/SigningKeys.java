package io.authtier.runtime.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;

/** Cookie signing key files for tests: 32 random bytes each. */
public final class SigningKeys {

    private SigningKeys() {
    }

    /** Writes a new key to {@code dir/name}; returns its path. */
    public static Path write(Path dir, String name) {
        byte[] bytes = new byte[32];
        new SecureRandom().nextBytes(bytes);
        try {
            return Files.write(dir.resolve(name), bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
