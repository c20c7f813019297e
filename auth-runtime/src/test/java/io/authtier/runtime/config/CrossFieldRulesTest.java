package io.authtier.runtime.config;

import static io.authtier.runtime.config.Configs.MINIMAL;
import static io.authtier.runtime.config.Configs.configOf;
import static io.authtier.runtime.config.Configs.problemsOf;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@DisplayName("Rules between fields")
class CrossFieldRulesTest {

    @TempDir
    Path secrets;

    private Path key;

    @BeforeEach
    void signingKey() {
        key = Configs.signingKey(secrets, "k1");
    }

    @Test
    @DisplayName("The management port must differ from the auth port")
    void portsDiffer() {
        // Given both ports 8080
        String yaml = MINIMAL + "server: {port: 8080, managementPort: 8080}\n";

        // When it is loaded
        List<ConfigProblem> problems = problemsOf(yaml);

        // Then the management port is named, with a free one suggested
        assertThat(problems).containsExactly(new ConfigProblem("server.managementPort",
                "must differ from server.port (both are 8080); the management endpoints need a port of their own, e.g. 9090"));
    }

    @Test
    @DisplayName("With login, the admin port must differ from the other two, and the port suggested is free")
    void adminPortDiffers() {
        // Given login on, and the management port on the admin port's default
        String yaml = withLogin("server: {port: 8080, managementPort: 9091}");

        // When it is loaded
        List<ConfigProblem> problems = problemsOf(yaml);

        // Then the admin port is named, with a port that clashes with neither
        assertThat(problems).containsExactly(new ConfigProblem("server.adminPort",
                "must differ from server.port (8080) and server.managementPort (9091); the admin API listens on loopback on a port of its own, e.g. 9092"));
    }

    @Test
    @DisplayName("With login, the management port suggested is not the admin port either")
    void managementPortSuggestionAvoidsAdminPort() {
        String yaml = withLogin("server: {port: 9090, managementPort: 9090}");

        assertThat(problemsOf(yaml)).containsExactly(new ConfigProblem("server.managementPort",
                "must differ from server.port (both are 9090); the management endpoints need a port of their own, e.g. 9092"));
    }

    private String withLogin(String server) {
        return MINIMAL + server + "\n" + """
                sessions:
                  login: {issuer: main, clientId: web, allowedRedirectDomains: [shop.example.com]}
                  cookie: {signingKeys: [{id: k1, file: %s}]}
                """.formatted(key);
    }

    @Test
    @DisplayName("Without login the admin port is never opened, so its default may be another port's number")
    void adminPortIgnoredWithoutLogin() {
        assertThat(configOf(MINIMAL + "server: {port: 8080, managementPort: 9091}\n").server().managementPort()).isEqualTo(9091);
    }

    @Test
    @DisplayName("Two issuers may not share an introspection tokenPrefix")
    void uniqueTokenPrefixes() throws Exception {
        Path secret = java.nio.file.Files.writeString(secrets.resolve("introspection"), "s3cr3t");
        String yaml = """
                issuers:
                - {name: a, issuerUrl: 'https://a.example.com', audiences: [a], introspection: {clientId: c, clientSecretFile: %s, tokenPrefix: at_}}
                - {name: b, issuerUrl: 'https://b.example.com', audiences: [b], introspection: {clientId: c, clientSecretFile: %s, tokenPrefix: at_}}
                """.formatted(secret, secret);

        assertThat(problemsOf(yaml)).containsExactly(new ConfigProblem("issuers[1].introspection.tokenPrefix",
                "'at_' is already the tokenPrefix of issuers[0]; give each issuer the prefix of its own tokens"));
    }

