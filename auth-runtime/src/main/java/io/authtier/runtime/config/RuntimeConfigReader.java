package io.authtier.runtime.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * Maps the YAML tree to {@link RuntimeConfig}: the schema, the defaults, and every rule about a single
 * field (type, range, format, secret file). Rules that compare fields live in {@link RuntimeConfigValidator}.
 *
 * <p>Every field is read unconditionally and each section is built only if it had no problem, so one
 * pass reports all problems and a record is never built from a missing value.
 */
final class RuntimeConfigReader {

    /** An opaque token's prefix: visible ASCII (what a bearer token may hold), no spaces. */
    private static final java.util.regex.Pattern TOKEN_PREFIX = java.util.regex.Pattern.compile("[!-~]{1,64}");

    private static final Pattern ISSUER_NAME = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?");
    private static final Pattern KEY_ID = Pattern.compile("[A-Za-z0-9._-]{1,64}");
    // RFC 9110 token characters: what a cookie name may contain.
    private static final Pattern COOKIE_NAME = Pattern.compile("[!#$%&'*+\\-.^_`|~0-9A-Za-z]+");
    private static final Pattern NO_WHITESPACE = Pattern.compile("\\S+");
    private static final Pattern PATH_PREFIX = Pattern.compile("/[^?#\\s]*");
    /** Request paths are compared in normal form; a prefix in any other form would never match (fail open). */
    private static final Rule<String> NORMAL_PATH_PREFIX = new Rule<>(RoutePaths::isNormal, prefix ->
            "'%s' would guard nothing: request paths are compared after %%-decoding, dropping ';' parameters and resolving '.', '..' and repeated slashes; write %s"
                    .formatted(prefix, RoutePaths.normalise(prefix).filter(normal -> !normal.equals(prefix))
                            .map(normal -> "'" + normal + "'").orElse("it as a plain path, e.g. /admin")));
    private static final String HOST_PREFIX = "__Host-";
    private static final int MIN_SIGNING_KEY_BYTES = 32;

    private static final int DEFAULT_PORT = 8080;
    private static final int DEFAULT_MANAGEMENT_PORT = 9090;
    private static final int DEFAULT_ADMIN_PORT = 9091;
    private static final int DEFAULT_MAX_TOKEN_BYTES = 8192;
    private static final List<SignatureAlgorithm> DEFAULT_ALGORITHMS =
            List.of(SignatureAlgorithm.RS256, SignatureAlgorithm.PS256, SignatureAlgorithm.ES256);
    private static final Duration DEFAULT_CLOCK_SKEW = Duration.ofSeconds(30);
    private static final Duration MAX_CLOCK_SKEW = Duration.ofMinutes(5);
    private static final Duration MIN_REQUEST_READ_TIMEOUT = Duration.ofSeconds(1);
    private static final Duration MAX_REQUEST_READ_TIMEOUT = Duration.ofMinutes(5);
    private static final int DEFAULT_L1_MAX_ENTRIES = 100_000;
    private static final Duration DEFAULT_CACHE_TTL = Duration.ofMinutes(5);
    private static final Duration DEFAULT_NEGATIVE_TTL = Duration.ofSeconds(5);
    private static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(2);
    private static final int DEFAULT_MAX_ATTEMPTS = 3;
    private static final Duration DEFAULT_INITIAL_BACKOFF = Duration.ofMillis(200);
    private static final int DEFAULT_FAILURE_RATE_THRESHOLD = 50;
    private static final Duration DEFAULT_WAIT_IN_OPEN_STATE = Duration.ofSeconds(30);
    private static final int DEFAULT_MAX_CONNECTIONS = 100;
    private static final String DEFAULT_COOKIE_NAME = "__Host-authtier";
    private static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofHours(24);
    private static final Duration DEFAULT_ABSOLUTE_TIMEOUT = Duration.ofDays(7);
    private static final Duration DEFAULT_LOCAL_CACHE_TTL = Duration.ofMillis(500);
    private static final Duration MAX_LOCAL_CACHE_TTL = Duration.ofSeconds(5);
    private static final Duration MAX_SESSION_LIFETIME = Duration.ofDays(400);
    private static final List<String> DEFAULT_SCOPES = List.of("openid", "profile", "email");

    private final SecretFileCheck secrets;

    RuntimeConfigReader(SecretFileCheck secrets) {
        this.secrets = secrets;
    }

