package io.authtier.runtime.token.jwt;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.util.Base64URL;
import io.authtier.runtime.testsupport.Ed25519Key;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

@DisplayName("Ed25519 signatures through Bouncy Castle")
class EdDsaVerifierTest {

    /** RFC 8037, appendix A.4: the public key of A.1 and the JWS "Example of Ed25519 signing". */
    static final String RFC_X = "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo";
    static final String RFC_D = "nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A";
    static final String RFC_SIGNING_INPUT = "eyJhbGciOiJFZERTQSJ9.RXhhbXBsZSBvZiBFZDI1NTE5IHNpZ25pbmc";
    static final String RFC_SIGNATURE = "hgyY0il_MGCjP0JzlnLWG1PPOt7-09PGcvMg3AIbQR6dWbhijcNR4ki4iylGjg5BhVsPt9g7sVvpAr_MuM0KAg";
    static final JWSHeader EDDSA = new JWSHeader(JWSAlgorithm.EdDSA);

    static EdDsaVerifier rfcVerifier() {
        return EdDsaVerifier.of(new OctetKeyPair.Builder(Curve.Ed25519, new Base64URL(RFC_X)).build()).orElseThrow();
    }

    static byte[] rfcInput() {
        return RFC_SIGNING_INPUT.getBytes(StandardCharsets.US_ASCII);
    }

    @Test
    @DisplayName("The RFC 8037 example JWS verifies, and a changed signing input does not")
    void rfc8037Example() {
        // Given the verifier of the RFC's public key
        EdDsaVerifier verifier = rfcVerifier();

        // Then the RFC's signature verifies its input, and not another
        assertThat(verifier.verify(EDDSA, rfcInput(), new Base64URL(RFC_SIGNATURE))).isTrue();
        assertThat(verifier.verify(EDDSA, (RFC_SIGNING_INPUT + "x").getBytes(StandardCharsets.US_ASCII), new Base64URL(RFC_SIGNATURE))).isFalse();
    }

    @Test
    @DisplayName("A JWK that also holds the private part d is used by its public part alone")
    void privatePartIgnored() {
        // Given the RFC's key with its private part, and the same x with a d that belongs to no key of it
        OctetKeyPair withD = new OctetKeyPair.Builder(Curve.Ed25519, new Base64URL(RFC_X)).d(new Base64URL(RFC_D)).build();
        OctetKeyPair withWrongD = new OctetKeyPair.Builder(Curve.Ed25519, new Base64URL(RFC_X)).d(Base64URL.encode(new byte[7])).build();

        // Then both verify as the public key does
        for (OctetKeyPair jwk : new OctetKeyPair[] {withD, withWrongD}) {
            assertThat(EdDsaVerifier.of(jwk)).hasValueSatisfying(
                    verifier -> assertThat(verifier.verify(EDDSA, rfcInput(), new Base64URL(RFC_SIGNATURE))).isTrue());
        }
    }

    @Test
    @DisplayName("A token signed by a JDK key verifies under alg EdDSA and Ed25519, and not under any other alg")
    void algorithms() {
        // Given a JDK key pair and its JWK
        Ed25519Key key = Ed25519Key.generate("k");
        EdDsaVerifier verifier = EdDsaVerifier.of(key.publicJwk()).orElseThrow();
        String input = "header.payload";
        Base64URL signature = Base64URL.encode(key.signature(input));
        byte[] bytes = input.getBytes(StandardCharsets.US_ASCII);

        // Then
        assertThat(verifier.verify(new JWSHeader(JWSAlgorithm.EdDSA), bytes, signature)).isTrue();
        assertThat(verifier.verify(new JWSHeader(JWSAlgorithm.Ed25519), bytes, signature)).isTrue();
        assertThat(verifier.verify(new JWSHeader(JWSAlgorithm.Ed448), bytes, signature)).isFalse();
        assertThat(verifier.verify(new JWSHeader(JWSAlgorithm.ES256), bytes, signature)).isFalse();
        assertThat(verifier.supportedJWSAlgorithms()).containsExactlyInAnyOrder(JWSAlgorithm.EdDSA, JWSAlgorithm.Ed25519);
    }

