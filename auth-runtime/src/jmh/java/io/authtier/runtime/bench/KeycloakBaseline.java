package io.authtier.runtime.bench;

import io.authtier.runtime.testsupport.FreePorts;
import io.authtier.runtime.testsupport.RunningRuntime;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * /auth with a cached Keycloak JWT against the original design, one introspection call to Keycloak per
 * request, in interleaved rounds. Keycloak runs outside (src/jmh/keycloak-bench.sh starts and
 * configures it, then runs this).
 *
 * <p>Arguments: {@code issuerUrl clientId clientSecretFile accessTokenFile [connections=64] [seconds=10]
 * [warmupSeconds=3] [rounds=3]}. A measurement, not a test; see docs/benchmarks.md.
 */
public final class KeycloakBaseline {

    public static void main(String[] args) throws Exception {
        String issuer = args[0];
        String clientId = args[1];
        Path secretFile = Path.of(args[2]);
        String token = Files.readString(Path.of(args[3])).strip();
        int connections = args.length > 4 ? Integer.parseInt(args[4]) : 64;
        int seconds = args.length > 5 ? Integer.parseInt(args[5]) : 10;
        int warmup = args.length > 6 ? Integer.parseInt(args[6]) : 3;
        int rounds = args.length > 7 ? Integer.parseInt(args[7]) : 3;
        int cores = Runtime.getRuntime().availableProcessors();
        System.out.printf("machine: %d cores, %s %s; %d connections, %d s warm-up, %d s measured; IdP %s%n",
                cores, System.getProperty("java.vm.name"), System.getProperty("java.version"), connections, warmup,
                seconds, issuer);

        try (RunningRuntime runtime = RunningRuntime.start("""
                issuers:
                - name: keycloak
                  issuerUrl: %s
                  audiences: [account]
                  introspection: {clientId: %s, clientSecretFile: %s}
                """.formatted(issuer, clientId, secretFile), Clock.systemUTC(), policy -> policy)) {
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(60))
                    .until(() -> runtime.management("/readyz").statusCode() == 200);
            if (runtime.auth(token).statusCode() != 200) {
                throw new IllegalStateException("the runtime does not accept Keycloak's token: " + runtime.auth(token).statusCode());
            }
            var idp = URI.create(issuer);
            Vertx baselineVertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(cores));
            int baselinePort = FreePorts.next();
            String secret = Files.readString(secretFile).strip();
            baselineVertx.deployVerticle(() -> new IntrospectionBaseline.IntrospectEveryRequest(baselinePort, idp.getPort(),
                            idp.getPath() + "/protocol/openid-connect/token/introspect", clientId, secret, connections),
                    new DeploymentOptions().setInstances(cores)).await(10, TimeUnit.SECONDS);
            Vertx driver = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(cores));
            try {
                LoadDriver.run(driver, baselinePort, "/auth", token, connections, warmup, seconds); // warm-up
                LoadDriver.run(driver, runtime.port(), "/auth", token, connections, warmup, seconds);
                List<Double> ratios = new ArrayList<>();
                for (int round = 1; round <= rounds; round++) {
                    var baseline = LoadDriver.run(driver, baselinePort, "/auth", token, connections, warmup, seconds);
                    var cached = LoadDriver.run(driver, runtime.port(), "/auth", token, connections, warmup, seconds);
                    LoadDriver.report("round " + round + " baseline: Keycloak each", baseline);
                    LoadDriver.report("round " + round + " /auth cached Keycloak JWT", cached);
                    ratios.add((double) cached.requests() / Math.max(1, baseline.requests()));
                }
                Collections.sort(ratios);
                System.out.printf("median throughput ratio, cached JWT : Keycloak introspection each = %.1f (rounds: %s)%n",
                        ratios.get(ratios.size() / 2), ratios);
            } finally {
                driver.close().await(10, TimeUnit.SECONDS);
                baselineVertx.close().await(10, TimeUnit.SECONDS);
            }
        }
        System.exit(0);
    }

    private KeycloakBaseline() {
    }
}
