package io.authtier.runtime.token.jwt;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSObject;
import com.nimbusds.jose.Payload;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.util.Base64URL;
import java.math.BigInteger;
import java.util.Arrays;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** ES256, ES384 and ES512 through Bouncy Castle, against signatures made by the JDK's own ECDSA (through nimbus). */
@DisplayName("ECDSA signatures through Bouncy Castle")
class EcdsaVerifierTest {

    static Stream<Arguments> curves() {
        return Stream.of(
                Arguments.of(Curve.P_256, JWSAlgorithm.ES256, "ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551"),
                Arguments.of(Curve.P_384, JWSAlgorithm.ES384, "ffffffffffffffffffffffffffffffffffffffffffffffffc7634d81f4372ddf581a0db248b0a77aecec196accc52973"),
                Arguments.of(Curve.P_521, JWSAlgorithm.ES512, "01fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffa51868783bf2f966b7fcc0148f709a5d03bb5c9b8899c47aebb6fb71e91386409"));
    }

    @ParameterizedTest(name = "{1}")
    @MethodSource("curves")
    @DisplayName("A signature by the key verifies; another input, another key, another alg, R or S out of 1..n-1 or another length do not")
    void verifies(Curve curve, JWSAlgorithm algorithm, String order) throws Exception {
        ECKey key = new ECKeyGenerator(curve).generate();
        JWSObject jws = new JWSObject(new JWSHeader(algorithm), new Payload("{\"sub\":\"ada\"}"));
        jws.sign(new ECDSASigner(key));
        byte[] input = jws.getSigningInput();
        Base64URL signature = jws.getSignature();
        EcdsaVerifier verifier = EcdsaVerifier.of(key.toPublicJWK()).orElseThrow();

        assertThat(verifier.verify(jws.getHeader(), input, signature)).isTrue();
        assertThat(verifier.supportedJWSAlgorithms()).containsExactly(algorithm);

        byte[] changed = input.clone();
        changed[changed.length - 1] ^= 1;
        assertThat(verifier.verify(jws.getHeader(), changed, signature)).as("changed input").isFalse();
        ECKey other = new ECKeyGenerator(curve).generate();
        assertThat(EcdsaVerifier.of(other.toPublicJWK()).orElseThrow().verify(jws.getHeader(), input, signature)).as("other key").isFalse();
        var wrongAlg = algorithm == JWSAlgorithm.ES256 ? JWSAlgorithm.ES384 : JWSAlgorithm.ES256;
        assertThat(verifier.verify(new JWSHeader(wrongAlg), input, signature)).as("alg of another curve").isFalse();

        byte[] bytes = signature.decode();
        int size = bytes.length / 2;
        assertThat(verifier.verify(jws.getHeader(), input, Base64URL.encode(new byte[bytes.length]))).as("r = s = 0").isFalse();
        byte[] n = BigIntegers.fixed(new BigInteger(order, 16), size);
        byte[] rIsN = bytes.clone();
        System.arraycopy(n, 0, rIsN, 0, size);
        assertThat(verifier.verify(jws.getHeader(), input, Base64URL.encode(rIsN))).as("r = n").isFalse();
        byte[] sIsN = bytes.clone();
        System.arraycopy(n, 0, sIsN, size, size);
        assertThat(verifier.verify(jws.getHeader(), input, Base64URL.encode(sIsN))).as("s = n").isFalse();
        assertThat(verifier.verify(jws.getHeader(), input, Base64URL.encode(Arrays.copyOf(bytes, bytes.length - 1)))).as("short").isFalse();
        assertThat(verifier.verify(jws.getHeader(), input, Base64URL.encode(Arrays.copyOf(bytes, bytes.length + 1)))).as("long").isFalse();
    }

    @Test
    @DisplayName("Keys on other curves (secp256k1) and points not on their curve get no verifier")
    void refusedKeys() throws Exception {
        // secp256k1's generator (the JDK no longer makes keys on that curve)
        assertThat(EcdsaVerifier.of(Curve.SECP256K1,
                new BigInteger("79BE667EF9DCBBAC55A06295CE870B07029BFCDB2DCE28D959F2815B16F81798", 16),
                new BigInteger("483ADA7726A3C4655DA4FBFC0E1108A8FD17B448A68554199C47D08FFB10D4B8", 16))).isEmpty();

        ECKey good = new ECKeyGenerator(Curve.P_256).generate();
        BigInteger x = good.getX().decodeToBigInteger();
        BigInteger y = good.getY().decodeToBigInteger();
        assertThat(EcdsaVerifier.of(Curve.P_256, x, y)).isPresent();
        assertThat(EcdsaVerifier.of(Curve.P_256, x, y.flipBit(0))).as("not on the curve").isEmpty();
        assertThat(EcdsaVerifier.of(Curve.P_384, x, y)).as("a P-256 point named P-384").isEmpty();
        assertThat(EcdsaVerifier.of(Curve.P_256, BigInteger.ZERO, BigInteger.ZERO)).as("(0, 0)").isEmpty();
    }

    @Test
    @DisplayName("The verifier names no key material")
    void noKeyInToString() throws Exception {
        ECKey key = new ECKeyGenerator(Curve.P_256).generate();
        assertThat(EcdsaVerifier.of(key.toPublicJWK()).orElseThrow().toString())
                .isEqualTo("EcdsaVerifier[ES256]")
                .doesNotContain(key.getX().toString());
    }

    /** Big-endian, left-padded to {@code size} bytes. */
    private static final class BigIntegers {
        static byte[] fixed(BigInteger value, int size) {
            byte[] raw = value.toByteArray();
            byte[] out = new byte[size];
            int copy = Math.min(raw.length, size);
            System.arraycopy(raw, raw.length - copy, out, size - copy, copy);
            return out;
        }
    }
}
