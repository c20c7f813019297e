package io.authtier.runtime.token.jwt;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSObject;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.Payload;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jose.util.Base64URL;
import java.math.BigInteger;
import java.security.interfaces.RSAPublicKey;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * RS* and PS* signatures through AWS-LC (where it loads) and through the JDK: each good signature verifies and
 * each damaged one is refused, by both, so that the native path judges exactly as the JDK's does.
 */
@DisplayName("RSA signatures through AWS-LC and the JDK")
class RsaSignaturesTest {

    static RsaSignatures aws;
    static RsaSignatures jdk;
    static Map<Integer, RSAKey> keys = new LinkedHashMap<>();

    @BeforeAll
    static void keys() throws Exception {
        aws = RsaSignatures.best();
        jdk = RsaSignatures.jdk();
        for (int bits : List.of(2048, 3072, 4096)) {
            keys.put(bits, new RSAKeyGenerator(bits).generate());
        }
    }

    @Test
    @DisplayName("On Linux x86_64 AWS-LC loads and says so; elsewhere the JDK is used and the reason given")
    void chosenImplementation() {
        boolean linuxX64 = System.getProperty("os.name").toLowerCase(Locale.ROOT).contains("linux")
                && List.of("amd64", "x86_64").contains(System.getProperty("os.arch"));
        assertThat(aws.isNative()).as(aws.description()).isEqualTo(linuxX64);
        assertThat(aws.description()).contains(linuxX64 ? "AWS-LC" : "the JDK");
        assertThat(jdk.isNative()).isFalse();
    }

    @Test
    @DisplayName("A native verifier hands its checks to AWS-LC, not to the JDK")
    void nativeVerifierUsesAwsLc() throws Exception {
        JWSVerifier verifier = aws.verifier(keys.get(2048).toRSAPublicKey()).orElseThrow();
        assertThat(verifier.getJCAContext().getProvider() == null ? "the JDK" : verifier.getJCAContext().getProvider().getName())
                .isEqualTo(aws.isNative() ? "AmazonCorrettoCryptoProvider" : "the JDK");
        assertThat(jdk.verifier(keys.get(2048).toRSAPublicKey()).orElseThrow().getJCAContext().getProvider()).isNull();
    }

    static Stream<Arguments> cases() {
        return Stream.of(2048, 3072, 4096).flatMap(bits -> Stream.of(JWSAlgorithm.RS256, JWSAlgorithm.RS384, JWSAlgorithm.RS512,
                JWSAlgorithm.PS256, JWSAlgorithm.PS384, JWSAlgorithm.PS512).map(alg -> Arguments.of(bits, alg)));
    }

    @ParameterizedTest(name = "{1}, {0}-bit key")
    @MethodSource("cases")
    @DisplayName("Both verify a good signature and refuse: another input, another key, another alg, 0, n, above n, short, long, any one bit flipped")
    void sameJudgement(int bits, JWSAlgorithm algorithm) throws Exception {
        RSAKey key = keys.get(bits);
        JWSObject jws = new JWSObject(new JWSHeader(algorithm), new Payload("{\"sub\":\"ada\",\"aud\":\"shop-api\"}"));
        jws.sign(new RSASSASigner(key));
        byte[] input = jws.getSigningInput();
        byte[] signature = jws.getSignature().decode();
        RSAPublicKey publicKey = key.toRSAPublicKey();

        for (RsaSignatures implementation : List.of(aws, jdk)) {
            JWSVerifier verifier = implementation.verifier(publicKey).orElseThrow();
            String who = implementation.description();
            assertThat(verifier.verify(jws.getHeader(), input, Base64URL.encode(signature))).as(who + ": good").isTrue();

            byte[] changed = input.clone();
            changed[changed.length - 1] ^= 1;
            assertThat(refused(verifier, jws.getHeader(), changed, signature)).as(who + ": changed input").isTrue();
            JWSVerifier other = implementation.verifier(keys.get(bits == 2048 ? 3072 : 2048).toRSAPublicKey()).orElseThrow();
            assertThat(refused(other, jws.getHeader(), input, signature)).as(who + ": other key").isTrue();
            JWSAlgorithm sibling = algorithm.getName().startsWith("RS")
                    ? JWSAlgorithm.parse("PS" + algorithm.getName().substring(2)) : JWSAlgorithm.parse("RS" + algorithm.getName().substring(2));
            assertThat(refused(verifier, new JWSHeader(sibling), input, signature)).as(who + ": " + sibling).isTrue();

            int size = signature.length;
            BigInteger n = publicKey.getModulus();
            assertThat(refused(verifier, jws.getHeader(), input, new byte[size])).as(who + ": 0").isTrue();
            assertThat(refused(verifier, jws.getHeader(), input, fixed(BigInteger.ONE, size))).as(who + ": 1").isTrue();
            assertThat(refused(verifier, jws.getHeader(), input, fixed(n, size))).as(who + ": n").isTrue();
            assertThat(refused(verifier, jws.getHeader(), input, fixed(n.subtract(BigInteger.ONE), size))).as(who + ": n - 1").isTrue();
            assertThat(refused(verifier, jws.getHeader(), input, fixed(new BigInteger(1, signature).add(n), size + 1)))
                    .as(who + ": s + n").isTrue();
            byte[] ff = new byte[size];
            Arrays.fill(ff, (byte) 0xff);
            assertThat(refused(verifier, jws.getHeader(), input, ff)).as(who + ": above n").isTrue();
            assertThat(refused(verifier, jws.getHeader(), input, Arrays.copyOf(signature, size - 1))).as(who + ": short").isTrue();
            assertThat(refused(verifier, jws.getHeader(), input, Arrays.copyOf(signature, size + 1))).as(who + ": long").isTrue();
            byte[] leadingZero = new byte[size + 1];
            System.arraycopy(signature, 0, leadingZero, 1, size);
            assertThat(refused(verifier, jws.getHeader(), input, leadingZero)).as(who + ": a leading zero byte").isTrue();
            Random random = new Random(bits * 31L + algorithm.hashCode());
            for (int i = 0; i < 24; i++) {
                byte[] flipped = signature.clone();
                int bit = random.nextInt(size * 8);
                flipped[bit / 8] ^= (byte) (1 << (bit % 8));
                assertThat(refused(verifier, jws.getHeader(), input, flipped)).as(who + ": bit " + bit + " flipped").isTrue();
            }
        }
    }

    @Test
    @DisplayName("An RSA key shorter than 2048 bits gets no verifier from either (RFC 7518 3.3)")
    void shortKeysRefused() throws Exception {
        RSAPublicKey weak = new RSAKeyGenerator(1024, true).generate().toRSAPublicKey();
        assertThat(aws.verifier(weak)).isEmpty();
        assertThat(jdk.verifier(weak)).isEmpty();
    }

    /** Refused means false or an exception, never true: nimbus may throw for a signature it cannot parse. */
    private static boolean refused(JWSVerifier verifier, JWSHeader header, byte[] input, byte[] signature) {
        try {
            return !verifier.verify(header, input, Base64URL.encode(signature));
        } catch (Exception e) {
            return true;
        }
    }

    private static byte[] fixed(BigInteger value, int size) {
        byte[] bytes = value.toByteArray();
        byte[] out = new byte[size];
        int copy = Math.min(bytes.length, size);
        System.arraycopy(bytes, bytes.length - copy, out, size - copy, copy);
        return out;
    }
}
