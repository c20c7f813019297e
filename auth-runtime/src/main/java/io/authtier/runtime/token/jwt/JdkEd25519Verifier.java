package io.authtier.runtime.token.jwt;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.jca.JCAContext;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.util.Base64URL;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Verifies {@code EdDSA} (RFC 8037) and {@code Ed25519} (RFC 9864) signatures made with an Ed25519 key,
 * through the JDK's own EdDSA (SunEC, since JDK 15). nimbus's {@code Ed25519Verifier} would need Google
 * Tink, which the runtime does not ship. Ed448 is not supported: its keys never get a verifier.
 *
 * <p>One per JWK: the key is decoded and checked once. A {@link Signature} is not thread-safe, so each
 * verification gets its own (the worker runs on virtual threads, where a thread-local would not be reused).
 */
final class JdkEd25519Verifier implements JWSVerifier {

    /** The {@code alg} values this verifier accepts; the issuer's {@code allowedAlgorithms} narrow them. */
    static final Set<JWSAlgorithm> ALGORITHMS = Set.of(JWSAlgorithm.EdDSA, JWSAlgorithm.Ed25519);
    private static final String JCA_NAME = "Ed25519";
    /** The DER of an Ed25519 SubjectPublicKeyInfo (RFC 8410) up to the 32 key bytes. */
    private static final String X509_PREFIX = "302a300506032b6570032100";
    private static final int KEY_BYTES = 32;
    private static final int SIGNATURE_BYTES = 64;

    /**
     * The encodings of the points of small order (1, 2, 4, 8) and their non-canonical forms, without the sign bit
     * of x (libsodium's list). Under such a key some forged signatures verify for many messages (with the
     * identity point, one for every message); an issuer's JWKS should never hold one, and if it does, it is
     * refused rather than trusted.
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

    private final PublicKey key;
    private final JCAContext jcaContext = new JCAContext();

    private JdkEd25519Verifier(PublicKey key) {
        this.key = Objects.requireNonNull(key, "key");
    }

    /**
     * A verifier for {@code jwk}'s public key {@code x}, or empty if it is not a valid Ed25519 public key
     * (another curve such as Ed448 or X25519, {@code x} not 32 bytes, not a point of the curve, or a point
     * of small order). A
     * private part {@code d} is never read.
     */
    static Optional<JdkEd25519Verifier> of(OctetKeyPair jwk) {
        if (!Curve.Ed25519.equals(jwk.getCurve())) {
            return Optional.empty();
        }
        byte[] x = jwk.getX().decode();
        if (x.length != KEY_BYTES || smallOrder(x)) {
            return Optional.empty();
        }
        byte[] prefix = HexFormat.of().parseHex(X509_PREFIX);
        byte[] encoded = new byte[prefix.length + KEY_BYTES];
        System.arraycopy(prefix, 0, encoded, 0, prefix.length);
        System.arraycopy(x, 0, encoded, prefix.length, KEY_BYTES);
        try {
            PublicKey key = KeyFactory.getInstance(JCA_NAME).generatePublic(new X509EncodedKeySpec(encoded));
            Signature.getInstance(JCA_NAME).initVerify(key); // the point is decoded here: refuse a bad key now, not per token
            return Optional.of(new JdkEd25519Verifier(key));
        } catch (GeneralSecurityException | RuntimeException e) {
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
     * EdDSA or Ed25519, a signature that is not 64 bytes, {@code S} out of range) is false, never an exception.
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
            Signature verifier = Signature.getInstance(JCA_NAME);
            verifier.initVerify(key);
            verifier.update(signingInput);
            return verifier.verify(bytes);
        } catch (GeneralSecurityException | RuntimeException e) {
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
        return "JdkEd25519Verifier"; // no key material in logs
    }
}
