package io.authtier.runtime.bench;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import io.authtier.runtime.testsupport.JwksServer;
import io.authtier.runtime.testsupport.Tokens;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientConnection;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpConnectOptions;
import io.vertx.core.http.HttpMethod;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Recorder;

/**
 * Many keep-alive connections and a fixed offered rate (open loop): {@code connections} connections are
 * opened and held, then requests are sent at {@code rate} per second round-robin over them, whatever the
 * answers do. Latency counts from when each request was due, so a server falling behind shows up as
 * latency rather than as a lower rate. The runtime runs in its own JVM (one process holding 10 000
 * client and 10 000 server sockets would pass the file limit). A measurement, not a test.
 *
 * <p>Arguments: {@code [connections=10000] [rate=20000] [seconds=20] [warmupSeconds=5] [wrk|paced|java] [runtime JVM flags...]}. With {@code wrk}
 * last, Debian's {@code wrk} (C, closed loop: each connection sends its next request when the answer
 * arrives) holds the connections instead, which shows how much the runtime answers with that many open
 * when the driver costs less CPU; {@code rate} is then ignored. With {@code paced} last, wrk holds the
 * connections and offers {@code rate} in total, and 100 probe connections opened after the warm-up
 * measure the steady state ({@link #paced}); wrk's latency counts from each request's send, which at two
 * requests per connection per second is close to an open loop's.
 */
public final class OpenLoopDriver {

    public static void main(String[] args) throws Exception {
        int connections = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
        int rate = args.length > 1 ? Integer.parseInt(args[1]) : 20_000;
        int seconds = args.length > 2 ? Integer.parseInt(args[2]) : 20;
        int warmup = args.length > 3 ? Integer.parseInt(args[3]) : 5;
        int cores = Runtime.getRuntime().availableProcessors();
        System.out.printf("machine: %d cores, %s %s; %d connections, %d req/s offered, %d s warm-up, %d s measured%n",
                cores, System.getProperty("java.vm.name"), System.getProperty("java.version"), connections, rate, warmup, seconds);

        RSAKey key = new RSAKeyGenerator(2048).keyID("k1").generate();
        RuntimeProcess runtime = null;
        try (JwksServer idp = new JwksServer("shop", List.of(key.toPublicJWK()))) {
            runtime = RuntimeProcess.start("""
                    issuers:
                    - {name: shop, issuerUrl: '%s', audiences: [shop-api]}
                    """.formatted(idp.issuer()), List.of(args).subList(Math.min(args.length, 5), args.length)); // the runtime's JVM flags
            int port = runtime.port();
            String authorization = "Bearer " + Tokens.sign(key, JWSAlgorithm.RS256,
                    Tokens.accessClaims(idp.issuer(), "shop-api", Clock.systemUTC().instant()).build());
            if (args.length > 4 && args[4].equals("paced")) {
                paced(connections, rate, seconds, warmup, cores, "http://127.0.0.1:" + port + "/auth", authorization);
                return;
            }
            if (args.length > 4 && args[4].equals("wrk")) {
                Process wrk = new ProcessBuilder("wrk", "-t", String.valueOf(cores), "-c", String.valueOf(connections),
                        "-d", seconds + "s", "--timeout", "10s", "--latency", "-H", "Authorization: " + authorization,
                        "http://127.0.0.1:" + port + "/auth").inheritIO().start();
                wrk.waitFor();
                return;
            }

            Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(cores));
            try {
                HttpClientAgent client = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true));
                List<HttpClientConnection> held = new ArrayList<>();
                for (int opened = 0; opened < connections; ) {
                    List<Future<HttpClientConnection>> batch = new ArrayList<>();
                    for (int i = 0; i < 250 && opened < connections; i++, opened++) {
                        batch.add(client.connect(new HttpConnectOptions().setHost("127.0.0.1").setPort(port)));
                    }
                    for (var f : batch) {
                        held.add(f.await(30, TimeUnit.SECONDS));
                    }
                }
                System.out.printf("%d connections open%n", held.size());