    @Test
    @DisplayName("Two issuers may not share a name")
    void uniqueIssuerNames() {
        // Given two issuers called main
        String yaml = """
                issuers:
                - {name: main, issuerUrl: 'https://a.example.com', audiences: [a]}
                - {name: other, issuerUrl: 'https://b.example.com', audiences: [b]}
                - {name: main, issuerUrl: 'https://c.example.com', audiences: [c]}
                """;

        // When it is loaded
        List<ConfigProblem> problems = problemsOf(yaml);

        // Then the second one is named, with the first
        assertThat(problems).containsExactly(new ConfigProblem("issuers[2].name",
                "'main' is already the name of issuers[0]; give each issuer its own name"));
    }

    @Test
    @DisplayName("Two issuers may not share an issuer URL")
    void uniqueIssuerUrls() {
        // Given two issuers, under different names, with the same issuer URL
        String yaml = """
                issuers:
                - {name: main, issuerUrl: 'https://a.example.com/realms/shop', audiences: [a]}
                - {name: again, issuerUrl: 'https://a.example.com/realms/shop', audiences: [b]}
                - {name: other, issuerUrl: 'https://a.example.com/realms/shop/', audiences: [c]}
                """;

        // When it is loaded
        List<ConfigProblem> problems = problemsOf(yaml);

        // Then the second one is named, with the first and the fix; a URL that differs by a slash is another issuer
        assertThat(problems).containsExactly(new ConfigProblem("issuers[1].issuerUrl",
                "'https://a.example.com/realms/shop' is already the issuerUrl of issuers[0]; list each issuer once, "
                        + "with all its audiences in one audiences list"));
    }

    @Test
    @DisplayName("A rejection may not be cached longer than an acceptance")
    void negativeTtlAtMostL1Ttl() {
        // Given a negative TTL above the L1 TTL
        String yaml = MINIMAL + "tokenCache: {l1: {ttl: 1m}, negativeTtl: 90s}\n";

        // When it is loaded
        List<ConfigProblem> problems = problemsOf(yaml);

        // Then
        assertThat(problems).singleElement().satisfies(problem -> {
            assertThat(problem.path()).isEqualTo("tokenCache.negativeTtl");
            assertThat(problem.message()).startsWith("must be at most tokenCache.l1.ttl (1m), got 1m30s");
        });
    }

    @Test
    @DisplayName("Turning the L2 cache on without Redis names the field and both fixes")
    void l2NeedsRedis() {
        // Given l2.enabled set to true and no redis section
        String yaml = MINIMAL + "tokenCache: {l2: {enabled: true}}\n";

        // When it is loaded
        List<ConfigProblem> problems = problemsOf(yaml);

        // Then
        assertThat(problems).containsExactly(new ConfigProblem("tokenCache.l2.enabled",
                "true needs Redis; add a redis section or set tokenCache.l2.enabled: false"));
    }

    @Test
    @DisplayName("Without Redis and without an explicit setting, the L2 cache is simply off")
    void l2OffByDefaultWithoutRedis() {
        // Given an L2 TTL but no enabled flag and no redis section
        String yaml = MINIMAL + "tokenCache: {l2: {ttl: 1m}}\n";

        // When it is loaded
        RuntimeConfig config = configOf(yaml);

        // Then
        assertThat(config.tokenCache().l2().enabled()).isFalse();
    }

    @Test
    @DisplayName("Redis sessions without a redis section name the field and both fixes")
    void redisStoreNeedsRedis() {
        // Given store: Redis and no redis section
        String yaml = MINIMAL + "sessions: {store: Redis}\n";

        // When it is loaded
        List<ConfigProblem> problems = problemsOf(yaml);

        // Then
        assertThat(problems).containsExactly(new ConfigProblem("sessions.store",
                "Redis needs a redis section; add one, or set sessions.store: Memory (one replica only)"));
    }

    @Test
    @DisplayName("The absolute session timeout may not be shorter than the idle one")
    void absoluteAtLeastIdle() {
        // Given idle 8h and absolute 1h
        String yaml = MINIMAL + "sessions: {idleTimeout: 8h, absoluteTimeout: 1h}\n";

        // When it is loaded
        List<ConfigProblem> problems = problemsOf(yaml);

        // Then
        assertThat(problems).containsExactly(new ConfigProblem("sessions.absoluteTimeout",
                "must be at least sessions.idleTimeout (8h), got 1h; raise it or lower idleTimeout"));
    }

