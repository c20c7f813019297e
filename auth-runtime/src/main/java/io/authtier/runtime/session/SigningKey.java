package io.authtier.runtime.session;

import io.authtier.runtime.config.SigningKeyFile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A cookie signing key (HMAC-SHA256) and its id. {@link #toString()} shows the id only.
 *
 * @param id     {@code [A-Za-z0-9._-]{1,64}}; written into every cookie it signs
 * @param secret at least 32 bytes
 */
public record SigningKey(String id, byte[] secret) {

    /** Fewest secret bytes: HMAC-SHA256's output size. */
    public static final int MIN_SECRET_BYTES = 32;
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9._-]{1,64}");

    public SigningKey {
        Objects.requireNonNull(id, "id");
        if (!ID.matcher(id).matches()) {
            throw new IllegalArgumentException("a signing key id must match [A-Za-z0-9._-]{1,64}");
        }
        if (secret.length < MIN_SECRET_BYTES) {
            throw new IllegalArgumentException("signing key '" + id + "' has " + secret.length + " bytes; it needs at least "
                    + MIN_SECRET_BYTES + " (e.g. head -c 32 /dev/urandom)");
        }
        secret = secret.clone();
    }

    /** Reads the key from its file: every byte of it is key material. The message on failure names the id, not the bytes. */
    public static SigningKey read(SigningKeyFile file) {
        try {
            return new SigningKey(file.id(), Files.readAllBytes(file.file()));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read signing key '" + file.id() + "' (" + e.getClass().getSimpleName() + ")", e);
        }
    }

    byte[] idBytes() {
        return id.getBytes(StandardCharsets.US_ASCII);
    }

    @Override
    public byte[] secret() {
        return secret.clone();
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof SigningKey that && id.equals(that.id) && java.security.MessageDigest.isEqual(secret, that.secret);
    }

    @Override
    public int hashCode() {
        return id.hashCode();
    }

    @Override
    public String toString() {
        return "SigningKey[id=" + id + ", secret=***]";
    }
}
