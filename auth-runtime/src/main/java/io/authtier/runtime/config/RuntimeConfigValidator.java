package io.authtier.runtime.config;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * The rules that compare fields with each other, run on a configuration whose fields are each valid on
 * their own (as oauth2-proxy separates its options from their validation). Single-field rules are checked
 * while reading the file, by {@link RuntimeConfigLoader}.
 */
public final class RuntimeConfigValidator {

    /** Every cross-field problem of {@code config}; empty if there is none. */
    public List<ConfigProblem> validate(RuntimeConfig config) {
        List<ConfigProblem> problems = new ArrayList<>();
        ports(config.server(), config.sessions().login().isPresent(), problems);
        uniqueIssuerNames(config.issuers(), problems);
        uniqueIssuerUrls(config.issuers(), problems);
        uniqueTokenPrefixes(config.issuers(), problems);
        tokenCache(config, problems);
        sessions(config, problems);
        config.redis().ifPresent(redis -> redis(redis, problems));
        routes(config.routes(), problems);
        return List.copyOf(problems);
    }

    private static void routes(List<RouteConfig> routes, List<ConfigProblem> problems) {
        Map<String, Integer> firstIndex = new HashMap<>();
        for (int i = 0; i < routes.size(); i++) {
            RouteConfig route = routes.get(i);
            if (route.allowedGroups().isEmpty() && route.allowedRoles().isEmpty() && route.requiredScopes().isEmpty()) {
                problems.add(new ConfigProblem("routes[%d]".formatted(i),
                        "needs allowedGroups, allowedRoles or requiredScopes; a route without them would allow every valid token"));
            }
            // "/vault", "/vault/" and "/Vault" guard the same paths: two rules for them would be one rule too many.
            Integer first = firstIndex.putIfAbsent(RoutePaths.matchKey(RoutePaths.guarded(route.pathPrefix())), i);
            if (first != null) {
                problems.add(new ConfigProblem("routes[%d].pathPrefix".formatted(i),
                        "'%s' guards the same paths as the prefix of routes[%d] ('%s'); merge the two rules"
                                .formatted(route.pathPrefix(), first, routes.get(first).pathPrefix())));
            }
        }
    }

    /** @param adminListens whether the admin port is opened at all: only with browser login */
    private static void ports(ServerConfig server, boolean adminListens, List<ConfigProblem> problems) {
        if (server.managementPort() == server.port()) {
            problems.add(new ConfigProblem("server.managementPort",
                    "must differ from server.port (both are %d); the management endpoints need a port of their own, e.g. %d"
                            .formatted(server.port(), adminListens
                                    ? freePort(9090, server.port(), server.adminPort())
                                    : freePort(9090, server.port()))));
        }
        if (adminListens && (server.adminPort() == server.port() || server.adminPort() == server.managementPort())) {
            problems.add(new ConfigProblem("server.adminPort",
                    "must differ from server.port (%d) and server.managementPort (%d); the admin API listens on loopback on a port of its own, e.g. %d"
                            .formatted(server.port(), server.managementPort(), freePort(9091, server.port(), server.managementPort()))));
        }
    }

    /** The first port from {@code from} up that is none of {@code taken}: a suggestion that does not clash again. */
    private static int freePort(int from, int... taken) {
        return IntStream.iterate(from, port -> port + 1)
                .filter(port -> Arrays.stream(taken).noneMatch(t -> t == port)).findFirst().orElseThrow();
    }

    private static void uniqueIssuerNames(List<IssuerConfig> issuers, List<ConfigProblem> problems) {
        Map<String, Integer> firstIndex = new HashMap<>();
        for (int i = 0; i < issuers.size(); i++) {
            Integer first = firstIndex.putIfAbsent(issuers.get(i).name(), i);
            if (first != null) {
                problems.add(new ConfigProblem("issuers[%d].name".formatted(i),
                        "'%s' is already the name of issuers[%d]; give each issuer its own name".formatted(issuers.get(i).name(), first)));
            }
        }
    }

    /** A token's {@code iss} picks its issuer by exact text, so a second issuer with the same URL could never be chosen. */
    private static void uniqueIssuerUrls(List<IssuerConfig> issuers, List<ConfigProblem> problems) {
        Map<String, Integer> firstIndex = new HashMap<>();
        for (int i = 0; i < issuers.size(); i++) {
            Integer first = firstIndex.putIfAbsent(issuers.get(i).issuerUrl().toString(), i);
            if (first != null) {
                problems.add(new ConfigProblem("issuers[%d].issuerUrl".formatted(i),
                        "'%s' is already the issuerUrl of issuers[%d]; list each issuer once, with all its audiences in one audiences list"
                                .formatted(issuers.get(i).issuerUrl(), first)));
            }
        }
    }

