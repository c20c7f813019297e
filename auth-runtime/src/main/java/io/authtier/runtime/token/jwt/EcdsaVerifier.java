package io.authtier.runtime.token.jwt;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.jca.JCAContext;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.util.Base64URL;
import java.math.BigInteger;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.bouncycastle.crypto.ec.CustomNamedCurves;
import org.bouncycastle.crypto.params.ECDomainParameters;
import org.bouncycastle.crypto.params.ECPublicKeyParameters;
import org.bouncycastle.crypto.signers.ECDSASigner;

/**
 * Verifies {@code ES256}, {@code ES384} and {@code ES512} signatures (RFC 7518 §3.4) with Bouncy Castle's
 * ECDSA on its special-form curves. The JDK's SunEC took about 1 ms of CPU per P-256 check on this project's
 * machine, Bouncy Castle about a tenth of that (docs/benchmarks.md), and a first-seen token's signature
 * check is what a flood of forged tokens costs.
 *
 * <p>One per JWK: the point is decoded and validated once (on the curve, not the point at infinity), and the
 * multiples of it that each check needs are computed once and kept with it. Each curve signs with one
 * algorithm only (P-256 with ES256, and so on), as RFC 7518 demands.
 */
final class EcdsaVerifier implements JWSVerifier {

    private record Shape(JWSAlgorithm algorithm, String curveName, String digest, int scalarBytes) {
    }

    private static final Map<Curve, Shape> SHAPES = Map.of(
            Curve.P_256, new Shape(JWSAlgorithm.ES256, "secp256r1", "SHA-256", 32),
            Curve.P_384, new Shape(JWSAlgorithm.ES384, "secp384r1", "SHA-384", 48),
            Curve.P_521, new Shape(JWSAlgorithm.ES512, "secp521r1", "SHA-512", 66));

    /** The {@code alg} values a verifier of some curve accepts; the issuer's {@code allowedAlgorithms} narrow them. */
    static final Set<JWSAlgorithm> ALGORITHMS = Set.of(JWSAlgorithm.ES256, JWSAlgorithm.ES384, JWSAlgorithm.ES512);

    private final Shape shape;
    private final ECPublicKeyParameters key;
    private final JCAContext jcaContext = new JCAContext();

    private EcdsaVerifier(Shape shape, ECPublicKeyParameters key) {
        this.shape = shape;
        this.key = key;
    }

    /**
     * A verifier for {@code jwk}'s public point, or empty if it is on no supported curve (such as secp256k1) or is
     * not a valid point of its curve. A private part {@code d} is never read.
     */
    static Optional<EcdsaVerifier> of(ECKey jwk) {
        return of(jwk.getCurve(), jwk.getX().decodeToBigInteger(), jwk.getY().decodeToBigInteger());
    }

    /** A verifier for the point (x, y) of {@code jwkCurve}; nimbus's ECKey checks the point too, this does not rely on it. */
    static Optional<EcdsaVerifier> of(Curve jwkCurve, BigInteger x, BigInteger y) {
        Shape shape = SHAPES.get(jwkCurve);
        if (shape == null) {
            return Optional.empty();
        }
        try {
            var curve = CustomNamedCurves.getByName(shape.curveName());
            var point = curve.getCurve().createPoint(x, y);
            // The constructor validates the point: on the curve, finite, of the curve's order.
            return Optional.of(new EcdsaVerifier(shape, new ECPublicKeyParameters(point, new ECDomainParameters(curve))));
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }

    /**
     * Whether {@code signature} (R and S, each of the curve's size, big-endian) is this key's over
     * {@code signingInput}. Another {@code alg}, another length, R or S outside 1..n-1: false, never an exception.
     */
    @Override
    public boolean verify(JWSHeader header, byte[] signingInput, Base64URL signature) {
        if (!shape.algorithm().equals(header.getAlgorithm())) {
            return false;
        }
        byte[] bytes = signature.decode();
        int size = shape.scalarBytes();
        if (bytes.length != 2 * size) {
            return false;
        }
        BigInteger r = new BigInteger(1, Arrays.copyOfRange(bytes, 0, size));
        BigInteger s = new BigInteger(1, Arrays.copyOfRange(bytes, size, 2 * size));
        try {
            byte[] digest = MessageDigest.getInstance(shape.digest()).digest(signingInput);
            ECDSASigner signer = new ECDSASigner();
            signer.init(false, key);
            return signer.verifySignature(digest, r, s); // refuses r or s of 0 or not below n
        } catch (NoSuchAlgorithmException | RuntimeException e) {
            return false;
        }
    }

    @Override
    public Set<JWSAlgorithm> supportedJWSAlgorithms() {
        return Set.of(shape.algorithm());
    }

    @Override
    public JCAContext getJCAContext() {
        return jcaContext;
    }

    @Override
    public String toString() {
        return "EcdsaVerifier[" + shape.algorithm() + "]"; // no key material in logs
    }
}
