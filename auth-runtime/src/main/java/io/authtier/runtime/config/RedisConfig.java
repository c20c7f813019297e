package io.authtier.runtime.config;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The {@code redis} section: the store for sessions and the L2 token cache.
 *
 * @param topology     one server, or a cluster
 * @param endpoints    exactly one for {@code Standalone}; seed nodes for {@code Cluster}
 * @param passwordFile absolute path of the file holding the password; empty for no authentication
 * @param tls          whether to connect with TLS
 */
public record RedisConfig(RedisTopology topology, List<HostAndPort> endpoints, Optional<Path> passwordFile, boolean tls) {

    public RedisConfig {
        Objects.requireNonNull(topology, "topology");
        endpoints = List.copyOf(endpoints);
        Objects.requireNonNull(passwordFile, "passwordFile");
    }
}
