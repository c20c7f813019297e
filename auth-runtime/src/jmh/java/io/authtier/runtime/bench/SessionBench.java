package io.authtier.runtime.bench;

import io.authtier.runtime.config.RedisConfig;
import io.authtier.runtime.config.RedisTopology;
import io.authtier.runtime.config.SessionsConfig;
import io.authtier.runtime.redis.RedisConnections;
import io.authtier.runtime.redis.RedisServers;
import io.authtier.runtime.session.Session;
import io.authtier.runtime.session.SessionCookie;
import io.authtier.runtime.session.SessionStore;
import io.authtier.runtime.session.SessionStores;
import io.authtier.runtime.session.SessionTicket;
import io.authtier.runtime.session.SessionTokens;
import io.authtier.runtime.session.SessionUser;
import io.authtier.runtime.testsupport.Http;
import io.authtier.runtime.testsupport.RunningRuntime;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import no.nav.security.mock.oauth2.OAuth2Config;
import no.nav.security.mock.oauth2.token.DefaultOAuth2TokenCallback;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * Benchmarks of browser sessions (issue 4), against real redis-server processes on loopback (standalone
 * and a 3-master Cluster made with {@code redis-cli --cluster create}) and mock-oauth2-server as the IdP.
 * Everything (driver, runtime, IdP; Redis in its own processes) shares the machine.
 *
 * <ul>
 *   <li>{@code create [inFlight=16] [seconds=8] [warmup=2] [rounds=3]}: {@link SessionStore#create} closed
 *   loop (seal + one Redis round trip), standalone and Cluster interleaved.</li>
 *   <li>{@code auth [connections=64] [seconds=8] [warmup=2] [rounds=3] [sessions=10000] [localCacheMs=500] [wrk=0]}: the real runtime,
 *   {@code GET /auth} with a session cookie (cycling over {@code sessions} sessions made through a
 *   {@link SessionStore} on the same Redis with the same signing key), Redis standalone and Cluster, beside
 *   the same server answering a cached bearer JWT. {@code wrk=1}: Debian's wrk drives instead of the JVM client;
 *   {@code wrk=2}: so does wrk, and each runtime runs in a JVM of its own, as deployed ({@link RuntimeProcess}).</li>
 *   <li>{@code login [logins=300] [warmupLogins=100] [netty=1] [ownJvm=0]}: full logins one after another (start, the IdP's
 *   authorize, callback); the runtime's share is the client-measured time of its two hops minus the time
 *   the IdP's handler spent answering during them (token endpoint, discovery, JWKS). {@code netty=1}: mock-oauth2-server on
 *   its Netty server; 0: on its default (okhttp's MockWebServer), whose token answers stall about 40 ms.
 *   {@code ownJvm=1}: the runtime in a JVM of its own ({@link RuntimeProcess}), not beside the IdP and the client.</li>
 *   <li>{@code logout [times=200]}: two runtimes on one Redis; sign out on one, then the time until the
 *   other answers 401.</li>
 * </ul>
 */
public final class SessionBench {

    static final String COOKIE = "__Host-authtier";
    static final String CLIENT = "shop-web";

    public static void main(String[] args) throws Exception {
        String mode = args.length > 0 ? args[0] : "create";
        int[] n = new int[args.length > 1 ? args.length - 1 : 0];
        for (int i = 1; i < args.length; i++) {
            n[i - 1] = Integer.parseInt(args[i]);
        }
        System.out.printf("machine: %d cores, %s %s; mode %s%n", Runtime.getRuntime().availableProcessors(),
                System.getProperty("java.vm.name"), System.getProperty("java.version"), mode);
        Path dir = Files.createTempDirectory("session-bench");
        switch (mode) {
            case "create" -> create(dir, arg(n, 0, 16), arg(n, 1, 8), arg(n, 2, 2), arg(n, 3, 3));
            case "auth" -> auth(dir, arg(n, 0, 64), arg(n, 1, 8), arg(n, 2, 2), arg(n, 3, 3), arg(n, 4, 10_000), arg(n, 5, 500),
                    arg(n, 6, 0));
            case "login" -> login(dir, arg(n, 0, 300), arg(n, 1, 100), arg(n, 2, 1) == 1, arg(n, 3, 0) == 1);
            case "logout" -> logout(dir, arg(n, 0, 200));
            default -> throw new IllegalArgumentException("mode: create | auth | login | logout");
        }
        System.exit(0); // lettuce and Vert.x threads
    }

    private static int arg(int[] n, int i, int fallback) {
        return n.length > i ? n[i] : fallback;
    }

    // ---------------------------------------------------------------- session creation

    static void create(Path dir, int inFlight, int seconds, int warmup, int rounds) throws Exception {
        RedisServers.Server standalone = RedisServers.standalone(dir);
        List<RedisServers.Server> cluster = RedisServers.cluster(dir);
        Path key = key(dir, "k1");
        String issuer = "https://idp.example.com/main";
        SessionsConfig sessions = sessionsConfig(issuer, key, standalone.port());
        String token = "eyJhbGciOiJSUzI1NiJ9." + "x".repeat(600) + "." + "s".repeat(342); // about an access token's size
        SessionsConfig inMemory = new SessionsConfig(io.authtier.runtime.config.SessionStoreType.Memory, sessions.cookie(),
                sessions.idleTimeout(), sessions.absoluteTimeout(), Optional.empty(), sessions.passAccessToken(),
                java.time.Duration.ZERO);
        try (SessionStore single = store(sessions, RedisTopology.Standalone, List.of(standalone));
             SessionStore clustered = store(sessions, RedisTopology.Cluster, cluster)) {
            System.out.printf("create: %d in flight, %d s warm-up, %d s measured, %d rounds%n", inFlight, warmup, seconds, rounds);
            runCreate(single, issuer, token, inFlight, warmup, seconds); // warm-up of the JIT
            runCreate(clustered, issuer, token, inFlight, warmup, seconds);
            flush(standalone, cluster);
            for (int round = 1; round <= rounds; round++) {
                LoadDriver.report("round " + round + " create, standalone", runCreate(single, issuer, token, inFlight, warmup, seconds));
                flush(standalone, cluster);
                LoadDriver.report("round " + round + " create, Cluster (3 masters)", runCreate(clustered, issuer, token, inFlight, warmup, seconds));
                flush(standalone, cluster);
            }
            // The same creates in process memory, one thread, no Redis: the CPU of the seal (JSON, AES-GCM, random id and key).
            // Last: its sessions (some 400 000) grow this heap, and before the Redis rounds they lengthened G1's pauses there.
            try (SessionStore memory = SessionStores.create(inMemory, () -> null, Clock.systemUTC())) {
                LoadDriver.report("memory store, 1 in flight (CPU only)", runCreate(memory, issuer, token, 1, warmup, seconds));
            }
        } finally {
            standalone.stop();
            cluster.forEach(RedisServers.Server::stop);
        }
    }

    private static void flush(RedisServers.Server standalone, List<RedisServers.Server> cluster) {
        standalone.command("FLUSHALL");
        cluster.forEach(node -> node.command("FLUSHALL"));
    }

    private static LoadDriver.Result runCreate(SessionStore store, String issuer, String token, int inFlight, int warmup,
                                               int seconds) throws InterruptedException {
        AtomicLong users = new AtomicLong();
        return closedLoop(inFlight, warmup, seconds, Runnable::run,
                () -> store.create(session(issuer, "user-" + users.incrementAndGet(), token)).thenApply(ticket -> true));
    }

    /**
     * {@code lanes} closed loops: each makes its next {@code call} when the previous one has completed; the
     * latency of those made after the warm-up and completed before the end is recorded (true: success).
     * {@code starter} runs each lane's first call (e.g. on a Vert.x context).
     */
    static LoadDriver.Result closedLoop(int lanes, int warmupSeconds, int seconds, java.util.concurrent.Executor starter,
                                        Supplier<java.util.concurrent.CompletionStage<Boolean>> call) throws InterruptedException {
        Recorder recorder = new Recorder(3);
        AtomicLong ok = new AtomicLong();
        AtomicLong errors = new AtomicLong();
        long measureFrom = System.nanoTime() + TimeUnit.SECONDS.toNanos(warmupSeconds);
        long end = measureFrom + TimeUnit.SECONDS.toNanos(seconds);
        CountDownLatch done = new CountDownLatch(lanes);
        Lane lane = new Lane(call, recorder, ok, errors, measureFrom, end, done);
        for (int i = 0; i < lanes; i++) {
            starter.execute(lane::next);
        }
        done.await();
        return new LoadDriver.Result(ok.get(), errors.get(), seconds, recorder.getIntervalHistogram());
    }

    private record Lane(Supplier<java.util.concurrent.CompletionStage<Boolean>> call, Recorder recorder, AtomicLong ok,
                        AtomicLong errors, long measureFrom, long end, CountDownLatch done) {

        /** Calls until a call does not complete at once (then continues from its completion), or until the end. */
        void next() {
            while (true) {
                long sent = System.nanoTime();
                if (sent >= end) {
                    done.countDown();
                    return;
                }
                CompletableFuture<Boolean> result = call.get().toCompletableFuture();
                if (!result.isDone()) { // a store in memory completes at once: loop here, not by recursion
                    result.whenComplete((success, failure) -> {
                        record(sent, success, failure);
                        next();
                    });
                    return;
                }
                Boolean success = result.exceptionally(failure -> false).join();
                record(sent, success, null);
            }
        }

        private void record(long sent, Boolean success, Throwable failure) {
            long now = System.nanoTime();
            if (sent >= measureFrom && now < end) {
                if (failure == null && Boolean.TRUE.equals(success)) {
                    recorder.recordValue((now - sent) / 1000);
                    ok.incrementAndGet();
                } else {
                    errors.incrementAndGet();
                }
            }
        }
    }

    static Session session(String issuer, String subject, String token) {
        Instant now = Instant.now();
        return Session.start(new SessionUser(issuer, subject), Optional.empty(), Optional.of(subject + "@example.com"),
                Optional.of(subject), List.of("staff"),
                new SessionTokens(token, Optional.of("refresh-" + subject), Optional.of(token), now.plus(Duration.ofHours(1))), now);
    }

    // ---------------------------------------------------------------- /auth with a session cookie

    /** @param mode 0: the JVM client (Vert.x) in this JVM; 1: wrk, the runtimes in this JVM; 2: wrk, each runtime in a JVM of its own */
    static void auth(Path dir, int connections, int seconds, int warmup, int rounds, int sessionCount, int cacheMillis,
                     int mode) throws Exception {
        MockOAuth2Server idp = new MockOAuth2Server();
        idp.start(java.net.InetAddress.getLoopbackAddress(), 0);
        RedisServers.Server standalone = RedisServers.standalone(dir);
        List<RedisServers.Server> cluster = RedisServers.cluster(dir);
        Path key = key(dir, "k1");
        String issuer = idp.issuerUrl("main").toString();
        String bearer = idp.issueToken("main", "bench-client", new DefaultOAuth2TokenCallback("main", "ada", "JWT",
                List.of("shop-api"), Map.of(), 3600)).serialize();
        Vertx driver = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(Runtime.getRuntime().availableProcessors()));
        System.out.printf("sessions.localCacheTtl: %d ms%s%n", cacheMillis, cacheMillis == 0 ? " (off: every request reads Redis)" : "");
        boolean ownJvms = mode == 2;
        System.out.println(ownJvms ? "runtimes: each in a JVM of its own" : "runtimes: in this JVM");
        try (Target single = target(ownJvms, issuer, key, RedisTopology.Standalone, List.of(standalone), cacheMillis);
             Target clustered = target(ownJvms, issuer, key, RedisTopology.Cluster, cluster, cacheMillis)) {
            SessionsConfig sessions = sessionsConfig(issuer, key, standalone.port());
            SessionCookie cookie = SessionCookie.of(sessions.cookie(), sessions.absoluteTimeout());
            List<String> singleCookies = makeSessions(sessions, cookie, RedisTopology.Standalone, List.of(standalone), issuer, bearer, sessionCount);
            List<String> clusterCookies = makeSessions(sessions, cookie, RedisTopology.Cluster, cluster, issuer, bearer, sessionCount);
            expect(Http.get(single.port(), "/auth", "Cookie", COOKIE + "=" + singleCookies.getFirst()), 200, "session cookie, standalone");
            expect(Http.get(clustered.port(), "/auth", "Cookie", COOKIE + "=" + clusterCookies.getFirst()), 200, "session cookie, Cluster");
            expect(Http.get(single.port(), "/auth", "Authorization", "Bearer " + bearer), 200, "bearer JWT");
            System.out.printf("auth: %d connections, %d s warm-up, %d s measured, %d rounds, %d sessions per Redis%n",
                    connections, warmup, seconds, rounds, sessionCount);

            if (mode > 0) {
                authWithWrk(dir, single, clustered, bearer, singleCookies, clusterCookies, connections, warmup, seconds, rounds,
                        standalone, cluster);
                return;
            }
            Supplier<String[]> bearerHeader = () -> new String[] {"Authorization", "Bearer " + bearer};
            run(driver, single.port(), bearerHeader, connections, warmup, seconds);
            run(driver, single.port(), cycling(singleCookies), connections, warmup, seconds);
            run(driver, clustered.port(), cycling(clusterCookies), connections, warmup, seconds);
            for (int round = 1; round <= rounds; round++) {
                LoadDriver.report("round " + round + " /auth cached bearer JWT", run(driver, single.port(), bearerHeader, connections, warmup, seconds));
                LoadDriver.report("round " + round + " /auth cookie, standalone", run(driver, single.port(), cycling(singleCookies), connections, warmup, seconds));
                LoadDriver.report("round " + round + " /auth cookie, Cluster", run(driver, clustered.port(), cycling(clusterCookies), connections, warmup, seconds));
            }
        } finally {
            driver.close().await(10, TimeUnit.SECONDS);
            standalone.stop();
            cluster.forEach(RedisServers.Server::stop);
            idp.shutdown();
        }
    }

    /** The same rounds driven by wrk (C): a Lua script cycles over the cookies, one per request. */
    private static void authWithWrk(Path dir, Target singleRuntime, Target clusterRuntime, String bearer, List<String> singleCookies,
                                    List<String> clusterCookies, int connections, int warmup, int seconds, int rounds,
                                    RedisServers.Server standalone, List<RedisServers.Server> cluster) throws Exception {
        Path script = Files.writeString(dir.resolve("cookies.lua"), Wrk.cyclingCookies("/auth"));
        Path single = Files.write(dir.resolve("single.txt"), singleCookies.stream().map(value -> COOKIE + "=" + value).toList());
        Path clustered = Files.write(dir.resolve("cluster.txt"), clusterCookies.stream().map(value -> COOKIE + "=" + value).toList());
        Wrk wrk = new Wrk(Runtime.getRuntime().availableProcessors(), connections);
        List<String> bearerHeader = List.of("-H", "Authorization: Bearer " + bearer);
        List<String> cookies = List.of("-s", script.toString());
        String singleUrl = "http://127.0.0.1:" + singleRuntime.port() + "/auth";
        String clusterUrl = "http://127.0.0.1:" + clusterRuntime.port() + "/auth";
        wrk.run(singleUrl, warmup, bearerHeader, List.of());
        wrk.run(singleUrl, warmup, cookies, List.of(single.toString()));
        wrk.run(clusterUrl, warmup, cookies, List.of(clustered.toString()));
        for (int round = 1; round <= rounds; round++) {
            System.out.printf("round %d /auth cached bearer JWT (wrk)   %s%n", round, wrk.run(singleUrl, seconds, bearerHeader, List.of()).clean());
            RedisLoad before = RedisLoad.of(List.of(standalone), singleRuntime.process());
            Wrk.Result result = wrk.run(singleUrl, seconds, cookies, List.of(single.toString())).clean();
            System.out.printf("round %d /auth cookie, standalone (wrk)  %s%n", round, result);
            System.out.printf("                                    %s%n", RedisLoad.of(List.of(standalone), singleRuntime.process()).since(before, result.requestsPerSecond() * seconds));
            before = RedisLoad.of(cluster, clusterRuntime.process());
            result = wrk.run(clusterUrl, seconds, cookies, List.of(clustered.toString())).clean();
            System.out.printf("round %d /auth cookie, Cluster (wrk)     %s%n", round, result);
            System.out.printf("                                    %s%n", RedisLoad.of(cluster, clusterRuntime.process()).since(before, result.requestsPerSecond() * seconds));
        }
    }

    private static Supplier<String[]> cycling(List<String> cookies) {
        AtomicInteger next = new AtomicInteger();
        List<String> headers = cookies.stream().map(value -> COOKIE + "=" + value).toList();
        return () -> new String[] {"Cookie", headers.get(Math.floorMod(next.getAndIncrement(), headers.size()))};
    }

    private static List<String> makeSessions(SessionsConfig sessions, SessionCookie cookie, RedisTopology topology,
                                             List<RedisServers.Server> servers, String issuer, String token, int count) {
        try (SessionStore store = store(sessions, topology, servers)) {
            List<String> values = new ArrayList<>(count);
            for (int from = 0; from < count; from += 256) {
                List<CompletableFuture<SessionTicket>> batch = new ArrayList<>();
                for (int i = from; i < Math.min(count, from + 256); i++) {
                    batch.add(store.create(session(issuer, "user-" + i, token)).toCompletableFuture());
                }
                batch.forEach(ticket -> values.add(cookie.value(ticket.join())));
            }
            return values;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static LoadDriver.Result run(Vertx vertx, int port, Supplier<String[]> header, int connections, int warmupSeconds,
                                 int seconds) throws Exception {
        HttpClientAgent client = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true).setDefaultHost("127.0.0.1")
                .setDefaultPort(port), new PoolOptions().setHttp1MaxSize(connections));
        LoadDriver.Result result = closedLoop(connections, warmupSeconds, seconds, task -> vertx.runOnContext(v -> task.run()), () -> {
            String[] nameValue = header.get();
            return client.request(HttpMethod.GET, "/auth")
                    .compose(request -> request.putHeader(nameValue[0], nameValue[1]).send())
                    .compose(response -> response.body().map(body -> response.statusCode() == 200))
                    .toCompletionStage();
        });
        client.close().await(10, TimeUnit.SECONDS);
        return result;
    }

    // ---------------------------------------------------------------- full login

    /** sum / count of a Prometheus summary or histogram, over the series whose labels contain {@code label}. */
    static double mean(String metrics, String name, String label) {
        double sum = 0;
        double count = 0;
        for (String line : metrics.lines().toList()) {
            if (line.startsWith(name + "_sum{") && line.contains(label)) {
                sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            } else if (line.startsWith(name + "_count{") && line.contains(label)) {
                count += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return count == 0 ? Double.NaN : sum / count;
    }

    /** @param ownJvm the runtime in a JVM of its own (as deployed), not in this one beside the IdP and the client */
    static void login(Path dir, int logins, int warmupLogins, boolean netty, boolean ownJvm) throws Exception {
        OAuth2Config defaults = new OAuth2Config();
        TimedIdpServer timed = new TimedIdpServer(netty ? new no.nav.security.mock.oauth2.http.NettyWrapper() : defaults.getHttpServer());
        MockOAuth2Server idp = new MockOAuth2Server(new OAuth2Config(defaults.getInteractiveLogin(), defaults.getLoginPagePath(),
                defaults.getStaticAssetsPath(), defaults.getRotateRefreshToken(), defaults.getTokenProvider(),
                defaults.getTokenCallbacks(), timed));
        idp.start(java.net.InetAddress.getLoopbackAddress(), 0);
        RedisServers.Server redis = RedisServers.standalone(dir);
        Path key = key(dir, "k1");
        // Answers handled on the client's own I/O thread, as a browser has no pool to hand them to: with the JDK's default
        // executor the hand-over (0.3 to 0.5 ms a request here) was charged to the runtime's two hops.
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).followRedirects(HttpClient.Redirect.NEVER)
                .executor(Runnable::run).build();
        System.out.printf("IdP: mock-oauth2-server on %s; the runtime %s%n", netty ? "Netty" : "okhttp's MockWebServer (its default)",
                ownJvm ? "in a JVM of its own" : "in this JVM");
        String yaml = yaml(idp.issuerUrl("main").toString(), key, RedisTopology.Standalone, List.of(redis.port()));
        // Each login comes from its own address through X-Forwarded-For (below): the proxy must be trusted.
        try (Target runtime = ownJvm
                ? RuntimeProcess.start("  trustedProxies: [\"127.0.0.1/32\"]\n", yaml, List.of()).target()
                : inThisJvm(RunningRuntime.start(yaml, Clock.systemUTC(), policy -> policy))) {
            String base = "http://127.0.0.1:" + runtime.port();
            for (int i = 0; i < warmupLogins; i++) {
                oneLogin(http, idp, timed, base, "warm-" + i);
            }
            Histogram own = new Histogram(3);
            Histogram total = new Histogram(3);
            Histogram runtimeHops = new Histogram(3);
            Histogram idpInRuntimeHops = new Histogram(3);
            Histogram authorize = new Histogram(3);
            Histogram startHop = new Histogram(3);
            Histogram callbackHop = new Histogram(3);
            Histogram idpInCallback = new Histogram(3);
            long idpRequestsBefore = timed.requests();
            for (int i = 0; i < logins; i++) {
                long[] t = oneLogin(http, idp, timed, base, "user-" + i);
                total.recordValue(t[0] / 1000);
                runtimeHops.recordValue(t[1] / 1000);
                idpInRuntimeHops.recordValue(t[2] / 1000);
                own.recordValue(Math.max(0, t[1] - t[2]) / 1000);
                authorize.recordValue(t[3] / 1000);
                startHop.recordValue(t[4] / 1000);
                callbackHop.recordValue(t[5] / 1000);
                idpInCallback.recordValue(t[6] / 1000);
            }
            System.out.printf("login: %d sequential logins after %d warm-up logins, %.2f IdP requests per login (ms: p50 / p90 / p99 / max)%n",
                    logins, warmupLogins, (timed.requests() - idpRequestsBefore) / (double) logins);
            percentiles("whole login, client-measured", total);
            percentiles("authorize hop (browser at the IdP)", authorize);
            percentiles("start hop, client-measured", startHop);
            percentiles("callback hop, client-measured", callbackHop);
            percentiles("IdP handler time inside the callback", idpInCallback);
            percentiles("start + callback hops, client-measured", runtimeHops);
            percentiles("IdP handler time inside them", idpInRuntimeHops);
            percentiles("runtime's own share", own);
            // What any request costs through this client and the loopback: /auth without credentials, answered 401 at once.
            Histogram floor = new Histogram(3);
            for (int i = 0; i < logins; i++) {
                long begin = System.nanoTime();
                expect(send(http, base + "/auth", null), 401, "bare /auth");
                floor.recordValue((System.nanoTime() - begin) / 1000);
            }
            percentiles("a bare /auth (401), the same client", floor);
            // The runtime's own view (warm-up logins included): time inside its start and callback handlers,
            // less the time its calls to the token endpoint took, from the first byte in to the last byte out.
            String metrics = Http.get(runtime.managementPort(), "/metrics").body();
            double start = mean(metrics, "authtier_http_request_duration_seconds", "endpoint=\"oauth2_start\"");
            double callback = mean(metrics, "authtier_http_request_duration_seconds", "endpoint=\"oauth2_callback\"");
            double tokenCall = mean(metrics, "authtier_login_idp_duration_seconds", "grant=\"code\"");
            System.out.printf("server-side means (ms): start %.2f, callback %.2f, of which the token endpoint call %.2f; "
                    + "runtime's own share %.2f%n", start * 1000, callback * 1000, tokenCall * 1000, (start + callback - tokenCall) * 1000);
        } finally {
            redis.stop();
            idp.shutdown();
        }
    }

    private static final java.util.concurrent.atomic.AtomicInteger LOGINS = new java.util.concurrent.atomic.AtomicInteger();

    /** {@code [whole, start + callback, IdP handler time during start + callback, authorize hop]} in ns. */
    private static long[] oneLogin(HttpClient http, MockOAuth2Server idp, TimedIdpServer timed, String base, String subject)
            throws Exception {
        idp.enqueueCallback(new DefaultOAuth2TokenCallback("main", subject, "JWT", List.of("shop-api"),
                Map.of("email", subject + "@example.com"), 3600));
        long begin = System.nanoTime();
        long idpBefore = timed.nanos();
        // Each login from its own client address (through the trusted proxy header): /oauth2/start is rate
        // limited per client, and this is many browsers logging in one after another, not one.
        HttpResponse<String> start = http.send(HttpRequest.newBuilder(URI.create(base + "/oauth2/start?rd=/cart"))
                .timeout(Duration.ofSeconds(10)).header("X-Forwarded-For", "10.0." + (LOGINS.get() / 250 % 250) + "." + (LOGINS.getAndIncrement() % 250))
                .GET().build(), HttpResponse.BodyHandlers.ofString());
        long afterStart = System.nanoTime();
        long idpDuringStart = timed.nanos() - idpBefore;
        expect(start, 302, "start");
        String binding = cookiePair(start, COOKIE + "-login");
        HttpResponse<String> authorize = send(http, start.headers().firstValue("Location").orElseThrow(), null);
        long afterAuthorize = System.nanoTime();
        expect(authorize, 302, "authorize");
        String callbackUrl = URI.create(base).resolve(authorize.headers().firstValue("Location").orElseThrow()).toString();
        long idpBeforeCallback = timed.nanos();
        HttpResponse<String> callback = send(http, callbackUrl, binding);
        long afterCallback = System.nanoTime();
        long idpDuringCallback = timed.nanos() - idpBeforeCallback;
        expect(callback, 302, "callback");
        String session = cookiePair(callback, COOKIE);
        expect(send(http, base + "/auth", session), 200, "/auth after login");
        long runtimeHops = (afterStart - begin) + (afterCallback - afterAuthorize);
        return new long[] {afterCallback - begin, runtimeHops, idpDuringStart + idpDuringCallback, afterAuthorize - afterStart,
            afterStart - begin, afterCallback - afterAuthorize, idpDuringCallback};
    }

    /** A GET with {@code cookie}, if any, and {@code headers} (name, value, …). */
    private static HttpResponse<String> send(HttpClient http, String url, String cookie, String... headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).GET();
        if (cookie != null) {
            request.header("Cookie", cookie);
        }
        if (headers.length > 0) {
            request.headers(headers);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String cookiePair(HttpResponse<String> response, String name) {
        return response.headers().allValues("Set-Cookie").stream().filter(c -> c.startsWith(name + "="))
                .map(c -> c.substring(0, c.indexOf(';'))).findFirst()
                .orElseThrow(() -> new IllegalStateException("no cookie " + name + " in " + response.headers()));
    }

    // ---------------------------------------------------------------- logout seen by another replica

    static void logout(Path dir, int times) throws Exception {
        MockOAuth2Server idp = new MockOAuth2Server();
        idp.start(java.net.InetAddress.getLoopbackAddress(), 0);
        RedisServers.Server redis = RedisServers.standalone(dir);
        Path key = key(dir, "k1");
        String issuer = idp.issuerUrl("main").toString();
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).followRedirects(HttpClient.Redirect.NEVER).build();
        try (RunningRuntime a = runtime(issuer, key, RedisTopology.Standalone, List.of(redis));
             RunningRuntime b = runtime(issuer, key, RedisTopology.Standalone, List.of(redis))) {
            SessionsConfig sessions = sessionsConfig(issuer, key, redis.port());
            SessionCookie cookie = SessionCookie.of(sessions.cookie(), sessions.absoluteTimeout());
            List<String> cookies = makeSessions(sessions, cookie, RedisTopology.Standalone, List.of(redis), issuer, "eyJ.token.sig", times + 50);
            Histogram seen = new Histogram(3);
            Histogram signOut = new Histogram(3);
            long staleAnswers = 0;
            long maxTries = 0;
            for (int i = 0; i < cookies.size(); i++) {
                String pair = COOKIE + "=" + cookies.get(i);
                expect(send(http, "http://127.0.0.1:" + b.port() + "/auth", pair), 200, "before sign-out on the other replica");
                long before = System.nanoTime();
                // As a browser following the application's link: sign-out is honoured from this site only
                expect(send(http, "http://127.0.0.1:" + a.port() + "/oauth2/sign_out?rd=/", pair, "Sec-Fetch-Site", "same-origin"), 302, "sign_out");
                long signedOut = System.nanoTime();
                int tries = 0;
                while (true) {
                    tries++;
                    int status = send(http, "http://127.0.0.1:" + b.port() + "/auth", pair).statusCode();
                    if (status == 401) {
                        break;
                    }
                    if (System.nanoTime() - signedOut > TimeUnit.SECONDS.toNanos(5)) {
                        throw new IllegalStateException("the other replica still answers " + status + " after 5 s");
                    }
                }
                long refused = System.nanoTime();
                if (i >= 50) { // the first 50 warm up
                    signOut.recordValue((signedOut - before) / 1000);
                    seen.recordValue((refused - signedOut) / 1000);
                    staleAnswers += tries - 1;
                    maxTries = Math.max(maxTries, tries);
                }
            }
            System.out.printf("logout: %d sign-outs on replica A, then GET /auth on replica B until 401 (ms: p50 / p90 / p99 / max)%n", times);
            percentiles("sign-out answered by A", signOut);
            percentiles("A's answer until B's 401", seen);
            System.out.printf("requests to B answered 200 after A's sign-out answer: %d in total; most requests needed for a 401: %d%n",
                    staleAnswers, maxTries);
        } finally {
            redis.stop();
            idp.shutdown();
        }
    }

    // ---------------------------------------------------------------- common

    private static Path key(Path dir, String name) throws Exception {
        return io.authtier.runtime.testsupport.SigningKeys.write(dir, name);
    }

    private static String yaml(String issuer, Path key, RedisTopology topology, List<Integer> ports) {
        return yaml(issuer, key, topology, ports, 500);
    }

    private static String yaml(String issuer, Path key, RedisTopology topology, List<Integer> ports, int cacheMillis) {
        StringBuilder endpoints = new StringBuilder();
        for (int port : ports) {
            endpoints.append(endpoints.isEmpty() ? "" : ", ").append("\"127.0.0.1:").append(port).append('"');
        }
        return """
                issuers:
                - name: main
                  issuerUrl: %s
                  audiences: [shop-api]
                sessions:
                  store: Redis
                  localCacheTtl: %dms
                  cookie:
                    signingKeys: [{id: k1, file: %s}]
                  login:
                    issuer: main
                    clientId: %s
                    allowedRedirectDomains: [shop.example.com, 127.0.0.1]
                redis:
                  topology: %s
                  endpoints: [%s]
                tokenCache:
                  l2: {enabled: false}
                """.formatted(issuer, cacheMillis, key, CLIENT, topology, endpoints);
    }

    /** A runtime under test, on {@code port} (and {@code managementPort}), running in {@code process}: this JVM, or one of its own. */
    record Target(int port, int managementPort, ProcessHandle process, AutoCloseable running) implements AutoCloseable {
        @Override
        public void close() throws Exception {
            running.close();
        }
    }

    private static Target target(boolean ownJvm, String issuer, Path key, RedisTopology topology, List<RedisServers.Server> servers,
            int cacheMillis) throws java.io.IOException {
        if (ownJvm) {
            return RuntimeProcess.start(yaml(issuer, key, topology, servers.stream().map(RedisServers.Server::port).toList(),
                    cacheMillis), List.of()).target();
        }
        return inThisJvm(runtime(issuer, key, topology, servers, cacheMillis));
    }

    private static Target inThisJvm(RunningRuntime runtime) {
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> runtime.management("/readyz").statusCode() == 200);
        return new Target(runtime.port(), runtime.managementPort(), ProcessHandle.current(), runtime);
    }

    private static RunningRuntime runtime(String issuer, Path key, RedisTopology topology, List<RedisServers.Server> servers) {
        return runtime(issuer, key, topology, servers, 500);
    }

    /** @param cacheMillis {@code sessions.localCacheTtl} in ms (0: off); 500 is the runtime's default */
    private static RunningRuntime runtime(String issuer, Path key, RedisTopology topology, List<RedisServers.Server> servers,
            int cacheMillis) {
        RunningRuntime runtime = RunningRuntime.start(yaml(issuer, key, topology,
                servers.stream().map(RedisServers.Server::port).toList(), cacheMillis), Clock.systemUTC(), policy -> policy);
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> runtime.management("/readyz").statusCode() == 200);
        return runtime;
    }

    /** The {@code sessions} section the runtime parses from the same YAML. */
    private static SessionsConfig sessionsConfig(String issuer, Path key, int redisPort) {
        String yaml = "server: {port: 18080, managementPort: 18090}\n" + yaml(issuer, key, RedisTopology.Standalone, List.of(redisPort));
        return RunningRuntime.config(yaml).sessions();
    }

    private static SessionStore store(SessionsConfig sessions, RedisTopology topology, List<RedisServers.Server> servers) {
        RedisConfig redis = RedisServers.config(topology, servers);
        return SessionStores.create(sessions, () -> RedisConnections.open(redis, Duration.ofSeconds(2)), Clock.systemUTC());
    }

    private static void expect(HttpResponse<String> response, int status, String what) {
        if (response.statusCode() != status) {
            throw new IllegalStateException(what + ": " + response.statusCode() + " " + response.headers() + " " + response.body());
        }
    }

    private static void percentiles(String name, Histogram h) {
        System.out.printf("%-42s p50 %7.3f  p90 %7.3f  p99 %7.3f  max %7.3f  (n=%d)%n", name, h.getValueAtPercentile(50) / 1000.0,
                h.getValueAtPercentile(90) / 1000.0, h.getValueAtPercentile(99) / 1000.0, h.getMaxValue() / 1000.0, h.getTotalCount());
    }

    private SessionBench() {
    }
}
