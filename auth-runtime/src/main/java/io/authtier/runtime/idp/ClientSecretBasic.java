package io.authtier.runtime.idp;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;

/**
 * A client's {@code Authorization} header for {@code client_secret_basic} (RFC 6749 section 2.3.1), the
 * secret read once from its file. The header value is the only place the secret is kept; it is never logged.
 */
public final class ClientSecretBasic {

    private ClientSecretBasic() {
    }

    /** {@code Basic base64(urlencode(id):urlencode(secret))}, the secret from {@code secretFile} without its final newline. */
    public static String header(String clientId, Path secretFile, String what) {
        String pair = URLEncoder.encode(clientId, StandardCharsets.UTF_8) + ":"
                + URLEncoder.encode(readSecret(secretFile, what), StandardCharsets.UTF_8);
        return "Basic " + Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8));
    }

    private static String readSecret(Path file, String what) {
        try {
            String secret = Files.readString(file);
            int end = secret.length();
            while (end > 0 && (secret.charAt(end - 1) == '\n' || secret.charAt(end - 1) == '\r')) {
                end--;
            }
            return secret.substring(0, end);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the " + what + " client secret file (" + e.getClass().getSimpleName() + ")", e);
        }
    }
}
