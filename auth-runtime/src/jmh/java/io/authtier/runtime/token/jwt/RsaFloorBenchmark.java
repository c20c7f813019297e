package io.authtier.runtime.token.jwt;

import java.math.BigInteger;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.Signature;
import java.security.interfaces.RSAPublicKey;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The floor under {@code JwtVerifierBenchmark.firstSeen} for RS256, from the JDK alone: a whole
 * {@code SHA256withRSA} verification ({@code jdkVerify}), the RSA public operation in it
 * ({@code modPow}: s^65537 mod n, 2048-bit) and the SHA-256 of a 600-byte signing input ({@code sha256}).
 * Nothing of AuthTier or nimbus runs here, so no change of ours can take a first-seen RS256 token below
 * {@code jdkVerify} on the same machine.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class RsaFloorBenchmark {

    private RSAPublicKey publicKey;
    private byte[] message;
    private byte[] signature;
    private BigInteger signatureValue;

    @Setup
    public void setUp() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        KeyPair pair = generator.generateKeyPair();
        publicKey = (RSAPublicKey) pair.getPublic();
        message = new byte[600];
        new Random(1).nextBytes(message);
        Signature signer = Signature.getInstance("SHA256withRSA");
        signer.initSign(pair.getPrivate());
        signer.update(message);
        signature = signer.sign();
        signatureValue = new BigInteger(1, signature);
    }

    @Benchmark
    public boolean jdkVerify() throws Exception {
        Signature verifier = Signature.getInstance("SHA256withRSA");
        verifier.initVerify(publicKey);
        verifier.update(message);
        return verifier.verify(signature);
    }

    @Benchmark
    public BigInteger modPow() {
        return signatureValue.modPow(publicKey.getPublicExponent(), publicKey.getModulus());
    }

    @Benchmark
    public byte[] sha256() throws Exception {
        return MessageDigest.getInstance("SHA-256").digest(message);
    }
}
