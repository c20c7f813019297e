package io.authtier.runtime.config;

import static io.authtier.runtime.config.Configs.MINIMAL;
import static io.authtier.runtime.config.Configs.configOf;
import static io.authtier.runtime.config.Configs.problemsOf;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

@DisplayName("RuntimeConfigLoader")
class RuntimeConfigLoaderTest {

    @TempDir
    Path secrets;

    @Test
    @DisplayName("A file that sets every field loads into records holding exactly those values")
    void fullFileRoundTrips() throws Exception {
        // Given a file that sets every field, none to its default
        Path oidc = Configs.secretFile(secrets, "oidc", "introspection-secret");
        Path k1 = Configs.signingKey(secrets, "k1");
        Path k2 = Configs.signingKey(secrets, "k2");
        Path web = Configs.secretFile(secrets, "web", "web-secret");
        Path redisPassword = Configs.secretFile(secrets, "redis", "redis-password");
        String yaml = """
                server:
                  port: 8443
                  managementPort: 9443
                  trustedProxies: [10.0.0.0/8, "::1/128"]
                  maxTokenBytes: 16384
                  adminPort: 9444
                issuers:
                - name: main
                  issuerUrl: https://keycloak.example.com/realms/shop
                  audiences: [shop-api, shop-admin]
                  allowedAlgorithms: [ES256, EdDSA]
                  clockSkew: 1m
                  introspection:
                    clientId: authtier
                    clientSecretFile: %s
                - name: partner
                  issuerUrl: http://partner-idp:8080/
                  audiences: [partner-api]
                tokenCache:
                  l1: {maxEntries: 5000, ttl: 10m}
                  l2: {enabled: false, ttl: 2m}
                  negativeTtl: 3s
                resilience:
                  timeout: 1500ms
                  retry: {maxAttempts: 5, initialBackoff: 100ms}
                  circuitBreaker: {failureRateThreshold: 25, waitInOpenState: 1m}
                  maxConnections: 50
                sessions:
                  store: Redis
                  cookie:
                    name: __Host-shop
                    sameSite: Strict
                    signingKeys:
                    - {id: k2, file: %s}
                    - {id: k1, file: %s}
                  idleTimeout: 1h30m
                  absoluteTimeout: 12h
                  login:
                    issuer: main
                    clientId: shop-web
                    clientSecretFile: %s
                    scopes: [openid, email]
                    allowedRedirectDomains: [shop.example.com, "*.shop.example.com"]
                    redirectUrl: https://auth.shop.example.com/oauth2/callback
                    redirectToLogin: true
                  passAccessToken: Authorization
                  localCacheTtl: 250ms
                redis:
                  topology: Cluster
                  endpoints: [redis-0.redis:6379, "10.0.0.5:6380", "[::1]:6381"]
                  passwordFile: %s
                  tls: true
                """.formatted(oidc, k2, k1, web, redisPassword);

        // When it is loaded
        RuntimeConfig config = configOf(yaml);

        // Then every value is in its record
        assertThat(config).isEqualTo(new RuntimeConfig(
                new ServerConfig(8443, 9443, List.of(Cidr.parse("10.0.0.0/8"), Cidr.parse("::1/128")), 16384, 9444),
                List.of(
                        new IssuerConfig("main", URI.create("https://keycloak.example.com/realms/shop"),
                                List.of("shop-api", "shop-admin"),
                                List.of(SignatureAlgorithm.ES256, SignatureAlgorithm.EdDSA), Duration.ofMinutes(1),
                                Optional.of(new IntrospectionConfig("authtier", oidc))),
                        new IssuerConfig("partner", URI.create("http://partner-idp:8080/"), List.of("partner-api"),
                                List.of(SignatureAlgorithm.RS256, SignatureAlgorithm.PS256, SignatureAlgorithm.ES256),
                                Duration.ofSeconds(30), Optional.empty())),
                new TokenCacheConfig(new TokenCacheConfig.L1(5000, Duration.ofMinutes(10)),
                        new TokenCacheConfig.L2(false, Duration.ofMinutes(2)), Duration.ofSeconds(3)),
                new ResilienceConfig(Duration.ofMillis(1500), new ResilienceConfig.Retry(5, Duration.ofMillis(100)),
                        new ResilienceConfig.CircuitBreaker(25, Duration.ofMinutes(1)), 50),
                new SessionsConfig(SessionStoreType.Redis,
                        new CookieConfig("__Host-shop", SameSite.Strict,
                                List.of(new SigningKeyFile("k2", k2), new SigningKeyFile("k1", k1))),
                        Duration.ofMinutes(90), Duration.ofHours(12),
                        Optional.of(new LoginConfig("main", "shop-web", Optional.of(web), List.of("openid", "email"),
                                List.of("shop.example.com", "*.shop.example.com"),
                                Optional.of(URI.create("https://auth.shop.example.com/oauth2/callback")), true)),
                        AccessTokenPassing.Authorization, Duration.ofMillis(250)),
                Optional.of(new RedisConfig(RedisTopology.Cluster,
                        List.of(new HostAndPort("redis-0.redis", 6379), new HostAndPort("10.0.0.5", 6380),
                                new HostAndPort("::1", 6381)),
                        Optional.of(redisPassword), true)),
                List.of()));
        // And the issuer URL keeps its exact text, trailing slash included, for comparing with `iss`
        assertThat(config.issuers().get(1).issuerUrl()).hasToString("http://partner-idp:8080/");
    }