    Optional<RuntimeConfig> read(Section root) {
        // Several defaults depend on whether Redis is configured at all, valid or not.
        boolean hasRedis = root.has("redis");
        Optional<ServerConfig> server = server(root.section("server"));
        Optional<List<IssuerConfig>> issuers = root.sections("issuers")
                .check(Rule.notEmpty("list at least one issuer"))
                .required("list at least one issuer, e.g. - {name: main, issuerUrl: https://keycloak.example.com/realms/shop, audiences: [shop-api]}")
                .map(sections -> sections.stream().map(this::issuer).flatMap(Optional::stream).toList());
        Optional<TokenCacheConfig> tokenCache = tokenCache(root.section("tokenCache"), hasRedis);
        Optional<ResilienceConfig> resilience = resilience(root.section("resilience"));
        Optional<SessionsConfig> sessions = sessions(root.section("sessions"), hasRedis);
        Optional<Optional<RedisConfig>> redis = root.optionalSection("redis", "endpoints (and topology, passwordFile, tls as needed)").map(this::redis);
        List<Optional<RouteConfig>> routes = root.sections("routes").orElse(List.of()).stream().map(this::route).toList();
        return root.build(() -> new RuntimeConfig(server.orElseThrow(), issuers.orElseThrow(), tokenCache.orElseThrow(),
                resilience.orElseThrow(), sessions.orElseThrow(), redis.map(Optional::orElseThrow),
                routes.stream().map(Optional::orElseThrow).toList()));
    }

    private Optional<RouteConfig> route(Section s) {
        Optional<String> prefix = s.string("pathPrefix")
                .check(Rule.matches(PATH_PREFIX, "a path that starts with '/', without query or spaces, e.g. /admin"))
                .check(NORMAL_PATH_PREFIX)
                .required("the path prefix the rule guards, e.g. /admin");
        List<String> groups = s.strings("allowedGroups", RuntimeConfigReader::ruleName).orElse(List.of());
        List<String> roles = s.strings("allowedRoles", RuntimeConfigReader::ruleName).orElse(List.of());
        List<String> scopes = s.strings("requiredScopes", RuntimeConfigReader::ruleName).orElse(List.of());
        return s.build(() -> new RouteConfig(prefix.orElseThrow(), groups, roles, scopes));
    }

    private Optional<ServerConfig> server(Section s) {
        int port = s.integer("port").check(Rule.between(1, 65535)).orElse(DEFAULT_PORT);
        int managementPort = s.integer("managementPort").check(Rule.between(1, 65535)).orElse(DEFAULT_MANAGEMENT_PORT);
        List<Cidr> trustedProxies = s.strings("trustedProxies", Cidr::parse).orElse(List.of());
        int maxTokenBytes = s.integer("maxTokenBytes").check(Rule.between(256, 65536)).orElse(DEFAULT_MAX_TOKEN_BYTES);
        int adminPort = s.integer("adminPort").check(Rule.between(1, 65535)).orElse(DEFAULT_ADMIN_PORT);
        Duration requestReadTimeout = s.duration("requestReadTimeout")
                .check(Rule.between(MIN_REQUEST_READ_TIMEOUT, MAX_REQUEST_READ_TIMEOUT)).orElse(ServerConfig.DEFAULT_REQUEST_READ_TIMEOUT);
        return s.build(() -> new ServerConfig(port, managementPort, trustedProxies, maxTokenBytes, adminPort, requestReadTimeout));
    }

    private Optional<IssuerConfig> issuer(Section s) {
        Optional<String> name = s.string("name")
                .check(Rule.matches(ISSUER_NAME, "lowercase letters, digits and '-', starting and ending with a letter or digit, e.g. main"))
                .required("a short lowercase id such as main");
        Optional<URI> issuerUrl = s.string("issuerUrl").parse(RuntimeConfigReader::issuerUrl)
                .required("the issuer's URL exactly as its tokens' iss claim has it, e.g. https://keycloak.example.com/realms/shop");
        Optional<List<String>> audiences = s.strings("audiences", Function.identity())
                .check(Rule.notEmpty("list the audience a token must name, e.g. [shop-api]"))
                .required("list the audiences a token may name in aud, e.g. [shop-api]");
        List<SignatureAlgorithm> algorithms = s.strings("allowedAlgorithms", SignatureAlgorithm::parse)
                .check(Rule.notEmpty("list at least one, or leave the field out for RS256, PS256, ES256"))
                .orElse(DEFAULT_ALGORITHMS);
        Duration clockSkew = s.duration("clockSkew").check(Rule.atMost(MAX_CLOCK_SKEW)).orElse(DEFAULT_CLOCK_SKEW);
        Optional<Optional<IntrospectionConfig>> introspection = s.optionalSection("introspection", "clientId and clientSecretFile").map(this::introspection);
        return s.build(() -> new IssuerConfig(name.orElseThrow(), issuerUrl.orElseThrow(), audiences.orElseThrow(),
                algorithms, clockSkew, introspection.map(Optional::orElseThrow)));
    }

