package io.authtier.runtime.bench;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import io.authtier.runtime.testsupport.FreePorts;
import io.authtier.runtime.testsupport.RunningRuntime;
import io.authtier.runtime.testsupport.Tokens;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * /auth against the original design's way of working: one introspection call per request to the same
 * IdP, no cache. One process holds an IdP (discovery, JWKS, RFC 7662 introspection, on Vert.x so the IdP
 * is not the bottleneck), that baseline server (pooled keep-alive client to the IdP), and the runtime.
 * Interleaved rounds measure: the baseline with an opaque token; the runtime with a cached RS256 JWT;
 * the runtime with the same opaque token (an L1 hit). Then the IdP is stopped and the runtime measured
 * again: the cached JWT, and an opaque token it has never seen (503 from the open circuit breaker).
 *
 * <p>Arguments: {@code [connections=64] [seconds=10] [warmupSeconds=3] [rounds=3]}. A measurement, not
 * a test; see docs/benchmarks.md.
 */
public final class IntrospectionBaseline {

    public static void main(String[] args) throws Exception {
        int connections = args.length > 0 ? Integer.parseInt(args[0]) : 64;
        int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 10;
        int warmup = args.length > 2 ? Integer.parseInt(args[2]) : 3;
        int rounds = args.length > 3 ? Integer.parseInt(args[3]) : 3;
        int cores = Runtime.getRuntime().availableProcessors();
        System.out.printf("machine: %d cores, %s %s; %d connections, %d s warm-up, %d s measured%n",
                cores, System.getProperty("java.vm.name"), System.getProperty("java.version"), connections, warmup, seconds);

        RSAKey key = new RSAKeyGenerator(2048).keyID("k1").generate();
        int idpPort = FreePorts.next();
        String issuer = "http://127.0.0.1:" + idpPort + "/realms/shop";
        Vertx idpVertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1));
        idpVertx.deployVerticle(new Idp(idpPort, issuer, key)).await(10, TimeUnit.SECONDS);

        var secret = Files.createTempFile("authtier-bench", ".secret");
        Files.writeString(secret, "bench-secret");
        String opaque = "opaque-token-for-the-benchmark-0123456789";
        try (RunningRuntime runtime = RunningRuntime.start("""
                issuers:
                - name: shop
                  issuerUrl: %s
                  audiences: [shop-api]
                  introspection: {clientId: authtier, clientSecretFile: %s}
                resilience:
                  timeout: 1s
                  retry: {maxAttempts: 2, initialBackoff: 50ms}
                  circuitBreaker: {failureRateThreshold: 50, waitInOpenState: 60s}
                """.formatted(issuer, secret), Clock.systemUTC(), policy -> policy)) {
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(60))
                    .until(() -> runtime.management("/readyz").statusCode() == 200);
            String jwt = Tokens.sign(key, JWSAlgorithm.RS256,
                    Tokens.accessClaims(issuer, "shop-api", Clock.systemUTC().instant()).build());
            if (runtime.auth(jwt).statusCode() != 200 || runtime.auth(opaque).statusCode() != 200) {
                throw new IllegalStateException("the runtime does not accept the benchmark's tokens");
            }

            Vertx baselineVertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(cores));
            int baselinePort = FreePorts.next();
            baselineVertx.deployVerticle(() -> new IntrospectEveryRequest(baselinePort, idpPort, "/realms/shop/introspect",
                            "authtier", "bench-secret", connections),
                    new DeploymentOptions().setInstances(cores)).await(10, TimeUnit.SECONDS);

            Vertx driver = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(cores));
            try {
                LoadDriver.run(driver, baselinePort, "/auth", opaque, connections, warmup, seconds); // warm-up
                LoadDriver.run(driver, runtime.port(), "/auth", jwt, connections, warmup, seconds);
                List<Double> jwtRatios = new ArrayList<>();
                List<Double> opaqueRatios = new ArrayList<>();
                for (int round = 1; round <= rounds; round++) {
                    var baseline = LoadDriver.run(driver, baselinePort, "/auth", opaque, connections, warmup, seconds);
                    var cachedJwt = LoadDriver.run(driver, runtime.port(), "/auth", jwt, connections, warmup, seconds);
                    var cachedOpaque = LoadDriver.run(driver, runtime.port(), "/auth", opaque, connections, warmup, seconds);
                    LoadDriver.report("round " + round + " baseline: introspect each", baseline);
                    LoadDriver.report("round " + round + " /auth cached JWT", cachedJwt);
                    LoadDriver.report("round " + round + " /auth opaque, L1 hit", cachedOpaque);
                    jwtRatios.add((double) cachedJwt.requests() / baseline.requests());
                    opaqueRatios.add((double) cachedOpaque.requests() / baseline.requests());
                }
                Collections.sort(jwtRatios);
                Collections.sort(opaqueRatios);
                System.out.printf("median throughput ratio, cached JWT : introspection baseline = %.1f (rounds: %s)%n",
                        jwtRatios.get(jwtRatios.size() / 2), jwtRatios);
                System.out.printf("median throughput ratio, opaque L1 hit : introspection baseline = %.1f (rounds: %s)%n",
                        opaqueRatios.get(opaqueRatios.size() / 2), opaqueRatios);

                // The IdP goes away.
                idpVertx.close().await(10, TimeUnit.SECONDS);
                var down = LoadDriver.run(driver, runtime.port(), "/auth", jwt, connections, warmup, seconds);
                LoadDriver.report("IdP down: /auth cached JWT (200)", down);
                // Open the breaker, then measure the answer to an opaque token never seen.
                for (int i = 0; i < 20; i++) {
                    runtime.auth("never-seen-" + i);
                }
                var unavailable = LoadDriver.run(driver, runtime.port(), "/auth", "never-seen-opaque", 503, connections,
                        warmup, seconds);
                LoadDriver.report("IdP down: /auth uncached opaque (503)", unavailable);
                // The same, one request at a time: the time to decide, without queueing behind 63 others.
                var alone = LoadDriver.run(driver, runtime.port(), "/auth", "never-seen-opaque", 503, 1, warmup, seconds);
                LoadDriver.report("IdP down: uncached opaque, 1 connection", alone);
                // And with wrk (C), 64 connections, which costs the shared cores less than the JVM driver.
                Wrk.Result wrk = new Wrk(Runtime.getRuntime().availableProcessors(), connections)
                        .run("http://127.0.0.1:" + runtime.port() + "/auth", seconds, "-H", "Authorization: Bearer never-seen-opaque");
                System.out.printf("IdP down: uncached opaque, wrk      %s (every answer should be non-2xx: 503)%n", wrk);
            } finally {
                driver.close().await(10, TimeUnit.SECONDS);
                baselineVertx.close().await(10, TimeUnit.SECONDS);
            }
        } finally {
            Files.deleteIfExists(secret);
        }
        System.exit(0);
    }

    /** The IdP: discovery, JWKS and an introspection endpoint that calls every token active. */
    static final class Idp extends VerticleBase {
        private final int port;
        private final String issuer;
        private final String jwks;

        Idp(int port, String issuer, RSAKey key) {
            this.port = port;
            this.issuer = issuer;
            this.jwks = new JWKSet(key.toPublicJWK()).toString();
        }

        @Override
        public Future<?> start() {
            String discovery = new JsonObject().put("issuer", issuer).put("jwks_uri", issuer + "/jwks")
                    .put("introspection_endpoint", issuer + "/introspect").encode();
            return vertx.createHttpServer(new HttpServerOptions().setPort(port)).requestHandler(request -> {
                String path = request.path();
                if (path.endsWith("/.well-known/openid-configuration")) {
                    request.response().putHeader("Content-Type", "application/json").end(discovery);
                } else if (path.endsWith("/jwks")) {
                    request.response().putHeader("Content-Type", "application/json").end(jwks);
                } else if (path.endsWith("/introspect")) {
                    request.body().onSuccess(body -> request.response().putHeader("Content-Type", "application/json")
                            .end(new JsonObject().put("active", true).put("sub", "user-1").put("iss", issuer)
                                    .put("aud", "shop-api").put("scope", "openid")
                                    .put("exp", Instant.now().plusSeconds(3600).getEpochSecond()).encode()));
                } else {
                    request.response().setStatusCode(404).end();
                }
            }).listen();
        }
    }

    /** The original design: every /auth request is one introspection call, nothing cached. */
    static final class IntrospectEveryRequest extends VerticleBase {
        private final int port;
        private final int idpPort;
        private final String introspectPath;
        private final String basic;
        private final int connections;

        IntrospectEveryRequest(int port, int idpPort, String introspectPath, String clientId, String secret, int connections) {
            this.port = port;
            this.idpPort = idpPort;
            this.introspectPath = introspectPath;
            this.basic = "Basic " + java.util.Base64.getEncoder().encodeToString((clientId + ":" + secret).getBytes());
            this.connections = connections;
        }

        @Override
        public Future<?> start() {
            HttpClientAgent idp = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true)
                    .setDefaultHost("127.0.0.1").setDefaultPort(idpPort), new PoolOptions().setHttp1MaxSize(connections));
            return vertx.createHttpServer(new HttpServerOptions().setPort(port)).requestHandler(request -> {
                String authorization = request.getHeader("Authorization");
                String token = authorization == null ? "" : authorization.substring("Bearer ".length());
                idp.request(HttpMethod.POST, introspectPath)
                        .compose(r -> r.putHeader("Authorization", basic)
                                .putHeader("Content-Type", "application/x-www-form-urlencoded")
                                .send(Buffer.buffer("token=" + token + "&token_type_hint=access_token")))
                        .compose(response -> response.body())
                        .onComplete(result -> request.response().setStatusCode(result.succeeded()
                                && result.result().toJsonObject().getBoolean("active", false) ? 200 : 401).end());
            }).listen();
        }
    }

    private IntrospectionBaseline() {
    }
}