    @Test
    @DisplayName("A file with one issuer and nothing else gets every default")
    void minimalFileGetsDefaults() {
        // Given the smallest valid file
        // When it is loaded
        RuntimeConfig config = configOf(MINIMAL);

        // Then every other value is its documented default, with the L2 cache off and sessions in memory
        assertThat(config).isEqualTo(new RuntimeConfig(
                new ServerConfig(8080, 9090, List.of(), 8192, 9091),
                List.of(new IssuerConfig("main", URI.create("https://keycloak.example.com/realms/shop"),
                        List.of("shop-api"),
                        List.of(SignatureAlgorithm.RS256, SignatureAlgorithm.PS256, SignatureAlgorithm.ES256),
                        Duration.ofSeconds(30), Optional.empty())),
                new TokenCacheConfig(new TokenCacheConfig.L1(100_000, Duration.ofMinutes(5)),
                        new TokenCacheConfig.L2(false, Duration.ofMinutes(5)), Duration.ofSeconds(5)),
                new ResilienceConfig(Duration.ofSeconds(2), new ResilienceConfig.Retry(3, Duration.ofMillis(200)),
                        new ResilienceConfig.CircuitBreaker(50, Duration.ofSeconds(30)), 100),
                new SessionsConfig(SessionStoreType.Memory, new CookieConfig("__Host-authtier", SameSite.Lax, List.of()),
                        Duration.ofHours(24), Duration.ofDays(7), Optional.empty(), AccessTokenPassing.None,
                        Duration.ofMillis(500)),
                Optional.empty(),
                List.of()));
    }

    @Test
    @DisplayName("With a redis section, the L2 cache is on and sessions go to Redis unless the file says otherwise")
    void redisSectionTurnsOnRedisDefaults() {
        // Given the minimal file plus a redis section
        String yaml = MINIMAL + """
                redis:
                  endpoints: [redis:6379]
                """;

        // When it is loaded
        RuntimeConfig config = configOf(yaml);

        // Then Redis backs both, as one standalone server without TLS or password
        assertThat(config.tokenCache().l2().enabled()).isTrue();
        assertThat(config.sessions().store()).isEqualTo(SessionStoreType.Redis);
        assertThat(config.redis()).contains(
                new RedisConfig(RedisTopology.Standalone, List.of(new HostAndPort("redis", 6379)), Optional.empty(), false));
    }

    @Test
    @DisplayName("Sections written with nothing under them read as empty, so they get their defaults")
    void emptySectionsGetDefaults() {
        // Given optional sections present but empty (YAML null)
        String yaml = MINIMAL + """
                server:
                tokenCache:
                  l1:
                resilience: {}
                sessions:
                """;

        // When it is loaded
        RuntimeConfig config = configOf(yaml);

        // Then the result is the same as without them
        assertThat(config).isEqualTo(configOf(MINIMAL));
    }

    @Test
    @DisplayName("A file on disk loads the same as its text")
    void loadsFromFile() throws IOException {
        // Given the minimal configuration in a file
        Path file = Files.writeString(secrets.resolve("runtime.yaml"), MINIMAL);

        // When it is loaded from the file
        LoadResult result = new RuntimeConfigLoader().load(file);

        // Then it is the configuration the text gives
        assertThat(result).isEqualTo(new LoadResult.Loaded(configOf(MINIMAL)));
    }

    @Test
    @DisplayName("A file one byte over 3 MiB is refused as a whole, however valid its start, and one of exactly 3 MiB is read")
    void fileOverTheLimitRefused() throws IOException {
        // Given a valid configuration padded with a comment to one byte over the limit, and one to exactly it
        // (a comment, which YAML's own limit on a document does not count)
        Path over = Files.writeString(secrets.resolve("over.yaml"), padded(MINIMAL, RuntimeConfigLoader.MAX_BYTES + 1));
        Path atLimit = Files.writeString(secrets.resolve("at-limit.yaml"), padded(MINIMAL, RuntimeConfigLoader.MAX_BYTES));

        // When each is loaded
        LoadResult refused = new RuntimeConfigLoader().load(over);
        LoadResult read = new RuntimeConfigLoader().load(atLimit);

        // Then the larger is one document-level problem that says what to check, and the other loads
        assertThat(refused).isEqualTo(new LoadResult.Invalid(List.of(new ConfigProblem("", "the file is larger than 3 MiB"
                + " (3145728 bytes), the most a configuration may be; is it the configuration file? a configuration is a few"
                + " kilobytes of YAML"))));
        assertThat(read).isEqualTo(new LoadResult.Loaded(configOf(MINIMAL)));
    }