    private Optional<IntrospectionConfig> introspection(Section s) {
        Optional<String> clientId = s.string("clientId").required("the client id the runtime introspects tokens as, e.g. authtier");
        Optional<Path> secretFile = s.string("clientSecretFile").parse(secrets::nonEmpty)
                .required("the absolute path of the file holding the client secret, e.g. /etc/authtier/secrets/oidc/secret");
        Optional<String> tokenPrefix = s.string("tokenPrefix").check(Rule.matches(TOKEN_PREFIX, "1 to 64 visible ASCII characters, such as ory_at_")).optional();
        return s.build(() -> new IntrospectionConfig(clientId.orElseThrow(), secretFile.orElseThrow(), tokenPrefix));
    }

    private Optional<TokenCacheConfig> tokenCache(Section s, boolean hasRedis) {
        Optional<TokenCacheConfig.L1> l1 = l1(s.section("l1"));
        Optional<TokenCacheConfig.L2> l2 = l2(s.section("l2"), hasRedis);
        Duration negativeTtl = s.duration("negativeTtl").check(Rule.positive()).orElse(DEFAULT_NEGATIVE_TTL);
        return s.build(() -> new TokenCacheConfig(l1.orElseThrow(), l2.orElseThrow(), negativeTtl));
    }

    private Optional<TokenCacheConfig.L1> l1(Section s) {
        int maxEntries = s.integer("maxEntries").check(Rule.atLeast(1)).orElse(DEFAULT_L1_MAX_ENTRIES);
        Duration ttl = s.duration("ttl").check(Rule.positive()).orElse(DEFAULT_CACHE_TTL);
        return s.build(() -> new TokenCacheConfig.L1(maxEntries, ttl));
    }

    private Optional<TokenCacheConfig.L2> l2(Section s, boolean hasRedis) {
        // On by default, but only where there is a Redis to put it in; an explicit true without one is
        // reported by the validator.
        boolean enabled = s.bool("enabled").orElse(hasRedis);
        Duration ttl = s.duration("ttl").check(Rule.positive()).orElse(DEFAULT_CACHE_TTL);
        return s.build(() -> new TokenCacheConfig.L2(enabled, ttl));
    }

    private Optional<ResilienceConfig> resilience(Section s) {
        Duration timeout = s.duration("timeout").check(Rule.positive()).orElse(DEFAULT_TIMEOUT);
        Section retrySection = s.section("retry");
        int maxAttempts = retrySection.integer("maxAttempts").check(Rule.between(1, 10)).orElse(DEFAULT_MAX_ATTEMPTS);
        Duration initialBackoff = retrySection.duration("initialBackoff").check(Rule.positive()).orElse(DEFAULT_INITIAL_BACKOFF);
        Optional<ResilienceConfig.Retry> retry = retrySection.build(() -> new ResilienceConfig.Retry(maxAttempts, initialBackoff));
        Section breakerSection = s.section("circuitBreaker");
        int threshold = breakerSection.integer("failureRateThreshold").check(Rule.between(1, 100)).orElse(DEFAULT_FAILURE_RATE_THRESHOLD);
        Duration waitInOpenState = breakerSection.duration("waitInOpenState").check(Rule.positive()).orElse(DEFAULT_WAIT_IN_OPEN_STATE);
        Optional<ResilienceConfig.CircuitBreaker> breaker =
                breakerSection.build(() -> new ResilienceConfig.CircuitBreaker(threshold, waitInOpenState));
        int maxConnections = s.integer("maxConnections").check(Rule.atLeast(1)).orElse(DEFAULT_MAX_CONNECTIONS);
        return s.build(() -> new ResilienceConfig(timeout, retry.orElseThrow(), breaker.orElseThrow(), maxConnections));
    }

