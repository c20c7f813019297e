package io.authtier.runtime.config;

import java.util.List;
import java.util.Objects;

/**
 * Who may reach the paths under {@code pathPrefix}: the longest matching prefix applies, on top of any
 * rule in the {@code /auth} query. A principal passes when it is in one of {@code allowedGroups} (if
 * any), has one of {@code allowedRoles} (if any) and has every one of {@code requiredScopes}.
 */
public record RouteConfig(String pathPrefix, List<String> allowedGroups, List<String> allowedRoles,
        List<String> requiredScopes) {

    public RouteConfig {
        Objects.requireNonNull(pathPrefix, "pathPrefix");
        allowedGroups = List.copyOf(allowedGroups);
        allowedRoles = List.copyOf(allowedRoles);
        requiredScopes = List.copyOf(requiredScopes);
    }
}