    @Test
    @EnabledOnOs(OS.LINUX)
    @DisplayName("A device without end (/dev/zero) is read only to the limit and refused like a file over it")
    void deviceWithoutEndRefused() throws IOException {
        // When /dev/zero is loaded as the configuration
        LoadResult result = new RuntimeConfigLoader().load(Path.of("/dev/zero"));

        // Then it is refused as too large, without reading it to the end of the heap
        assertThat(result).isInstanceOfSatisfying(LoadResult.Invalid.class, invalid -> assertThat(invalid.problems())
                .singleElement().extracting(ConfigProblem::message).asString().startsWith("the file is larger than 3 MiB"));
    }

    /** {@code yaml} followed by a comment line that makes it exactly {@code bytes} long (ASCII). */
    private static String padded(String yaml, int bytes) {
        String start = yaml + "#";
        return start + "x".repeat(bytes - start.length() - 1) + "\n";
    }

    @Test
    @DisplayName("A missing file is an I/O error, not a configuration problem")
    void missingFileThrows() {
        // Given a path with no file
        Path file = secrets.resolve("absent.yaml");

        // When it is loaded, then the caller learns that the file is not there
        assertThatThrownBy(() -> new RuntimeConfigLoader().load(file)).isInstanceOf(NoSuchFileException.class);
    }

    @Test
    @DisplayName("A summary names the issuers, the stores and the ports and holds no path")
    void summary() {
        // Given a configuration with Redis and login
        Path key = Configs.signingKey(secrets, "k1");
        RuntimeConfig config = configOf(MINIMAL + """
                sessions:
                  cookie: {signingKeys: [{id: k1, file: %s}]}
                  login: {issuer: main, clientId: web, allowedRedirectDomains: [shop.example.com]}
                redis: {topology: Cluster, endpoints: ["a:1", "b:2", "c:3"], tls: true}
                """.formatted(key));

        // When it is summarised
        String summary = config.summary();

        // Then one line says what runs
        assertThat(summary).isEqualTo("issuers main; sessions Redis; login via main; L2 cache unused (no issuer has introspection); "
                + "redis Cluster (3 endpoints, TLS); ports 8080 (auth) / 9090 (management)");
        assertThat(config.unusedRedis()).isEmpty();
    }

    @Test
    @DisplayName("Redis that nothing would use (no introspection, no login) is called unused, with what would use it")
    void unusedRedis() {
        RuntimeConfig config = configOf(MINIMAL + """
                redis: {topology: Standalone, endpoints: ["redis:6379"]}
                """);

        assertThat(config.summary()).isEqualTo("issuers main; sessions unused (no sessions.login); login off; "
                + "L2 cache unused (no issuer has introspection); redis Standalone (1 endpoint), unused; ports 8080 (auth) / 9090 (management)");
        assertThat(config.unusedRedis()).hasValueSatisfying(why -> assertThat(why)
                .contains("no issuer has introspection").contains("sessions.login").contains("remove redis"));
        assertThat(config.warnings()).containsExactly(config.unusedRedis().orElseThrow());
    }

    @Test
    @DisplayName("Valid but risky settings give one start-up warning each: proxies trusted at every address, an issuer over plain http off the machine")
    void riskySettingsWarned() {
        // Given trusted proxies that include every IPv4 and every IPv6 address, and plain-http issuers on
        // another machine and on the loopback
        RuntimeConfig config = configOf("""
                server:
                  trustedProxies: [10.0.0.0/8, 0.0.0.0/0, "::/0"]
                issuers:
                - {name: main, issuerUrl: https://keycloak.example.com/realms/shop, audiences: [a]}
                - {name: cluster, issuerUrl: http://keycloak.auth:8080/realms/shop, audiences: [a]}
                - {name: local, issuerUrl: http://127.0.0.1:8080/realms/dev, audiences: [a]}
                - {name: local-v6, issuerUrl: "http://[::1]:8080/realms/dev", audiences: [a]}
                - {name: localhost, issuerUrl: http://localhost:8080/realms/dev, audiences: [a]}
                """);

        // When the start-up warnings are made
        List<String> warnings = config.warnings();

        // Then each risky setting has one line naming its field, why it is risky and what to do; the loopback is fine
        String anyClient = "trusts every address as a proxy, so any client can set the X-Forwarded-* headers the runtime"
                + " believes (client address, original path for routes, login redirect host); list only the proxies in"
                + " front of the runtime, e.g. 10.0.0.0/8";
        assertThat(warnings).containsExactly(
                "server.trustedProxies[1]: '0.0.0.0/0' " + anyClient,
                "server.trustedProxies[2]: '0:0:0:0:0:0:0:0/0' " + anyClient,
                "issuers[1].issuerUrl: 'http://keycloak.auth:8080/realms/shop' is plain http to another machine: what the"
                        + " runtime fetches from this IdP (discovery, signing keys, introspection, login tokens) travels in"
                        + " cleartext, and whoever can change it on the way can have their own tokens accepted; use https");
        // And narrow proxies and https issuers give none
        assertThat(configOf(MINIMAL + "server: {trustedProxies: [10.0.0.0/8, \"fd00::/8\", 192.168.1.1/32]}").warnings()).isEmpty();
    }
}
