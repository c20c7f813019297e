package io.authtier.runtime.http;

import io.authtier.runtime.config.RouteConfig;
import io.authtier.runtime.config.RoutePaths;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * The access rules of {@code routes}, by path prefix; the longest matching prefix applies. Paths are
 * brought into {@link RoutePaths}' normal form before matching, so {@code /public/../admin} and
 * {@code /admin;x=1} meet the rule of {@code /admin}; a path that has no normal form lets nobody in.
 * A prefix guards the same paths with or without a trailing slash ({@link RoutePaths#guarded}), and
 * whatever their case or the dots and spaces at the end of a segment ({@link RoutePaths#matchKey}).
 */
public final class RouteRules {
    private record Route(String prefix, AccessRule rule) {}

    private final List<Route> routes;

    public RouteRules(List<RouteConfig> routes) {
        this.routes = routes.stream()
                .map(r -> new Route(RoutePaths.matchKey(RoutePaths.guarded(r.pathPrefix())), new AccessRule(
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
        var path = RoutePaths.normalise(rawPath);
        if (path.isEmpty()) {
            return Access.NOBODY;
        }
        var key = RoutePaths.matchKey(path.get());
        return routes.stream().filter(route -> matches(route.prefix(), key)).findFirst()
                .<Access>map(Route::rule).orElse(Access.ANYONE);
    }

    private static boolean matches(String prefix, String path) {
        return path.equals(prefix) || prefix.equals("/") || path.startsWith(prefix + "/");
    }
}
