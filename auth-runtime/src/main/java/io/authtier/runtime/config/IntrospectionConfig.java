package io.authtier.runtime.config;

import java.nio.file.Path;
import java.util.Objects;

/**
 * An issuer's {@code introspection} section: the client the runtime authenticates as when it asks the
 * IdP about an opaque token (RFC 7662).
 *
 * @param clientId         the client id
 * @param clientSecretFile absolute path of the file holding the client secret; only the path is held here
 */
public record IntrospectionConfig(String clientId, Path clientSecretFile) {

    public IntrospectionConfig {
        Objects.requireNonNull(clientId, "clientId");
        Objects.requireNonNull(clientSecretFile, "clientSecretFile");
    }
}
