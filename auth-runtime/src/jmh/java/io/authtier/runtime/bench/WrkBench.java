package io.authtier.runtime.bench;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import io.authtier.runtime.testsupport.FreePorts;
import io.authtier.runtime.testsupport.Http;
import io.authtier.runtime.testsupport.JwksServer;
import io.authtier.runtime.testsupport.Tokens;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;

/**
 * {@code /auth} with a cached RS256 JWT against a server that answers 200 without validation, both
 * driven by {@code wrk} (the issue's own method): the runtime and the baseline each in a JVM of their
 * own, as deployed, with wrk's two threads on the same two cores. Rounds interleave the two, so load from
 * elsewhere on the machine hits both alike; the median ratio of their throughputs is printed. Where nginx is
 * installed, each round also drives its {@code return 200} ({@link NginxReference}): the p99 of a server
 * that does nothing, under the same wrk on the same cores.
 *
 * <p>Arguments: {@code [connections=64] [seconds=10] [warmupSeconds=10] [rounds=3] [jvm flags for the runtime...]}.
 */
public final class WrkBench {

    public static void main(String[] args) throws Exception {
        int connections = args.length > 0 ? Integer.parseInt(args[0]) : 64;
        int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 10;
        int warmup = args.length > 2 ? Integer.parseInt(args[2]) : 10;
        int rounds = args.length > 3 ? Integer.parseInt(args[3]) : 3;
        List<String> runtimeFlags = args.length > 4 ? List.of(args).subList(4, args.length) : List.of();
        int cores = Runtime.getRuntime().availableProcessors();
        System.out.printf("machine: %d cores, %s %s; wrk, %d connections, %d s warm-up, %d s measured, runtime flags %s%n",
                cores, System.getProperty("java.vm.name"), System.getProperty("java.version"), connections, warmup, seconds, runtimeFlags);

        RSAKey key = new RSAKeyGenerator(2048).keyID("k1").generate();
        List<Process> processes = new ArrayList<>();
        Optional<NginxReference> nginx = Optional.empty();
        Optional<RuntimeProcess> started = Optional.empty();
        try (JwksServer idp = new JwksServer("shop", List.of(key.toPublicJWK()))) {
            int[] ports = FreePorts.next(2);
            int baselinePort = ports[0];
            RuntimeProcess runtime = RuntimeProcess.start("""
                    issuers:
                    - {name: shop, issuerUrl: '%s', audiences: [shop-api]}
                    """.formatted(idp.issuer()), runtimeFlags);
            started = Optional.of(runtime);
            Process baselineServer = Jvm.start(List.of(), BaselineServer.class.getName(), String.valueOf(baselinePort));
            processes.add(baselineServer);
            nginx = NginxReference.startIfInstalled(ports[1], cores);
            Awaitility.await().atMost(Duration.ofSeconds(60)).ignoreExceptions()
                    .until(() -> Http.get(baselinePort, "/").statusCode() == 200);
            String authorization = "Authorization: Bearer " + Tokens.sign(key, JWSAlgorithm.RS256,
                    Tokens.accessClaims(idp.issuer(), "shop-api", Clock.systemUTC().instant()).build());
            String auth = "http://127.0.0.1:" + runtime.port() + "/auth";
            String baseline = "http://127.0.0.1:" + baselinePort + "/auth";

            Wrk wrk = new Wrk(cores, connections);
            wrk.run(baseline, warmup, "-H", authorization);
            wrk.run(auth, warmup, "-H", authorization);
            if (nginx.isPresent()) {
                wrk.run(nginx.get().url("/auth"), warmup, "-H", authorization);
            }
            List<Double> ratios = new ArrayList<>();
            List<Double> nginxP99 = new ArrayList<>();
            List<Double> cpuRatios = new ArrayList<>();
            for (int round = 1; round <= rounds; round++) {
                long baseCpu = cpuNanos(baselineServer);
                Wrk.Result base = wrk.run(baseline, seconds, "-H", authorization).clean();
                double baseMicros = (cpuNanos(baselineServer) - baseCpu) / 1000.0 / (base.requestsPerSecond() * seconds);
                long authCpu = runtime.cpuNanos();
                Wrk.Result cached = wrk.run(auth, seconds, "-H", authorization).clean();
                double authMicros = (runtime.cpuNanos() - authCpu) / 1000.0 / (cached.requestsPerSecond() * seconds);
                System.out.printf("round %d baseline (no validation)   %s  server CPU %.1f us/request%n", round, base, baseMicros);
                System.out.printf("round %d /auth cached RS256 JWT     %s  server CPU %.1f us/request%n", round, cached, authMicros);
                if (nginx.isPresent()) {
                    Wrk.Result floor = wrk.run(nginx.get().url("/auth"), seconds, "-H", authorization).clean();
                    System.out.printf("round %d nginx return 200 (floor)   %s%n", round, floor);
                    nginxP99.add(floor.p99Millis());
                }
                ratios.add(cached.requestsPerSecond() / base.requestsPerSecond());
                cpuRatios.add(baseMicros / authMicros);
            }
            Collections.sort(ratios);
            Collections.sort(cpuRatios);
            System.out.printf("median throughput ratio /auth : baseline = %.2f (rounds: %s)%n", ratios.get(ratios.size() / 2), ratios);
            // Less moved by other load on the machine than throughput: the server's own CPU per answer.
            System.out.printf("median server CPU per request, baseline : /auth = %.2f (rounds: %s)%n", cpuRatios.get(cpuRatios.size() / 2), cpuRatios);
            if (nginx.isPresent()) {
                Collections.sort(nginxP99);
                System.out.printf("nginx's p99 under the same wrk: %s ms (what the shared cores alone cost a server that does nothing)%n", nginxP99);
            } else {
                System.out.println("nginx not installed: no reference row (apt-get install nginx-light)");
            }
        } finally {
            for (Process process : processes) {
                process.destroy();
                process.waitFor(30, TimeUnit.SECONDS);
            }
            if (started.isPresent()) {
                started.get().close();
            }
            if (nginx.isPresent()) { // last: its clean-up may throw, and the runtime must stop all the same
                nginx.get().close();
            }
        }
        System.exit(0);
    }

    /** User and system CPU the process has used so far (from /proc). */
    private static long cpuNanos(Process process) {
        return process.toHandle().info().totalCpuDuration().orElseThrow().toNanos();
    }

    private WrkBench() {
    }
}
