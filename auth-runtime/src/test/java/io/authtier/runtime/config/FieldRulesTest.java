package io.authtier.runtime.config;

import static io.authtier.runtime.config.Configs.MINIMAL;
import static io.authtier.runtime.config.Configs.problemsOf;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * One row per rule on a single field: a file that breaks only that rule, the path that must be reported,
 * and a part of the message that says what to do.
 */
@DisplayName("Rules on single fields")
class FieldRulesTest {

    @TempDir
    static Path secrets;

    @ParameterizedTest(name = "{0}")
    @MethodSource("serverRules")
    @DisplayName("server: each rule names the field and the fix")
    void serverRule(String rule, String yaml, String path, String fix) {
        assertOneProblem(yaml, path, fix);
    }

    static Stream<Arguments> serverRules() {
        return Stream.of(
                arguments("port 0 is refused", MINIMAL + "server: {port: 0}", "server.port", "must be between 1 and 65535, got 0"),
                arguments("port 65536 is refused", MINIMAL + "server: {port: 65536}", "server.port", "between 1 and 65535"),
                arguments("a management port above 65535 is refused", MINIMAL + "server: {managementPort: 70000}",
                        "server.managementPort", "between 1 and 65535"),
                arguments("a proxy CIDR with host bits set suggests the network", MINIMAL + "server: {trustedProxies: [10.0.0.1/8]}",
                        "server.trustedProxies[0]", "did you mean 10.0.0.0/8?"),
                arguments("a proxy address without a prefix length suggests /32", MINIMAL + "server: {trustedProxies: [10.1.2.3]}",
                        "server.trustedProxies[0]", "write 10.1.2.3/32"),
                arguments("an IPv6 prefix above 128 is refused", MINIMAL + "server: {trustedProxies: ['fd00::/129']}",
                        "server.trustedProxies[0]", "use 0..128"),
                arguments("a host name is not a proxy CIDR", MINIMAL + "server: {trustedProxies: [proxy.local/32]}",
                        "server.trustedProxies[0]", "is not an IP address"),
                arguments("a token cap below 256 bytes is refused", MINIMAL + "server: {maxTokenBytes: 255}",
                        "server.maxTokenBytes", "between 256 and 65536"),
                arguments("a token cap above 64 KiB is refused", MINIMAL + "server: {maxTokenBytes: 65537}",
                        "server.maxTokenBytes", "between 256 and 65536"),
                arguments("an admin port of 0 is refused", MINIMAL + "server: {adminPort: 0}",
                        "server.adminPort", "between 1 and 65535"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("issuerRules")
    @DisplayName("issuers: each rule names the field and the fix")
    void issuerRule(String rule, String yaml, String path, String fix) {
        assertOneProblem(yaml, path, fix);
    }

    static Stream<Arguments> issuerRules() {
        String secret = Configs.secretFile(secrets, "oidc-secret", "s3cr3t").toString();
        return Stream.of(
                arguments("an upper-case name is refused", issuer("name: Main"), "issuers[0].name", "lowercase letters, digits and '-'"),
                arguments("a name starting with '-' is refused", issuer("name: -main"), "issuers[0].name", "starting and ending with a letter or digit"),
                arguments("a missing name is required", "issuers: [{issuerUrl: 'https://idp.example.com', audiences: [api]}]",
                        "issuers[0].name", "required; a short lowercase id such as main"),
                arguments("a URL without scheme is refused", issuer("issuerUrl: keycloak.example.com/realms/shop"),
                        "issuers[0].issuerUrl", "is not an absolute http(s) URL; e.g. https://"),
                arguments("an ftp URL is refused", issuer("issuerUrl: 'ftp://idp.example.com'"),
                        "issuers[0].issuerUrl", "is not an absolute http(s) URL"),
                arguments("a URL with a query is refused", issuer("issuerUrl: 'https://idp.example.com/realms/a?x=1'"),
                        "issuers[0].issuerUrl", "an issuer URL has no query or fragment"),
                arguments("a URL with a password is refused", issuer("issuerUrl: 'https://u:pw@idp.example.com'"),
                        "issuers[0].issuerUrl", "must not contain user:password@"),
                arguments("an empty audience list is refused", issuer("audiences: []"),
                        "issuers[0].audiences", "must not be empty; list the audience a token must name"),
                arguments("a blank audience is refused", issuer("audiences: ['']"), "issuers[0].audiences[0]", "must not be empty"),
                arguments("HS256 is refused as symmetric", issuer("allowedAlgorithms: [RS256, HS256]"),
                        "issuers[0].allowedAlgorithms[1]", "only asymmetric algorithms are allowed"),
                arguments("alg none is refused as not asymmetric", issuer("allowedAlgorithms: [none]"),
                        "issuers[0].allowedAlgorithms[0]", "only asymmetric algorithms are allowed"),
                arguments("an unknown algorithm lists the known ones", issuer("allowedAlgorithms: [RS1]"),
                        "issuers[0].allowedAlgorithms[0]", "is not one of RS256, RS384, RS512, PS256, PS384, PS512, ES256, ES384, ES512, EdDSA, Ed25519"),
                arguments("an algorithm in the wrong case names the right one", issuer("allowedAlgorithms: [eddsa]"),
                        "issuers[0].allowedAlgorithms[0]", "did you mean 'EdDSA'?"),
                arguments("an empty algorithm list is refused", issuer("allowedAlgorithms: []"),
                        "issuers[0].allowedAlgorithms", "leave the field out for RS256, PS256, ES256"),
                arguments("a clock skew above 5 minutes is refused", issuer("clockSkew: 6m"),
                        "issuers[0].clockSkew", "must be at most 5m, got 6m"),
                arguments("a clock skew without unit is refused", issuer("clockSkew: 30"),
                        "issuers[0].clockSkew", "'30' has no unit; write 30s"),
                arguments("introspection needs a client id", issuer("introspection: {clientSecretFile: " + secret + "}"),
                        "issuers[0].introspection.clientId", "required; the client id"),
                arguments("introspection needs a secret file", issuer("introspection: {clientId: authtier}"),
                        "issuers[0].introspection.clientSecretFile", "required; the absolute path of the file holding the client secret"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("tokenCacheAndResilienceRules")
    @DisplayName("tokenCache and resilience: each rule names the field and the fix")
    void tokenCacheAndResilienceRule(String rule, String yaml, String path, String fix) {
        assertOneProblem(yaml, path, fix);
    }

    static Stream<Arguments> tokenCacheAndResilienceRules() {
        return Stream.of(
                arguments("an L1 of no entries is refused", MINIMAL + "tokenCache: {l1: {maxEntries: 0}}",
                        "tokenCache.l1.maxEntries", "must be at least 1, got 0"),
                arguments("an L1 TTL of zero is refused", MINIMAL + "tokenCache: {l1: {ttl: 0s}}",
                        "tokenCache.l1.ttl", "must be greater than 0"),
                arguments("an L2 TTL of zero is refused", MINIMAL + "tokenCache: {l2: {ttl: 0ms}}",
                        "tokenCache.l2.ttl", "must be greater than 0"),
                arguments("a negative TTL of zero is refused", MINIMAL + "tokenCache: {negativeTtl: 0s}",
                        "tokenCache.negativeTtl", "must be greater than 0"),
                arguments("a timeout of zero is refused", MINIMAL + "resilience: {timeout: 0s}",
                        "resilience.timeout", "must be greater than 0"),
                arguments("no attempts at all is refused", MINIMAL + "resilience: {retry: {maxAttempts: 0}}",
                        "resilience.retry.maxAttempts", "between 1 and 10"),
                arguments("more than 10 attempts is refused", MINIMAL + "resilience: {retry: {maxAttempts: 11}}",
                        "resilience.retry.maxAttempts", "between 1 and 10, got 11"),
                arguments("a backoff of zero is refused", MINIMAL + "resilience: {retry: {initialBackoff: 0ms}}",
                        "resilience.retry.initialBackoff", "must be greater than 0"),
                arguments("a failure rate of 0 % is refused", MINIMAL + "resilience: {circuitBreaker: {failureRateThreshold: 0}}",
                        "resilience.circuitBreaker.failureRateThreshold", "between 1 and 100"),
                arguments("a failure rate above 100 % is refused", MINIMAL + "resilience: {circuitBreaker: {failureRateThreshold: 101}}",
                        "resilience.circuitBreaker.failureRateThreshold", "between 1 and 100"),
                arguments("an open state of no time is refused", MINIMAL + "resilience: {circuitBreaker: {waitInOpenState: 0s}}",
                        "resilience.circuitBreaker.waitInOpenState", "must be greater than 0"),
                arguments("a pool of no connections is refused", MINIMAL + "resilience: {maxConnections: 0}",
                        "resilience.maxConnections", "must be at least 1"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("sessionRules")
    @DisplayName("sessions: each rule names the field and the fix")
    void sessionRule(String rule, String yaml, String path, String fix) {
        assertOneProblem(yaml, path, fix);
    }

    static Stream<Arguments> sessionRules() {
        String key = Configs.signingKey(secrets, "cookie-key").toString();
        return Stream.of(
                arguments("an unknown store lists the known ones", MINIMAL + "sessions: {store: Disk}",
                        "sessions.store", "'Disk' is not one of Memory, Redis"),
                arguments("a store in the wrong case names the right one", MINIMAL + "sessions: {store: memory}",
                        "sessions.store", "did you mean 'Memory'?"),
                arguments("a cookie name without __Host- is refused", MINIMAL + "sessions: {cookie: {name: authtier}}",
                        "sessions.cookie.name", "must start with __Host-"),
                arguments("a cookie name that is the prefix alone is refused", MINIMAL + "sessions: {cookie: {name: '__Host-'}}",
                        "sessions.cookie.name", "needs a name after the __Host- prefix"),
                arguments("a cookie name with a space is refused", MINIMAL + "sessions: {cookie: {name: '__Host-a b'}}",
                        "sessions.cookie.name", "letters, digits and !#$%&'*+-.^_`|~ only"),
                arguments("an unknown SameSite lists the known ones", MINIMAL + "sessions: {cookie: {sameSite: Loose}}",
                        "sessions.cookie.sameSite", "is not one of Strict, Lax, None"),
                arguments("a signing key id with a space is refused", MINIMAL + "sessions: {cookie: {signingKeys: [{id: 'k 1', file: " + key + "}]}}",
                        "sessions.cookie.signingKeys[0].id", "1 to 64 letters, digits, '.', '_' or '-'"),
                arguments("a signing key needs an id", MINIMAL + "sessions: {cookie: {signingKeys: [{file: " + key + "}]}}",
                        "sessions.cookie.signingKeys[0].id", "required; a key id such as k1"),
                arguments("a signing key needs a file", MINIMAL + "sessions: {cookie: {signingKeys: [{id: k1}]}}",
                        "sessions.cookie.signingKeys[0].file", "required; the absolute path of a file holding at least 32 random bytes"),
                arguments("an idle timeout of zero is refused", MINIMAL + "sessions: {idleTimeout: 0s}",
                        "sessions.idleTimeout", "must be greater than 0"),
                arguments("an absolute timeout of zero is refused", MINIMAL + "sessions: {absoluteTimeout: 0s}",
                        "sessions.absoluteTimeout", "must be greater than 0"),
                arguments("an absolute timeout beyond a cookie's 400 days is refused", MINIMAL + "sessions: {absoluteTimeout: 99999999999d}",
                        "sessions.absoluteTimeout", "must be at most 400d"),
                arguments("login needs an issuer", login("clientId: web, allowedRedirectDomains: [shop.example.com]"),
                        "sessions.login.issuer", "required; the name of the issuer users log in at"),
                arguments("login needs a client id", login("issuer: main, allowedRedirectDomains: [shop.example.com]"),
                        "sessions.login.clientId", "required; the OIDC client id"),
                arguments("login scopes must contain openid", login("issuer: main, clientId: web, scopes: [profile], allowedRedirectDomains: [a.example]"),
                        "sessions.login.scopes", "must contain openid"),
                arguments("two scopes in one item are refused", login("issuer: main, clientId: web, scopes: ['openid profile'], allowedRedirectDomains: [a.example]"),
                        "sessions.login.scopes[0]", "one scope per list item"),
                arguments("login needs redirect domains", login("issuer: main, clientId: web"),
                        "sessions.login.allowedRedirectDomains", "required; list the host names a login may return to"),
                arguments("an empty redirect domain list is refused", login("issuer: main, clientId: web, allowedRedirectDomains: []"),
                        "sessions.login.allowedRedirectDomains", "must not be empty"),
                arguments("a URL is not a redirect domain", login("issuer: main, clientId: web, allowedRedirectDomains: ['https://shop.example.com']"),
                        "sessions.login.allowedRedirectDomains[0]", "list the host name alone, e.g. shop.example.com"),
                arguments("a redirect domain has no port", login("issuer: main, clientId: web, allowedRedirectDomains: ['shop.example.com:8443']"),
                        "sessions.login.allowedRedirectDomains[0]", "without a port"),
                arguments("a wildcard over a top-level domain is refused", login("issuer: main, clientId: web, allowedRedirectDomains: ['*.com']"),
                        "sessions.login.allowedRedirectDomains[0]", "every domain under a top-level domain"),
                arguments("an underscore is not in a host name", login("issuer: main, clientId: web, allowedRedirectDomains: [shop_example]"),
                        "sessions.login.allowedRedirectDomains[0]", "is not a host name"),
                arguments("a plain-http callback URL is refused", login("issuer: main, clientId: web, allowedRedirectDomains: [a.example], redirectUrl: 'http://auth.a.example/oauth2/callback'"),
                        "sessions.login.redirectUrl", "must be https (the session cookie is Secure)"),
                arguments("a callback URL must end in /oauth2/callback", login("issuer: main, clientId: web, allowedRedirectDomains: [a.example], redirectUrl: 'https://auth.a.example/callback'"),
                        "sessions.login.redirectUrl", "must end in /oauth2/callback"),
                arguments("a relative callback URL is refused", login("issuer: main, clientId: web, allowedRedirectDomains: [a.example], redirectUrl: /oauth2/callback"),
                        "sessions.login.redirectUrl", "must be an absolute URL"),
                arguments("a local session cache above 5 s is refused", MINIMAL + "sessions: {localCacheTtl: 6s}",
                        "sessions.localCacheTtl", "at most 5s"),
                arguments("an unknown way to pass the access token lists the known ones", MINIMAL + "sessions: {passAccessToken: Cookie}",
                        "sessions.passAccessToken", "'Cookie' is not one of None, Header, Authorization"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("redisRules")
    @DisplayName("redis: each rule names the field and the fix")
    void redisRule(String rule, String yaml, String path, String fix) {
        assertOneProblem(yaml, path, fix);
    }

    static Stream<Arguments> redisRules() {
        return Stream.of(
                arguments("an unknown topology lists the known ones", MINIMAL + "redis: {topology: Sentinel, endpoints: ['r:6379']}",
                        "redis.topology", "is not one of Standalone, Cluster"),
                arguments("endpoints are required", MINIMAL + "redis: {tls: true}",
                        "redis.endpoints", "required; list host:port"),
                arguments("an empty endpoint list is refused", MINIMAL + "redis: {endpoints: []}",
                        "redis.endpoints", "must not be empty"),
                arguments("an endpoint needs a port", MINIMAL + "redis: {endpoints: [redis]}",
                        "redis.endpoints[0]", "has no port; write host:port, e.g. redis:6379"),
                arguments("port 0 is refused", MINIMAL + "redis: {endpoints: ['redis:0']}",
                        "redis.endpoints[0]", "bad port; use 1..65535"),
                arguments("IPv6 needs brackets", MINIMAL + "redis: {endpoints: ['::1:6379']}",
                        "redis.endpoints[0]", "put an IPv6 address in brackets, e.g. [::1]:6379"),
                arguments("a URL is not an endpoint", MINIMAL + "redis: {endpoints: ['redis://redis:6379']}",
                        "redis.endpoints[0]", "is a URL; write host:port only"),
                arguments("an impossible IPv4 address is refused", MINIMAL + "redis: {endpoints: ['10.0.0.300:6379']}",
                        "redis.endpoints[0]", "is not an IPv4 address"));
    }

    private static void assertOneProblem(String yaml, String path, String fix) {
        // Given a file that breaks one rule
        // When it is loaded
        List<ConfigProblem> problems = problemsOf(yaml);

        // Then that one field is reported, and the message says how to fix it
        assertThat(problems).singleElement().satisfies(problem -> {
            assertThat(problem.path()).isEqualTo(path);
            assertThat(problem.message()).contains(fix);
        });
    }

    /** One issuer: the minimal one with {@code field} added or replaced. */
    private static String issuer(String field) {
        String key = field.substring(0, field.indexOf(':'));
        StringBuilder yaml = new StringBuilder("issuers:\n- ");
        for (String line : List.of("name: main", "issuerUrl: https://keycloak.example.com/realms/shop", "audiences: [shop-api]")) {
            if (!line.startsWith(key + ":")) {
                yaml.append(line).append("\n  ");
            }
        }
        return yaml.append(field).append('\n').toString();
    }

    private static String login(String fields) {
        return MINIMAL + "sessions: {login: {" + fields + "}}\n";
    }
}