    static Stream<Arguments> badSignatures() {
        byte[] good = new Base64URL(RFC_SIGNATURE).decode();
        byte[] allOnes = new byte[64];
        Arrays.fill(allOnes, (byte) 0xff);
        byte[] sPlusL = good.clone(); // S + L (the group order): the same S modulo L, refused as out of range
        addOrder(sPlusL);
        return Stream.of(
                Arguments.of("empty", new byte[0]),
                Arguments.of("63 bytes", Arrays.copyOf(good, 63)),
                Arguments.of("65 bytes", Arrays.copyOf(good, 65)),
                Arguments.of("128 bytes", Arrays.copyOf(good, 128)),
                Arguments.of("all zero", new byte[64]),
                Arguments.of("all ones: S out of range", allOnes),
                Arguments.of("S + L: malleated", sPlusL));
    }

    /** Adds L = 2^252 + 27742317777372353535851937790883648493 to the little-endian S of {@code signature}. */
    static void addOrder(byte[] signature) {
        byte[] order = java.util.HexFormat.of().parseHex("edd3f55c1a631258d69cf7a2def9de1400000000000000000000000000000010");
        int carry = 0;
        for (int i = 0; i < 32; i++) {
            int sum = (signature[32 + i] & 0xff) + (order[i] & 0xff) + carry;
            signature[32 + i] = (byte) sum;
            carry = sum >> 8;
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badSignatures")
    @DisplayName("A signature of the wrong length or out of range is false, never an exception")
    void badSignature(String name, byte[] signature) {
        assertThat(rfcVerifier().verify(EDDSA, rfcInput(), Base64URL.encode(signature))).as(name).isFalse();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"X25519", "Ed448", "Ed25519 x of 31 bytes", "Ed25519 x of 33 bytes", "Ed25519 x not a point"})
    @DisplayName("A key that is not a valid Ed25519 public key gets no verifier")
    void unfitKeys(String name) {
        byte[] x = new Base64URL(RFC_X).decode();
        byte[] notAPoint = new byte[32];
        notAPoint[0] = 2; // y = 2: no x satisfies the curve equation
        OctetKeyPair jwk = switch (name) {
            case "X25519" -> new OctetKeyPair.Builder(Curve.X25519, Base64URL.encode(x)).build();
            case "Ed448" -> new OctetKeyPair.Builder(Curve.Ed448, Base64URL.encode(new byte[57])).build();
            case "Ed25519 x of 31 bytes" -> new OctetKeyPair.Builder(Curve.Ed25519, Base64URL.encode(Arrays.copyOf(x, 31))).build();
            case "Ed25519 x of 33 bytes" -> new OctetKeyPair.Builder(Curve.Ed25519, Base64URL.encode(Arrays.copyOf(x, 33))).build();
            default -> new OctetKeyPair.Builder(Curve.Ed25519, Base64URL.encode(notAPoint)).build();
        };

        assertThat(EdDsaVerifier.of(jwk)).as(name).isEmpty();
    }

    @Test
    @DisplayName("A key of small order gets no verifier, with either sign bit; under each, as the JDK takes it, a forged signature verifies")
    void smallOrderKeys() throws Exception {
        // R = the identity, S = 0: [S]B = R + [k]A holds whenever [k]A is the identity, for 1 in 8 messages or more
        byte[] forged = new byte[64];
        forged[0] = 1;
        for (byte[] point : EdDsaVerifier.SMALL_ORDER) {
            for (byte[] x : List.of(point, signed(point))) {
                assertThat(EdDsaVerifier.of(new OctetKeyPair.Builder(Curve.Ed25519, Base64URL.encode(x)).build()))
                        .as(java.util.HexFormat.of().formatHex(x)).isEmpty();
            }
            java.security.PublicKey key;
            try {
                key = java.security.KeyFactory.getInstance("Ed25519").generatePublic(new java.security.spec.X509EncodedKeySpec(
                        java.util.HexFormat.of().parseHex("302a300506032b6570032100" + java.util.HexFormat.of().formatHex(point))));
                java.security.Signature.getInstance("Ed25519").initVerify(key);
            } catch (java.security.GeneralSecurityException refusedByTheJdk) {
                continue; // a form the JDK does not decode at all is refused all the same
            }
            boolean verified = false;
            for (int message = 0; message < 200 && !verified; message++) {
                java.security.Signature check = java.security.Signature.getInstance("Ed25519");
                check.initVerify(key);
                check.update(("message " + message).getBytes(java.nio.charset.StandardCharsets.US_ASCII));
                verified = check.verify(forged);
            }
            assertThat(verified).as("a forgery verifies under %s, so it is of small order", java.util.HexFormat.of().formatHex(point)).isTrue();
        }
    }

    private static byte[] signed(byte[] point) {
        byte[] x = point.clone();
        x[31] |= (byte) 0x80;
        return x;
    }
}