    @Test
    @DisplayName("Login needs at least one cookie signing key")
    void loginNeedsSigningKeys() {
        // Given a login and no signing keys
        String yaml = MINIMAL + "sessions: {login: {issuer: main, clientId: web, allowedRedirectDomains: [shop.example.com]}}\n";

        // When it is loaded
        List<ConfigProblem> problems = problemsOf(yaml);

        // Then the missing list is named with an example entry
        assertThat(problems).containsExactly(new ConfigProblem("sessions.cookie.signingKeys",
                "required when sessions.login is set; add e.g. - {id: k1, file: /etc/authtier/secrets/cookie/k1}"));
    }

    @Test
    @DisplayName("Two signing keys may not share an id")
    void uniqueKeyIds() {
        // Given two keys called k1
        String yaml = MINIMAL + "sessions: {cookie: {signingKeys: [{id: k1, file: %s}, {id: k1, file: %s}]}}\n".formatted(key, key);

        // When it is loaded
        List<ConfigProblem> problems = problemsOf(yaml);

        // Then
        assertThat(problems).containsExactly(new ConfigProblem("sessions.cookie.signingKeys[1].id",
                "'k1' is already the id of signingKeys[0]; give each key its own id"));
    }

    @Test
    @DisplayName("Login must name a configured issuer")
    void loginIssuerExists() {
        // Given a login at an issuer that is not configured
        String yaml = MINIMAL + """
                sessions:
                  cookie: {signingKeys: [{id: k1, file: %s}]}
                  login: {issuer: partner, clientId: web, allowedRedirectDomains: [shop.example.com]}
                """.formatted(key);

        // When it is loaded
        List<ConfigProblem> problems = problemsOf(yaml);

        // Then the configured names are listed
        assertThat(problems).containsExactly(new ConfigProblem("sessions.login.issuer",
                "'partner' is not the name of a configured issuer; use one of: main"));
    }

    @Test
    @DisplayName("The issuers a login may name are listed once each, even when a name is given twice")
    void loginIssuerChoicesListedOnce() {
        // Given two issuers of one name (refused on its own) and a login at another
        String yaml = MINIMAL + """
                - name: main
                  issuerUrl: https://keycloak.example.com/realms/other
                  audiences: [shop-api]
                sessions:
                  cookie: {signingKeys: [{id: k1, file: %s}]}
                  login: {issuer: partner, clientId: web, allowedRedirectDomains: [shop.example.com]}
                """.formatted(key);

        // When it is loaded
        List<ConfigProblem> problems = problemsOf(yaml);

        // Then the login's problem names main once
        assertThat(problems).contains(new ConfigProblem("sessions.login.issuer",
                "'partner' is not the name of a configured issuer; use one of: main"));
    }

    @Test
    @DisplayName("Standalone Redis takes exactly one endpoint")
    void standaloneHasOneEndpoint() {
        // Given a standalone Redis with three endpoints
        String yaml = MINIMAL + "redis: {endpoints: ['a:6379', 'b:6379', 'c:6379']}\n";

        // When it is loaded
        List<ConfigProblem> problems = problemsOf(yaml);

        // Then
        assertThat(problems).containsExactly(new ConfigProblem("redis.endpoints",
                "Standalone takes exactly one endpoint, got 3; list one, or set redis.topology: Cluster"));
    }

    @Test
    @DisplayName("All cross-field problems are reported together")
    void allTogether() {
        // Given three rules broken at once
        String yaml = MINIMAL + """
                server: {managementPort: 8080}
                tokenCache: {l2: {enabled: true}}
                sessions: {store: Redis}
                """;

        // When it is loaded
        List<ConfigProblem> problems = problemsOf(yaml);

        // Then
        assertThat(problems).extracting(ConfigProblem::path)
                .containsExactly("server.managementPort", "tokenCache.l2.enabled", "sessions.store");
    }
}
