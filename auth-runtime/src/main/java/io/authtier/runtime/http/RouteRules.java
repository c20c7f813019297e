package io.authtier.runtime.http;

import io.authtier.runtime.config.RouteConfig;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * The access rules of {@code routes}, by path prefix; the longest matching prefix applies. Paths are
 * normalised before matching ({@code %}-decoding, {@code .} and {@code ..} segments, repeated slashes),
 * so {@code /public/../admin} meets the rule of {@code /admin}; a path that cannot be read is unknown.
 */
public final class RouteRules {
    private record Route(String prefix, AccessRule rule) {}

    private final List<Route> routes;

    public RouteRules(List<RouteConfig> routes) {
        this.routes = routes.stream()
                .map(r -> new Route(r.pathPrefix(), new AccessRule(
                        java.util.Set.copyOf(r.allowedGroups()), java.util.Set.copyOf(r.allowedRoles()),
                        java.util.Set.copyOf(r.requiredScopes()))))
                .sorted(Comparator.comparingInt((Route r) -> r.prefix().length()).reversed())
                .toList();
    }

    public boolean isEmpty() {
        return routes.isEmpty();
    }

    /**
     * The access for {@code rawPath} (as sent, possibly with a query): the longest matching route's rule,
     * {@link Access#ANYONE} if none matches, {@link Access#NOBODY} if the path cannot be read.
     */
    public Access forPath(String rawPath) {
        var path = normalise(rawPath);
        if (path.isEmpty()) {
            return Access.NOBODY;
        }
        return routes.stream().filter(route -> matches(route.prefix(), path.get())).findFirst()
                .<Access>map(Route::rule).orElse(Access.ANYONE);
    }

    static Optional<String> normalise(String rawPath) {
        if (rawPath == null || rawPath.isEmpty()) {
            return Optional.empty();
        }
        try {
            var withoutQuery = rawPath.split("[?#]", 2)[0];
            // Decode once, as the server behind the proxy will, and only then resolve dot segments:
            // normalising first would let an encoded "%2e%2e" through as a plain name.
            // Slashes collapsed first, too: "//admin" would otherwise parse as a host.
            var decoded = URI.create(withoutQuery.replaceAll("/{2,}", "/")).getPath();
            if (decoded == null) {
                return Optional.empty();
            }
            var normalised = new URI(null, null, decoded.replaceAll("/{2,}", "/"), null).normalize().getPath();
            if (!normalised.startsWith("/") || normalised.startsWith("/..")) {
                return Optional.empty();
            }
            return Optional.of(normalised);
        } catch (IllegalArgumentException | URISyntaxException e) {
            return Optional.empty();
        }
    }

    private static boolean matches(String prefix, String path) {
        return path.equals(prefix) || prefix.endsWith("/") && path.startsWith(prefix) || path.startsWith(prefix + "/");
    }
}