    private Optional<SessionsConfig> sessions(Section s, boolean hasRedis) {
        SessionStoreType store = s.string("store").parse(text -> ConfigEnums.parse(SessionStoreType.class, text))
                .orElse(hasRedis ? SessionStoreType.Redis : SessionStoreType.Memory);
        Optional<CookieConfig> cookie = cookie(s.section("cookie"));
        Duration idleTimeout = s.duration("idleTimeout").check(Rule.positive()).orElse(DEFAULT_IDLE_TIMEOUT);
        // Browsers cap a cookie's lifetime at 400 days (RFC 6265bis); idleTimeout is bounded by this one.
        Duration absoluteTimeout = s.duration("absoluteTimeout").check(Rule.positive()).check(Rule.atMost(MAX_SESSION_LIFETIME))
                .orElse(DEFAULT_ABSOLUTE_TIMEOUT);
        Optional<Optional<LoginConfig>> login = s.optionalSection("login", "issuer, clientId and allowedRedirectDomains").map(this::login);
        AccessTokenPassing passAccessToken = s.string("passAccessToken")
                .parse(text -> ConfigEnums.parse(AccessTokenPassing.class, text)).orElse(AccessTokenPassing.None);
        Duration localCacheTtl = s.duration("localCacheTtl").check(Rule.atMost(MAX_LOCAL_CACHE_TTL)).orElse(DEFAULT_LOCAL_CACHE_TTL);
        return s.build(() -> new SessionsConfig(store, cookie.orElseThrow(), idleTimeout, absoluteTimeout,
                login.map(Optional::orElseThrow), passAccessToken, localCacheTtl));
    }

    private Optional<CookieConfig> cookie(Section s) {
        String name = s.string("name")
                .check(new Rule<>(n -> n.startsWith(HOST_PREFIX), n -> ("'%s' must start with __Host- so that browsers "
                        + "keep the cookie to this host, HTTPS and path /; e.g. __Host-authtier").formatted(n)))
                .check(new Rule<>(n -> !n.equals(HOST_PREFIX), n -> "needs a name after the __Host- prefix, e.g. __Host-authtier"))
                .check(Rule.matches(COOKIE_NAME, "letters, digits and !#$%&'*+-.^_`|~ only, e.g. __Host-authtier"))
                .orElse(DEFAULT_COOKIE_NAME);
        SameSite sameSite = s.string("sameSite").parse(text -> ConfigEnums.parse(SameSite.class, text)).orElse(SameSite.Lax);
        List<SigningKeyFile> signingKeys = s.sections("signingKeys").orElse(List.of()).stream()
                .map(this::signingKey).flatMap(Optional::stream).toList();
        return s.build(() -> new CookieConfig(name, sameSite, signingKeys));
    }

    private Optional<SigningKeyFile> signingKey(Section s) {
        Optional<String> id = s.string("id")
                .check(Rule.matches(KEY_ID, "1 to 64 letters, digits, '.', '_' or '-', e.g. k1"))
                .required("a key id such as k1; it goes into the cookie so that keys can be rotated");
        Optional<Path> file = s.string("file").parse(text -> secrets.check(text, MIN_SIGNING_KEY_BYTES))
                .required("the absolute path of a file holding at least 32 random bytes, e.g. /etc/authtier/secrets/cookie/k1");
        return s.build(() -> new SigningKeyFile(id.orElseThrow(), file.orElseThrow()));
    }

    private Optional<LoginConfig> login(Section s) {
        Optional<String> issuer = s.string("issuer").required("the name of the issuer users log in at, e.g. main");
        Optional<String> clientId = s.string("clientId").required("the OIDC client id of the web application, e.g. shop-web");
        Optional<Path> clientSecretFile = s.string("clientSecretFile").parse(secrets::nonEmpty).optional();
        List<String> scopes = s.strings("scopes", RuntimeConfigReader::scope)
                .check(new Rule<>(list -> list.contains("openid"), list -> "must contain openid (this is an OpenID Connect login); e.g. [openid, profile, email]"))
                .orElse(DEFAULT_SCOPES);
        Optional<List<String>> domains = s.strings("allowedRedirectDomains", RuntimeConfigReader::redirectDomain)
                .check(Rule.notEmpty("list the host names a login may return to, e.g. [shop.example.com]"))
                .required("list the host names a login may return to, e.g. [shop.example.com]");
        Optional<URI> redirectUrl = s.string("redirectUrl").parse(RuntimeConfigReader::callbackUrl).optional();
        boolean redirectToLogin = s.bool("redirectToLogin").orElse(false);
        return s.build(() -> new LoginConfig(issuer.orElseThrow(), clientId.orElseThrow(), clientSecretFile,
                scopes, domains.orElseThrow(), redirectUrl, redirectToLogin));
    }

