package io.authtier.runtime.config;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * An issuer's {@code introspection} section: the client the runtime authenticates as when it asks the
 * IdP about an opaque token (RFC 7662).
 *
 * @param clientId         the client id
 * @param clientSecretFile absolute path of the file holding the client secret; only the path is held here
 * @param tokenPrefix      if given, only opaque tokens that start with it are sent to this issuer (and the
 *                         tokens that start with it to no issuer without a prefix)
 */
public record IntrospectionConfig(String clientId, Path clientSecretFile, Optional<String> tokenPrefix) {

    public IntrospectionConfig {
        Objects.requireNonNull(clientId, "clientId");
        Objects.requireNonNull(clientSecretFile, "clientSecretFile");
        Objects.requireNonNull(tokenPrefix, "tokenPrefix");
    }

    /** Without a token prefix. */
    public IntrospectionConfig(String clientId, Path clientSecretFile) {
        this(clientId, clientSecretFile, Optional.empty());
    }
}