    /** Two issuers with one token prefix would see each other's opaque tokens, which the prefix is there to prevent. */
    private static void uniqueTokenPrefixes(List<IssuerConfig> issuers, List<ConfigProblem> problems) {
        Map<String, Integer> firstIndex = new HashMap<>();
        for (int i = 0; i < issuers.size(); i++) {
            int index = i;
            issuers.get(i).introspection().flatMap(IntrospectionConfig::tokenPrefix).ifPresent(prefix -> {
                Integer first = firstIndex.putIfAbsent(prefix, index);
                if (first != null) {
                    problems.add(new ConfigProblem("issuers[%d].introspection.tokenPrefix".formatted(index),
                            "'%s' is already the tokenPrefix of issuers[%d]; give each issuer the prefix of its own tokens".formatted(prefix, first)));
                }
            });
        }
    }

    private static void tokenCache(RuntimeConfig config, List<ConfigProblem> problems) {
        TokenCacheConfig cache = config.tokenCache();
        if (cache.negativeTtl().compareTo(cache.l1().ttl()) > 0) {
            problems.add(new ConfigProblem("tokenCache.negativeTtl",
                    "must be at most tokenCache.l1.ttl (%s), got %s; a rejection must not be remembered longer than an acceptance"
                            .formatted(DurationParser.format(cache.l1().ttl()), DurationParser.format(cache.negativeTtl()))));
        }
        if (cache.l2().enabled() && config.redis().isEmpty()) {
            problems.add(new ConfigProblem("tokenCache.l2.enabled",
                    "true needs Redis; add a redis section or set tokenCache.l2.enabled: false"));
        }
    }

    private static void sessions(RuntimeConfig config, List<ConfigProblem> problems) {
        SessionsConfig sessions = config.sessions();
        if (sessions.store() == SessionStoreType.Redis && config.redis().isEmpty()) {
            problems.add(new ConfigProblem("sessions.store",
                    "Redis needs a redis section; add one, or set sessions.store: Memory (one replica only)"));
        }
        if (sessions.absoluteTimeout().compareTo(sessions.idleTimeout()) < 0) {
            problems.add(new ConfigProblem("sessions.absoluteTimeout",
                    "must be at least sessions.idleTimeout (%s), got %s; raise it or lower idleTimeout"
                            .formatted(DurationParser.format(sessions.idleTimeout()), DurationParser.format(sessions.absoluteTimeout()))));
        }
        List<SigningKeyFile> keys = sessions.cookie().signingKeys();
        if (sessions.login().isPresent() && keys.isEmpty()) {
            problems.add(new ConfigProblem("sessions.cookie.signingKeys",
                    "required when sessions.login is set; add e.g. - {id: k1, file: /etc/authtier/secrets/cookie/k1}"));
        }
        Map<String, Integer> firstIndex = new HashMap<>();
        for (int i = 0; i < keys.size(); i++) {
            Integer first = firstIndex.putIfAbsent(keys.get(i).id(), i);
            if (first != null) {
                problems.add(new ConfigProblem("sessions.cookie.signingKeys[%d].id".formatted(i),
                        "'%s' is already the id of signingKeys[%d]; give each key its own id".formatted(keys.get(i).id(), first)));
            }
        }
        sessions.login().ifPresent(login -> {
            if (config.issuer(login.issuer()).isEmpty()) {
                problems.add(new ConfigProblem("sessions.login.issuer",
                        "'%s' is not the name of a configured issuer; use one of: %s".formatted(login.issuer(),
                                config.issuers().stream().map(IssuerConfig::name).distinct().collect(Collectors.joining(", ")))));
            }
        });
    }

    private static void redis(RedisConfig redis, List<ConfigProblem> problems) {
        if (redis.topology() == RedisTopology.Standalone && redis.endpoints().size() != 1) {
            problems.add(new ConfigProblem("redis.endpoints",
                    "Standalone takes exactly one endpoint, got %d; list one, or set redis.topology: Cluster"
                            .formatted(redis.endpoints().size())));
        }
    }
}
