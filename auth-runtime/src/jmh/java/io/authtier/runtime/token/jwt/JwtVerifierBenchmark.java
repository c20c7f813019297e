package io.authtier.runtime.token.jwt;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jose.util.Resource;
import com.nimbusds.jose.util.ResourceRetriever;
import io.authtier.runtime.config.IssuerConfig;
import io.authtier.runtime.config.SignatureAlgorithm;
import io.authtier.runtime.metrics.RuntimeMetrics;
import io.authtier.runtime.testsupport.Ed25519Key;
import io.authtier.runtime.testsupport.Tokens;
import io.authtier.runtime.token.Verdict;
import java.net.URI;
import java.net.URL;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The token hot path, one thread: a token already in the verified-token cache ({@code cached}) against
 * one seen for the first time ({@code firstSeen}: size cap, hash, cache miss, shape, header, claims, key
 * lookup in the cached JWKS, signature). For {@code firstSeen} the verifier's cache TTL is zero, so every
 * call does the whole check; the worker is the calling thread, so the figure is the CPU of one
 * validation. {@code signatureOnly} is the floor in the same run: the signature check alone, and
 * {@code jdkSignatureOnly} the JDK's own check of the same signature. Keys are
 * served from memory (discovery and JWKS documents), so no network is measured.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = "-Dauthtier.log.level=WARN")
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class JwtVerifierBenchmark {

    private static final String ISSUER = "https://idp.example.com/realms/shop";

    @Param({"RS256", "PS256", "ES256", "EdDSA"})
    public String algorithm;

    private JwtVerifier cached;
    private JwtVerifier firstSeen;
    private String token;
    private ScheduledExecutorService loader;
    private com.nimbusds.jose.JWSVerifier signatureVerifier;
    private com.nimbusds.jose.JWSVerifier jdkVerifier;
    private com.nimbusds.jose.JWSHeader header;
    private byte[] signingInput;
    private com.nimbusds.jose.util.Base64URL signature;
    private IssuerKeys keys;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        JWSAlgorithm alg = JWSAlgorithm.parse(algorithm);
        Ed25519Key edKey = alg == JWSAlgorithm.EdDSA ? Ed25519Key.generate("k1") : null; // nimbus signs Ed25519 only with Tink
        JWK key = edKey != null ? edKey.publicJwk()
                : alg == JWSAlgorithm.ES256 ? new ECKeyGenerator(Curve.P_256).keyID("k1").generate()
                : new RSAKeyGenerator(2048).keyID("k1").generate();
        String jwks = new JWKSet(key.toPublicJWK()).toString(true);
        String discovery = "{\"issuer\":\"" + ISSUER + "\",\"jwks_uri\":\"" + ISSUER + "/jwks\"}";
        ResourceRetriever inMemory = (URL url) -> new Resource(url.getPath().endsWith("/jwks") ? jwks : discovery, "application/json");

        IssuerConfig issuer = new IssuerConfig("shop", URI.create(ISSUER), List.of("shop-api"),
                List.of(SignatureAlgorithm.RS256, SignatureAlgorithm.PS256, SignatureAlgorithm.ES256, SignatureAlgorithm.EdDSA),
                Duration.ofSeconds(30), Optional.empty());
        RuntimeMetrics metrics = new RuntimeMetrics(RuntimeMetrics.prometheusRegistry());
        keys = new IssuerKeys(issuer, JwksPolicy.defaults(Duration.ofSeconds(2), Duration.ofMillis(200)), Clock.systemUTC(), metrics, inMemory,
                RsaSignatures.best());
        loader = Executors.newSingleThreadScheduledExecutor();
        keys.startLoading(loader);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!keys.loaded() && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        cached = new JwtVerifier(List.of(keys), 100_000, Duration.ofMinutes(5), 8192, Clock.systemUTC(), metrics, Runnable::run, JwtVerifier.DEFAULT_MAX_PENDING);
        firstSeen = new JwtVerifier(List.of(keys), 100_000, Duration.ZERO, 8192, Clock.systemUTC(), metrics, Runnable::run, JwtVerifier.DEFAULT_MAX_PENDING);
        com.nimbusds.jwt.JWTClaimsSet claims = Tokens.accessClaims(ISSUER, "shop-api", Clock.systemUTC().instant()).build();
        token = edKey != null ? edKey.sign(claims) : Tokens.sign(key, alg, claims);
        com.nimbusds.jwt.SignedJWT parsed = com.nimbusds.jwt.SignedJWT.parse(token);
        header = parsed.getHeader();
        signingInput = parsed.getSigningInput();
        signature = parsed.getSignature();
        signatureVerifier = edKey != null ? EdDsaVerifier.of(edKey.publicJwk()).orElseThrow()
                : alg == JWSAlgorithm.ES256 ? EcdsaVerifier.of(key.toECKey()).orElseThrow()
                : RsaSignatures.best().verifier(key.toRSAKey().toRSAPublicKey()).orElseThrow();
        jdkVerifier = edKey != null ? jdkEd25519(edKey.publicJwk().getX().decode())
                : new com.nimbusds.jose.crypto.factories.DefaultJWSVerifierFactory().createJWSVerifier(header,
                        alg == JWSAlgorithm.ES256 ? key.toECKey().toECPublicKey() : key.toRSAKey().toRSAPublicKey());
        if (!signatureVerifier.verify(header, signingInput, signature) || !jdkVerifier.verify(header, signingInput, signature)) {
            throw new IllegalStateException("the signature does not verify");
        }
        for (JwtVerifier verifier : List.of(cached, firstSeen)) {
            Verdict verdict = verifier.verify(token).toCompletableFuture().join();
            if (!(verdict instanceof Verdict.Accepted)) {
                throw new IllegalStateException("the benchmark token is not accepted: " + verdict);
            }
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
        keys.close();
        loader.shutdownNow();
    }

    @Benchmark
    public Verdict cached() {
        return cached.verify(token).toCompletableFuture().join();
    }

    /**
     * The JDK's own check of the same signature (SunEC for ES256 and EdDSA, SunRsaSign for RS and PS), the
     * baseline in the same run for what Bouncy Castle saves on ES256 and EdDSA, and AWS-LC on RS and PS.
     */
    @Benchmark
    public boolean jdkSignatureOnly() throws Exception {
        return jdkVerifier.verify(header, signingInput, signature);
    }

    /** An Ed25519 public key {@code x} as the JDK's own {@code Signature} checks it. */
    private static com.nimbusds.jose.JWSVerifier jdkEd25519(byte[] x) throws Exception {
        byte[] prefix = java.util.HexFormat.of().parseHex("302a300506032b6570032100"); // SubjectPublicKeyInfo up to the key
        byte[] encoded = java.util.Arrays.copyOf(prefix, prefix.length + x.length);
        System.arraycopy(x, 0, encoded, prefix.length, x.length);
        java.security.PublicKey publicKey = java.security.KeyFactory.getInstance("Ed25519")
                .generatePublic(new java.security.spec.X509EncodedKeySpec(encoded));
        return new com.nimbusds.jose.JWSVerifier() {
            private final com.nimbusds.jose.jca.JCAContext context = new com.nimbusds.jose.jca.JCAContext();

            @Override
            public boolean verify(com.nimbusds.jose.JWSHeader header, byte[] input, com.nimbusds.jose.util.Base64URL sig)
                    throws com.nimbusds.jose.JOSEException {
                try {
                    java.security.Signature verifier = java.security.Signature.getInstance("Ed25519");
                    verifier.initVerify(publicKey);
                    verifier.update(input);
                    return verifier.verify(sig.decode());
                } catch (java.security.GeneralSecurityException e) {
                    throw new com.nimbusds.jose.JOSEException(e.getMessage(), e);
                }
            }

            @Override
            public java.util.Set<JWSAlgorithm> supportedJWSAlgorithms() {
                return java.util.Set.of(JWSAlgorithm.EdDSA);
            }

            @Override
            public com.nimbusds.jose.jca.JCAContext getJCAContext() {
                return context;
            }
        };
    }

    /** The floor of {@code firstSeen}: the signature check alone (the runtime's verifier for the algorithm), nothing else. */
    @Benchmark
    public boolean signatureOnly() throws Exception {
        return signatureVerifier.verify(header, signingInput, signature);
    }

    @Benchmark
    public Verdict firstSeen() {
        return firstSeen.verify(token).toCompletableFuture().join();
    }
}
