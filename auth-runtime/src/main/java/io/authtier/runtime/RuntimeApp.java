package io.authtier.runtime;

import io.authtier.runtime.idp.BoundedRetriever;
import io.authtier.runtime.introspection.OpaqueTokenValidator;
import io.authtier.runtime.introspection.OpaqueTokenValidators;
import io.authtier.runtime.token.BearerTokenVerifier;
import io.authtier.runtime.token.TokenVerifier;
import io.authtier.runtime.token.opaque.IntrospectionVerifier;
import io.authtier.runtime.config.IssuerConfig;
import io.authtier.runtime.config.RedisConfig;
import io.authtier.runtime.config.RuntimeConfig;
import io.authtier.runtime.config.SessionStoreType;
import io.authtier.runtime.http.AuthRouter;
import io.authtier.runtime.http.RouteRules;
import io.authtier.runtime.http.ClientAddress;
import io.authtier.runtime.http.ForwardAuthHandler;
import io.authtier.runtime.http.HttpServerVerticle;
import io.authtier.runtime.http.AdminRouter;
import io.authtier.runtime.http.ManagementRouter;
import io.authtier.runtime.login.BrowserSessions;
import io.authtier.runtime.login.PendingLogins;
import io.authtier.runtime.login.SessionMetrics;
import io.authtier.runtime.login.memory.MemoryPendingLogins;
import io.authtier.runtime.login.redis.ConnectingPendingLogins;
import io.authtier.runtime.redis.RedisConnector;
import io.authtier.runtime.session.SessionBytes;
import io.authtier.runtime.session.memory.MemorySessionBytes;
import io.authtier.runtime.session.redis.ConnectingSessionBytes;
import io.authtier.runtime.redis.RedisConnections;
import io.authtier.runtime.redis.RedisMetrics;
import io.authtier.runtime.resilience.BreakerTuning;
import io.authtier.runtime.session.SessionStore;
import io.authtier.runtime.session.SessionStores;
import io.authtier.runtime.metrics.RuntimeMetrics;
import io.authtier.runtime.token.jwt.IssuerKeys;
import io.authtier.runtime.token.jwt.JwksPolicy;
import io.authtier.runtime.token.jwt.JwtVerifier;
import io.authtier.runtime.token.jwt.RsaSignatures;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpServerOptions;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The composition root: configuration → objects → routes. {@link #start()} loads every issuer's keys in
 * the background and listens on both ports; {@link #stop()} shuts down gracefully (stop accepting, let
 * requests in flight finish, close).
 */
public final class RuntimeApp {

    private static final Logger LOG = LoggerFactory.getLogger(RuntimeApp.class);
    /** Longest request line the auth port reads. */
    private static final int MAX_REQUEST_LINE = 8192;
    /** How long requests in flight may take to finish at shutdown. */
    public static final Duration SHUTDOWN_GRACE = Duration.ofSeconds(20);

    private final RuntimeConfig config;
    private final PrometheusMeterRegistry registry = RuntimeMetrics.prometheusRegistry();
    private final RuntimeMetrics metrics = new RuntimeMetrics(registry);
    private final List<IssuerKeys> issuers = new ArrayList<>();
    private final ScheduledExecutorService startupLoader;
    /** Discovery and JWKS fetches of every issuer. */
    private final HttpClient keysHttp;
    private final ExecutorService worker;
    private final Vertx vertx;
    private final CompletableFuture<Void> terminated = new CompletableFuture<>();
    private final AuthRouter authRouter;
    private final Optional<OpaqueTokenValidator> opaque;
    private final ManagementRouter managementRouter;
    private final Optional<BrowserSessions> browser;
    private final Optional<ConnectingSessionBytes> sessionsRedis;
    /** What the constructor opened, closed newest first by {@link #stop()}, or by the constructor itself when a step fails. */
    private final OpenedResources resources = new OpenedResources();
    private volatile boolean stopping;

    /**
     * @param config the loaded configuration
     * @param clock  the time for token lifetimes, caches and JWKS refetch limits
     * @param jwks   how keys are fetched and kept; {@link #defaultJwksPolicy(RuntimeConfig)} in production
     */
    public RuntimeApp(RuntimeConfig config, Clock clock, JwksPolicy jwks) {
        this.config = Objects.requireNonNull(config, "config");
        config.warnings().forEach(LOG::warn);
        // Any step may throw (a secret file gone since the configuration was checked, Vert.x failing to start).
        // Then what the steps before it opened is closed here, as nobody else can: its threads and connections
        // would outlive the failure in a JVM that goes on (tests, benchmarks) or keep the JVM from exiting.
        try {
            HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(config.resilience().timeout())
                    .followRedirects(HttpClient.Redirect.NORMAL).build();
            this.keysHttp = resources.add("the issuers' HTTP client", http, http::shutdownNow);
            BoundedRetriever retriever = new BoundedRetriever(keysHttp, config.resilience().timeout());
            RsaSignatures rsa = RsaSignatures.best();
            LOG.info("RSA signatures checked by {}", rsa.description());
            for (IssuerConfig issuer : config.issuers()) {
                metrics.issuer(issuer.name(), issuer.introspection().isPresent());
                issuers.add(resources.add("the keys of issuer " + issuer.name(),
                        new IssuerKeys(issuer, jwks, clock, metrics, retriever, rsa)));
            }
            ScheduledExecutorService loader = Executors.newSingleThreadScheduledExecutor(
                    Thread.ofPlatform().daemon().name("authtier-keys-loader").factory());
            this.startupLoader = resources.add("the keys loader", loader, loader::shutdownNow);
            ExecutorService verify = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("authtier-verify-", 0).factory());
            this.worker = resources.add("the verification threads", verify, verify::shutdown);
            JwtVerifier jwt = new JwtVerifier(issuers, config.tokenCache().l1().maxEntries(), config.tokenCache().l1().ttl(),
                    config.server().maxTokenBytes(), clock, metrics, worker, JwtVerifier.DEFAULT_MAX_PENDING);
            List<IntrospectionVerifier.Introspecting> introspecting = config.issuers().stream()
                    .filter(issuer -> issuer.introspection().isPresent())
                    .map(issuer -> new IntrospectionVerifier.Introspecting(issuer.name(), issuer.introspection().get().tokenPrefix()))
                    .toList();
            // Opaque tokens only where some issuer introspects; otherwise they are malformed JWTs (401).
            this.opaque = introspecting.isEmpty() ? Optional.empty()
                    : Optional.of(resources.add("the introspection client and caches", OpaqueTokenValidators.create(config, registry)));
            TokenVerifier verifier = new BearerTokenVerifier(jwt, opaque.map(validator ->
                    new IntrospectionVerifier(validator, introspecting, config.tokenCache().l1().ttl(), clock, metrics)),
                    config.server().maxTokenBytes(), metrics);
            ClientAddress proxies = new ClientAddress(config.server().trustedProxies());
            // Redis may be down when the runtime starts: it starts anyway (bearer tokens need no Redis), stays
            // not ready, and connects in the background; until then session operations answer 503.
            // The session store owns this connection once it is built; added here too, for a failure before that
            // (closing it twice is harmless).
            this.sessionsRedis = config.sessions().login().isPresent() && config.sessions().store() == SessionStoreType.Redis
                    ? Optional.of(resources.add("the sessions' Redis connection", sessionsRedis(config.redis().orElseThrow(),
                            config.resilience().timeout())))
                    : Optional.empty();
            this.browser = config.sessions().login().map(login -> resources.add("the session store", browserSessions(config, clock)));
            this.authRouter = new AuthRouter(new ForwardAuthHandler(verifier, proxies, browser), metrics, new RouteRules(config.routes()),
                    proxies, browser, clock);
            this.managementRouter = new ManagementRouter(this::notReady, registry);
            // epoll where Netty's native library loads (Linux x86_64): fewer allocations and system calls per
            // request than Java NIO. Elsewhere Vert.x falls back to NIO and start() says so.
            // Closed first at stop (the newest): requests in flight finish before what they use is closed.
            Vertx servers = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(eventLoops()).setPreferNativeTransport(true));
            this.vertx = resources.add("the HTTP servers", servers, () -> servers.close().toCompletionStage().toCompletableFuture()
                    .get(SHUTDOWN_GRACE.toMillis() + 5_000, TimeUnit.MILLISECONDS));
        } catch (Throwable e) { // unchecked only: nothing in the block throws a checked exception
            resources.closeAfter(e);
            throw e;
        }
    }

    /** The sessions' own Redis connection (pending logins share it), made in the background: start-up never waits for Redis. */
    private ConnectingSessionBytes sessionsRedis(RedisConfig redis, Duration commandTimeout) {
        RedisMetrics redisMetrics = new RedisMetrics(registry, RedisMetrics.SESSIONS);
        return new ConnectingSessionBytes(new RedisConnector(() -> RedisConnections.open(redis, commandTimeout,
                Optional.of(redisMetrics)), Clock.systemUTC(), Duration.ofSeconds(1), "sessions"));
    }

    /** Browser login and sessions: the store and pending logins in Redis or memory, as {@code sessions.store} says. */
    private BrowserSessions browserSessions(RuntimeConfig config, Clock clock) {
        String loginIssuer = config.sessions().login().orElseThrow().issuer();
        IssuerKeys keys = issuers.stream().filter(issuer -> issuer.issuer().name().equals(loginIssuer)).findFirst().orElseThrow();
        SessionMetrics sessionMetrics = new SessionMetrics(registry);
        SessionStore store = SessionStores.create(config.sessions(),
                sessionsRedis.<SessionBytes>map(bytes -> bytes).orElseGet(() -> new MemorySessionBytes(clock)), clock,
                sessionMetrics::touchFailed, sessionMetrics.storeTimings());
        PendingLogins pending = sessionsRedis.<PendingLogins>map(bytes -> new ConnectingPendingLogins(bytes.connector()))
                .orElseGet(() -> new MemoryPendingLogins(clock));
        return new BrowserSessions(config, keys, worker, store, pending, sessionMetrics, clock, BreakerTuning.DEFAULT);
    }

    /** The JWKS policy that production uses: timeouts and backoff from {@code resilience}. */
    public static JwksPolicy defaultJwksPolicy(RuntimeConfig config) {
        return JwksPolicy.defaults(config.resilience().timeout(), config.resilience().retry().initialBackoff());
    }

    /**
     * Starts loading keys and listening; the future completes once both ports accept connections. If a port
     * cannot listen (e.g. it is taken), the app stops, closing everything it opened, and then the future fails
     * with the reason; {@link #stop()} after that returns at once.
     */
    public Future<Void> start() {
        issuers.forEach(keys -> keys.startLoading(startupLoader));
        int maxHeaderBytes = config.server().maxTokenBytes() + 8192;
        HttpServerOptions auth = new HttpServerOptions()
                .setPort(config.server().port())
                .setMaxHeaderSize(maxHeaderBytes)
                // nginx's own default for a request line (large_client_header_buffers 8k): a deep link that nginx
                // passes on in /oauth2/start?rd=$request_uri must not get 414 here and cost the login.
                .setMaxInitialLineLength(MAX_REQUEST_LINE);
        HttpServerOptions management = new HttpServerOptions().setPort(config.server().managementPort());
        Duration readTimeout = config.server().requestReadTimeout();
        Runnable readTimeouts = metrics.requestReadTimeouts();
        Future<Void> listening = vertx.deployVerticle(() -> new HttpServerVerticle("server.port", auth, authRouter, SHUTDOWN_GRACE,
                        readTimeout, readTimeouts), new DeploymentOptions().setInstances(eventLoops()))
                .compose(id -> vertx.deployVerticle(new HttpServerVerticle("server.managementPort", management, managementRouter,
                        SHUTDOWN_GRACE, readTimeout, readTimeouts)))
                .compose(id -> browser.isEmpty() ? Future.succeededFuture(id) : vertx.deployVerticle(new HttpServerVerticle("server.adminPort",
                        new HttpServerOptions().setHost("127.0.0.1").setPort(config.server().adminPort()), new AdminRouter(browser),
                        SHUTDOWN_GRACE, readTimeout, readTimeouts)))
                .onSuccess(id -> LOG.info("listening on {} (auth) and {} (management), {}", config.server().port(),
                        config.server().managementPort(), vertx.isNativeTransportEnabled() ? "epoll transport"
                                : "Java NIO transport (epoll unavailable: " + vertx.unavailableNativeTransportCause() + ")"))
                .mapEmpty();
        // A failed start leaves nothing running, whether or not the caller stops the app. stop() waits for Vert.x
        // to close, which the event loop that reports the failure cannot do, so it runs on a thread of its own; the
        // promise has no Vert.x context, so its callbacks run there too, not on an event loop that is closed.
        Promise<Void> started = Promise.promise();
        listening.onComplete(started::complete, failure -> Thread.ofPlatform().name("authtier-failed-start").start(() -> {
            try {
                stop();
            } finally {
                started.fail(failure);
            }
        }));
        return started.future();
    }

    /**
     * Stops gracefully: readiness turns false, the servers stop accepting and let requests in flight
     * finish (up to {@link #SHUTDOWN_GRACE}), then background work ends. Idempotent; blocks until done.
     */
    public void stop() {
        synchronized (this) {
            if (stopping) {
                terminated.join();
                return;
            }
            stopping = true;
        }
        LOG.info("shutting down");
        try {
            // The exception's class only: a store's or client's message is not ours to vouch for (SECURITY.md: no secrets in logs).
            resources.closeAll((what, e) -> LOG.warn("closing {}: {}", what, e.getClass().getSimpleName()));
        } finally {
            terminated.complete(null);
            LOG.info("stopped");
        }
    }

    /** Completes when {@link #stop()} has finished. */
    public CompletableFuture<Void> terminated() {
        return terminated;
    }

    /** What keeps the runtime from being ready: issuers whose keys were never loaded, or shutting down. */
    List<String> notReady() {
        if (stopping) {
            return List.of("shutting down");
        }
        List<String> missing = new ArrayList<>(issuers.stream().filter(keys -> !keys.loaded())
                .map(keys -> "keys of issuer " + keys.issuer().name()).toList());
        sessionsRedis.filter(bytes -> !bytes.connected()).ifPresent(bytes -> missing.add("session store (Redis) not connected"));
        return missing;
    }

    RuntimeMetrics metrics() {
        return metrics;
    }

    private static int eventLoops() {
        return Math.max(1, Runtime.getRuntime().availableProcessors());
    }
}