                Recorder latency = new Recorder(3);
                AtomicLong ok = new AtomicLong();
                AtomicLong errors = new AtomicLong();
                AtomicLong sent = new AtomicLong();
                long intervalNanos = 1_000_000_000L / rate;
                long start = System.nanoTime();
                long measureFrom = start + TimeUnit.SECONDS.toNanos(warmup);
                long end = measureFrom + TimeUnit.SECONDS.toNanos(seconds);
                long total = (end - start) / intervalNanos;
                CountDownLatch finished = new CountDownLatch(1);
                AtomicLong outstanding = new AtomicLong();
                vertx.setPeriodic(1, timer -> {
                    long due = Math.min(total, (System.nanoTime() - start) / intervalNanos);
                    for (long k = sent.get(); k < due; k = sent.incrementAndGet()) {
                        long intended = start + k * intervalNanos;
                        var connection = held.get((int) (k % held.size()));
                        outstanding.incrementAndGet();
                        connection.request(HttpMethod.GET, "/auth")
                                .compose(request -> request.putHeader("Authorization", authorization).send())
                                .compose(response -> response.body().map(body -> response.statusCode()))
                                .onComplete(result -> {
                                    long now = System.nanoTime();
                                    if (intended >= measureFrom) {
                                        if (result.succeeded() && result.result() == 200) {
                                            latency.recordValue((now - intended) / 1000);
                                            ok.incrementAndGet();
                                        } else {
                                            errors.incrementAndGet();
                                        }
                                    }
                                    if (outstanding.decrementAndGet() == 0 && sent.get() >= total) {
                                        finished.countDown();
                                    }
                                });
                    }
                    if (sent.get() >= total) {
                        vertx.cancelTimer(timer);
                    }
                });
                if (!finished.await(seconds + warmup + 60, TimeUnit.SECONDS)) {
                    System.out.printf("did not finish: %d requests still outstanding%n", outstanding.get());
                }
                var h = latency.getIntervalHistogram();
                System.out.printf("offered %d req/s over %d connections: %.0f req/s answered 200, errors %d, "
                                + "latency from due time p50 %.2f ms, p99 %.2f ms, p99.9 %.2f ms, max %.2f ms%n",
                        rate, held.size(), ok.get() / (double) seconds, errors.get(), h.getValueAtPercentile(50) / 1000.0,
                        h.getValueAtPercentile(99) / 1000.0, h.getValueAtPercentile(99.9) / 1000.0, h.getMaxValue() / 1000.0);
            } finally {
                vertx.close().await(30, TimeUnit.SECONDS);
            }
        } finally {
            if (runtime != null) {
                runtime.close();
            }
        }
        System.exit(0);
    }

    /** Connections of the probe run: few enough that opening them is no burst, enough for a p99 in 90 s. */
    private static final int PROBES = 100;

    /**
     * wrk holds the connections and offers {@code rate} in total: each connection waits a random 0 to
     * 2 × (connections / rate) s before each request, so every connection sends at the same mean rate.
     * One wrk process holds all but {@link #PROBES} connections for the whole time; after {@code warmup} s,
     * when its opening burst (every connection's first request at once) has drained, a second one opens
     * the probes and measures for {@code seconds}: the steady state at {@code connections} connections and
     * {@code rate} req/s. The first one's figures, burst included, are printed too.
     */
    private static void paced(int connections, int rate, int seconds, int warmup, int cores, String url, String authorization)
            throws Exception {
        Path script = Files.createTempFile("authtier-paced", ".lua");
        Path loadOut = Files.createTempFile("authtier-paced-load", ".txt");
        Path probeOut = Files.createTempFile("authtier-paced-probe", ".txt");
        try {
            Files.writeString(script, """
                    local mean = %f
                    function delay() return math.random() * 2 * mean end
                    """.formatted(1000.0 * connections / rate));
            Process load = wrk(cores, connections - PROBES, warmup + seconds + 5, script, url, authorization, loadOut);
            // The probes start once the warm-up is over; a load run that ends before then has failed.
            if (load.waitFor(warmup, TimeUnit.SECONDS)) {
                throw new IllegalStateException("wrk holding the connections ended during the warm-up: " + Files.readString(loadOut));
            }
            Process probe = wrk(1, PROBES, seconds, script, url, authorization, probeOut);
            probe.waitFor();
            load.waitFor();
            System.out.printf("steady state: %d probe connections, %d s, opened after %d s beside %d others:%n%s",
                    PROBES, seconds, warmup, connections - PROBES, Files.readString(probeOut));
            System.out.printf("all the others, %d s from their opening burst on:%n%s", warmup + seconds + 5, Files.readString(loadOut));
        } finally {
            Files.deleteIfExists(script);
            Files.deleteIfExists(loadOut);
            Files.deleteIfExists(probeOut);
        }
    }

    private static Process wrk(int threads, int connections, int seconds, Path script, String url, String authorization, Path out)
            throws java.io.IOException {
        return new ProcessBuilder("wrk", "-t", String.valueOf(threads), "-c", String.valueOf(connections), "-d", seconds + "s",
                "--timeout", "10s", "--latency", "-s", script.toString(), "-H", "Authorization: " + authorization, url)
                .redirectErrorStream(true).redirectOutput(out.toFile()).start();
    }

    private OpenLoopDriver() {
    }
}
