package io.authtier.runtime.token.jwt;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.jca.JCAContext;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.util.Base64URL;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import org.bouncycastle.math.ec.rfc8032.Ed25519;

/**
 * Verifies {@code EdDSA} (RFC 8037) and {@code Ed25519} (RFC 9864) signatures made with an Ed25519 key,
 * through Bouncy Castle's RFC 8032 code. nimbus's {@code Ed25519Verifier} would need Google Tink, which the
 * runtime does not ship, and the JDK's own EdDSA (SunEC) took about 1.5 ms of CPU per check on this project's
 * machine, Bouncy Castle's about 0.1 ms (docs/benchmarks.md). Ed448 is not supported: its keys never get a
 * verifier.
 *
 * <p>One per JWK: the key is decoded and fully validated once (a point of the curve, in its prime-order
 * subgroup), and the decoded point is kept for every check.
 */
final class EdDsaVerifier implements JWSVerifier {

    /** The {@code alg} values this verifier accepts; the issuer's {@code allowedAlgorithms} narrow them. */
    static final Set<JWSAlgorithm> ALGORITHMS = Set.of(JWSAlgorithm.EdDSA, JWSAlgorithm.Ed25519);
    private static final int KEY_BYTES = 32;
    private static final int SIGNATURE_BYTES = 64;

    /**
     * The encodings of the points of small order (1, 2, 4, 8) and their non-canonical forms, without the sign bit
     * of x (libsodium's list). Under such a key some forged signatures verify for many messages (with the
     * identity point, one for every message); an issuer's JWKS should never hold one, and if it does, it is
     * refused rather than trusted. (Bouncy Castle's full validation refuses them too; this list says so
     * without relying on it.)
     */
    static final List<byte[]> SMALL_ORDER = Stream.of(
            "0000000000000000000000000000000000000000000000000000000000000000",  // y = 0, order 4
            "0100000000000000000000000000000000000000000000000000000000000000",  // the identity, order 1
            "26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05",  // order 8
            "c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a",  // order 8
            "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",  // y = p - 1, order 2
            "edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",  // y = p (0), order 4
            "eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f")  // y = p + 1 (1), order 1
            .map(HexFormat.of()::parseHex).toList();

    private final Ed25519.PublicPoint key;
    private final JCAContext jcaContext = new JCAContext();

    private EdDsaVerifier(Ed25519.PublicPoint key) {
        this.key = Objects.requireNonNull(key, "key");
    }

    /**
     * A verifier for {@code jwk}'s public key {@code x}, or empty if it is not a valid Ed25519 public key
     * (another curve such as Ed448 or X25519, {@code x} not 32 bytes, not a point of the curve, or a point
     * of small order). A private part {@code d} is never read.
     */
    static Optional<EdDsaVerifier> of(OctetKeyPair jwk) {
        if (!Curve.Ed25519.equals(jwk.getCurve())) {
            return Optional.empty();
        }
        byte[] x = jwk.getX().decode();
        if (x.length != KEY_BYTES || smallOrder(x)) {
            return Optional.empty();
        }
        try {
            return Optional.ofNullable(Ed25519.validatePublicKeyFullExport(x, 0)).map(EdDsaVerifier::new);
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }

    /** Whether {@code x} encodes a point of small order, whatever its sign bit. */
    static boolean smallOrder(byte[] x) {
        byte[] unsigned = x.clone();
        unsigned[KEY_BYTES - 1] &= 0x7f;
        return SMALL_ORDER.stream().anyMatch(point -> Arrays.equals(point, unsigned));
    }

    /**
     * Whether {@code signature} is {@code jwk}'s over {@code signingInput}. Any failure (an {@code alg} not
     * EdDSA or Ed25519, a signature that is not 64 bytes, {@code S} out of range, {@code R} not a canonical
     * point encoding) is false, never an exception.
     */
    @Override
    public boolean verify(JWSHeader header, byte[] signingInput, Base64URL signature) {
        if (!ALGORITHMS.contains(header.getAlgorithm())) {
            return false;
        }
        byte[] bytes = signature.decode();
        if (bytes.length != SIGNATURE_BYTES) {
            return false;
        }
        try {
            return Ed25519.verify(bytes, 0, key, signingInput, 0, signingInput.length);
        } catch (RuntimeException e) {
            return false;
        }
    }

    @Override
    public Set<JWSAlgorithm> supportedJWSAlgorithms() {
        return ALGORITHMS;
    }

    @Override
    public JCAContext getJCAContext() {
        return jcaContext;
    }

    @Override
    public String toString() {
        return "EdDsaVerifier"; // no key material in logs
    }
}
