package io.authtier.runtime.bench;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import io.authtier.runtime.testsupport.FreePorts;
import io.authtier.runtime.testsupport.Http;
import io.authtier.runtime.testsupport.JwksServer;
import io.authtier.runtime.testsupport.RunningRuntime;
import io.authtier.runtime.testsupport.Tokens;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.PoolOptions;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Recorder;

/**
 * A closed-loop HTTP load driver for {@code /auth}: {@code connections} keep-alive connections, each
 * sending its next request when the previous answer arrives, latencies in an HdrHistogram. In one run it
 * measures a baseline Vert.x server that answers 200 without any validation, then the runtime with one
 * cached JWT (every request carries the same token, so after the first it is a verified-token cache
 * hit). Driver and servers share the machine.
 *
 * <p>Arguments: {@code [connections=64] [seconds=15] [warmupSeconds=5] [rounds=3]}; baseline and
 * {@code /auth} alternate for {@code rounds} rounds and the median ratio of their throughputs is printed.
 */
public final class LoadDriver {

    public static void main(String[] args) throws Exception {
        int connections = args.length > 0 ? Integer.parseInt(args[0]) : 64;
        int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 15;
        int warmup = args.length > 2 ? Integer.parseInt(args[2]) : 5;
        int rounds = args.length > 3 ? Integer.parseInt(args[3]) : 3;
        int cores = Runtime.getRuntime().availableProcessors();
        System.out.printf("machine: %d cores, %s %s; %d connections, %d s warm-up, %d s measured%n",
                cores, System.getProperty("java.vm.name"), System.getProperty("java.version"), connections, warmup, seconds);

        RSAKey key = new RSAKeyGenerator(2048).keyID("k1").generate();
        try (JwksServer idp = new JwksServer("shop", List.of(key.toPublicJWK()));
             RunningRuntime runtime = RunningRuntime.start("""
                     issuers:
                     - name: shop
                       issuerUrl: %s
                       audiences: [shop-api]
                     """.formatted(idp.issuer()), Clock.systemUTC(), policy -> policy)) {
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(60))
                    .until(() -> runtime.management("/readyz").statusCode() == 200);
            String token = Tokens.sign(key, JWSAlgorithm.RS256, Tokens.accessClaims(idp.issuer(), "shop-api", Clock.systemUTC().instant()).build());
            if (runtime.auth(token).statusCode() != 200) {
                throw new IllegalStateException("the token is not accepted");
            }

            Vertx baselineVertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(cores));
            int baselinePort = FreePorts.next();
            baselineVertx.deployVerticle(() -> new VerticleBase() {
                @Override
                public Future<?> start() {
                    return vertx.createHttpServer(new HttpServerOptions().setPort(baselinePort))
                            .requestHandler(request -> request.response().end())
                            .listen();
                }
            }, new DeploymentOptions().setInstances(cores)).await(10, TimeUnit.SECONDS);
            if (Http.get(baselinePort, "/auth").statusCode() != 200) {
                throw new IllegalStateException("baseline down");
            }

            Vertx driver = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(cores));
            try {
                run(driver, baselinePort, "/auth", token, connections, warmup, seconds); // warms the driver up
                run(driver, runtime.port(), "/auth", token, connections, warmup, seconds); // and the runtime
                // Interleaved rounds, so that load from elsewhere on the machine hits both alike
                List<Double> ratios = new java.util.ArrayList<>();
                for (int round = 1; round <= rounds; round++) {
                    Result baseline = run(driver, baselinePort, "/auth", token, connections, warmup, seconds);
                    Result cached = run(driver, runtime.port(), "/auth", token, connections, warmup, seconds);
                    report("round " + round + " baseline (no validation)", baseline);
                    report("round " + round + " /auth cached RS256 JWT", cached);
                    ratios.add((double) cached.requests() / baseline.requests());
                }
                java.util.Collections.sort(ratios);
                System.out.printf("median throughput ratio /auth : baseline = %.2f (rounds: %s)%n", ratios.get(ratios.size() / 2), ratios);
            } finally {
                driver.close().await(10, TimeUnit.SECONDS);
                baselineVertx.close().await(10, TimeUnit.SECONDS);
            }
        }
    }

    record Result(long requests, long errors, double seconds, org.HdrHistogram.Histogram latency) {
    }

    static Result run(Vertx vertx, int port, String path, String token, int connections, int warmupSeconds, int seconds) throws Exception {
        return run(vertx, port, path, token, token == null ? 401 : 200, connections, warmupSeconds, seconds);
    }

    /** As above, counting as success only answers with {@code expected} status. */
    static Result run(Vertx vertx, int port, String path, String token, int expected, int connections, int warmupSeconds,
                      int seconds) throws Exception {
        HttpClientAgent client = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true).setDefaultHost("127.0.0.1").setDefaultPort(port),
                new PoolOptions().setHttp1MaxSize(connections));
        Recorder recorder = new Recorder(3);
        AtomicLong ok = new AtomicLong();
        AtomicLong errors = new AtomicLong();
        long start = System.nanoTime();
        long measureFrom = start + TimeUnit.SECONDS.toNanos(warmupSeconds);
        long end = measureFrom + TimeUnit.SECONDS.toNanos(seconds);
        CountDownLatch done = new CountDownLatch(connections);
        String authorization = token == null ? null : "Bearer " + token;
        for (int i = 0; i < connections; i++) {
            vertx.runOnContext(v -> loop(client, path, authorization, expected, recorder, ok, errors, measureFrom, end, done));
        }
        done.await();
        client.close().await(10, TimeUnit.SECONDS);
        return new Result(ok.get(), errors.get(), seconds, recorder.getIntervalHistogram()); // only the measured window was recorded
    }

    private static void loop(HttpClientAgent client, String path, String authorization, int expected, Recorder recorder, AtomicLong ok, AtomicLong errors,
                             long measureFrom, long end, CountDownLatch done) {
        long sent = System.nanoTime();
        if (sent >= end) {
            done.countDown();
            return;
        }
        client.request(HttpMethod.GET, path)
                .compose(request -> (authorization == null ? request : request.putHeader("Authorization", authorization)).send())
                .compose(response -> response.body().map(body -> response.statusCode()))
                .onComplete(result -> {
                    long now = System.nanoTime();
                    if (sent >= measureFrom && now < end) {
                        if (result.succeeded() && result.result() == expected) {
                            recorder.recordValue((now - sent) / 1000);
                            ok.incrementAndGet();
                        } else {
                            errors.incrementAndGet();
                        }
                    }
                    loop(client, path, authorization, expected, recorder, ok, errors, measureFrom, end, done);
                });
    }

    static void report(String name, Result result) {
        var h = result.latency();
        System.out.printf("%-36s %9.0f req/s  errors %d  p50 %6.2f ms  p99 %6.2f ms  p99.9 %6.2f ms  max %6.2f ms%n",
                name, result.requests() / result.seconds(), result.errors(),
                h.getValueAtPercentile(50) / 1000.0, h.getValueAtPercentile(99) / 1000.0,
                h.getValueAtPercentile(99.9) / 1000.0, h.getMaxValue() / 1000.0);
    }

    private LoadDriver() {
    }
}