    private Optional<RedisConfig> redis(Section s) {
        RedisTopology topology = s.string("topology").parse(text -> ConfigEnums.parse(RedisTopology.class, text))
                .orElse(RedisTopology.Standalone);
        Optional<List<HostAndPort>> endpoints = s.strings("endpoints", HostAndPort::parse)
                .check(Rule.notEmpty("list host:port, e.g. [redis-0.redis:6379]"))
                .required("list host:port, e.g. [redis-0.redis:6379]");
        Optional<Path> passwordFile = s.string("passwordFile").parse(secrets::nonEmpty).optional();
        boolean tls = s.bool("tls").orElse(false);
        return s.build(() -> new RedisConfig(topology, endpoints.orElseThrow(), passwordFile, tls));
    }

    /** An absolute http(s) URL without user info, query or fragment (OpenID Connect Discovery 1.0, section 2). */
    static URI issuerUrl(String text) {
        String example = "e.g. https://keycloak.example.com/realms/shop";
        URI uri = uri(text, example);
        if (uri.getRawUserInfo() != null) {
            // Not echoed: user info may hold a password.
            throw new IllegalArgumentException("must not contain user:password@; " + example);
        }
        boolean http = "https".equalsIgnoreCase(uri.getScheme()) || "http".equalsIgnoreCase(uri.getScheme());
        if (!http || uri.getHost() == null) {
            throw new IllegalArgumentException("'%s' is not an absolute http(s) URL; %s".formatted(text, example));
        }
        if (uri.getRawQuery() != null || uri.getRawFragment() != null) {
            throw new IllegalArgumentException("'%s': an issuer URL has no query or fragment; %s".formatted(text, example));
        }
        return uri;
    }

    private static URI uri(String text, String example) {
        try {
            return new URI(text);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("not a URL; " + example, e);
        }
    }

    /** An absolute https URL whose path ends in {@code /oauth2/callback}; http only for a loopback host (development). */
    static URI callbackUrl(String text) {
        String example = "on the application's own host, e.g. https://shop.example.com/oauth2/callback";
        URI uri = uri(text, example);
        if (uri.getHost() == null || uri.getRawUserInfo() != null || uri.getRawQuery() != null || uri.getRawFragment() != null) {
            throw new IllegalArgumentException("'%s' must be an absolute URL without user info, query or fragment; %s".formatted(text, example));
        }
        if (!"https".equalsIgnoreCase(uri.getScheme()) && !("http".equalsIgnoreCase(uri.getScheme()) && LoginConfig.plainHttpAllowed(uri.getHost()))) {
            throw new IllegalArgumentException("'%s' must be https (the session cookie is Secure); %s".formatted(text, example));
        }
        if (uri.getRawPath() == null || !uri.getRawPath().endsWith("/oauth2/callback")) {
            throw new IllegalArgumentException("'%s' must end in /oauth2/callback, where the runtime receives the IdP's answer; %s".formatted(text, example));
        }
        return uri;
    }

    /** A group, role or scope a route asks for: compared exactly, so a space at either end would never match. */
    private static String ruleName(String text) {
        if (!text.strip().equals(text)) {
            throw new IllegalArgumentException("'%s' has spaces at its ends, which no %s carries; write '%s'".formatted(
                    text, "group, role or scope", text.strip()));
        }
        return text;
    }

    private static String scope(String text) {
        if (!NO_WHITESPACE.matcher(text).matches()) {
            throw new IllegalArgumentException("'%s': one scope per list item, e.g. [openid, profile]".formatted(text));
        }
        return text;
    }

    /** A host name, or {@code *.} and a host name of two or more labels (so never {@code *.com}). */
    static String redirectDomain(String text) {
        if (text.contains("/")) {
            throw new IllegalArgumentException("'%s' is not a host name; list the host name alone, e.g. shop.example.com".formatted(text));
        }
        if (text.contains(":")) {
            throw new IllegalArgumentException("'%s': list the host name without a port, e.g. shop.example.com".formatted(text));
        }
        boolean wildcard = text.startsWith("*.");
        String host = wildcard ? text.substring(2) : text;
        if (!Hostnames.isHostname(host)) {
            throw new IllegalArgumentException(
                    "'%s' is not a host name; write e.g. shop.example.com, or *.example.com for its subdomains".formatted(text));
        }
        if (wildcard && !host.contains(".")) {
            throw new IllegalArgumentException(
                    "'%s' would allow every domain under a top-level domain; write e.g. *.example.com".formatted(text));
        }
        return text;
    }
}
