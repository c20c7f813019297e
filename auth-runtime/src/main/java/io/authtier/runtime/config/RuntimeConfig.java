package io.authtier.runtime.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The runtime's whole configuration (ARCHITECTURE.md, contract 2), with every default applied. Built by
 * {@link RuntimeConfigLoader} from the file the operator renders or a person writes; see
 * {@code docs/runtime-config.md} for the format.
 *
 * @param server     ports, trusted proxies, token size cap
 * @param issuers    at least one; names are unique
 * @param tokenCache L1 (in memory) and L2 (Redis) caches of validation results
 * @param resilience timeouts, retries, circuit breaker and connection pool for calls to the IdP
 * @param sessions   browser sessions and, optionally, the login flow
 * @param redis      the Redis to use; present whenever sessions or the L2 cache use Redis
 * @param routes     access rules by path prefix, for {@code /ext-authz/**} and {@code /auth}
 */
public record RuntimeConfig(
        ServerConfig server,
        List<IssuerConfig> issuers,
        TokenCacheConfig tokenCache,
        ResilienceConfig resilience,
        SessionsConfig sessions,
        Optional<RedisConfig> redis,
        List<RouteConfig> routes) {

    public RuntimeConfig {
        Objects.requireNonNull(server, "server");
        issuers = List.copyOf(issuers);
        Objects.requireNonNull(tokenCache, "tokenCache");
        Objects.requireNonNull(resilience, "resilience");
        Objects.requireNonNull(sessions, "sessions");
        Objects.requireNonNull(redis, "redis");
        routes = List.copyOf(routes);
    }

    /** The issuer called {@code name}, if configured. */
    public Optional<IssuerConfig> issuer(String name) {
        return issuers.stream().filter(issuer -> issuer.name().equals(name)).findFirst();
    }

    /** Whether the L2 cache is in use: enabled, and some issuer introspects (only introspection answers are cached there). */
    public boolean l2InUse() {
        return tokenCache.l2().enabled() && issuers.stream().anyMatch(issuer -> issuer.introspection().isPresent());
    }

    /** Whether sessions are in use: only the login flow makes them. */
    public boolean sessionsInUse() {
        return sessions.login().isPresent();
    }

    /**
     * Why {@code redis} is configured but nothing will use it, if so: the runtime then opens no connection to
     * it, and it neither counts for readiness nor has metrics.
     */
    public Optional<String> unusedRedis() {
        boolean used = l2InUse() || sessionsInUse() && sessions.store() == SessionStoreType.Redis;
        return redis.isPresent() && !used
                ? Optional.of("redis is configured but nothing uses it: the L2 cache holds introspection answers only and no "
                        + "issuer has introspection, and sessions exist only with sessions.login; add one of them, or remove redis")
                : Optional.empty();
    }

    /**
     * Settings that are valid but risky, one log line each, for the start-up log: Redis that nothing uses
     * ({@link #unusedRedis()}), a trusted proxy network of every address, an issuer on another machine
     * over plain http.
     */
    public List<String> warnings() {
        List<String> warnings = new ArrayList<>();
        unusedRedis().ifPresent(warnings::add);
        for (int i = 0; i < server.trustedProxies().size(); i++) {
            Cidr proxies = server.trustedProxies().get(i);
            if (proxies.everyAddress()) {
                warnings.add(("server.trustedProxies[%d]: '%s' trusts every address as a proxy, so any client can set the"
                        + " X-Forwarded-* headers the runtime believes (client address, original path for routes, login"
                        + " redirect host); list only the proxies in front of the runtime, e.g. 10.0.0.0/8").formatted(i, proxies));
            }
        }
        for (int i = 0; i < issuers.size(); i++) {
            IssuerConfig issuer = issuers.get(i);
            if (issuer.cleartextOffHost()) {
                warnings.add(("issuers[%d].issuerUrl: '%s' is plain http to another machine: what the runtime fetches from"
                        + " this IdP (discovery, signing keys, introspection, login tokens) travels in cleartext, and whoever can"
                        + " change it on the way can have their own tokens accepted; use https").formatted(i, issuer.issuerUrl()));
            }
        }
        return List.copyOf(warnings);
    }

    /**
     * One line for the start-up log: what is configured and in use, without paths or anything secret, e.g.
     * {@code issuers main, partner; sessions Memory; login off; L2 cache off; redis none; ports 8080/9090}.
     */
    public String summary() {
        return "issuers %s; sessions %s; login %s; L2 cache %s; redis %s; ports %d (auth) / %d (management)".formatted(
                issuers.stream().map(IssuerConfig::name).collect(Collectors.joining(", ")),
                sessionsInUse() ? sessions.store() : "unused (no sessions.login)",
                sessions.login().map(login -> "via " + login.issuer()).orElse("off"),
                l2InUse() ? "on" : tokenCache.l2().enabled() ? "unused (no issuer has introspection)" : "off",
                redis.map(r -> r.topology() + " (" + r.endpoints().size() + " endpoint"
                        + (r.endpoints().size() == 1 ? "" : "s") + (r.tls() ? ", TLS" : "") + ")"
                        + (unusedRedis().isPresent() ? ", unused" : "")).orElse("none"),
                server.port(),
                server.managementPort());
    }
}
