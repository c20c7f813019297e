package io.authtier.runtime.testsupport;

import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.util.Arrays;

/**
 * An Ed25519 key made and used by the JDK, as an IdP would have it: nimbus signs Ed25519 only with Google
 * Tink, which the project does not ship, so tokens are signed here with {@link Signature}.
 */
public final class Ed25519Key {

    private final String kid;
    private final KeyPair pair;

    private Ed25519Key(String kid, KeyPair pair) {
        this.kid = kid;
        this.pair = pair;
    }

    public static Ed25519Key generate(String kid) {
        try {
            return new Ed25519Key(kid, KeyPairGenerator.getInstance("Ed25519").generateKeyPair());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("every JDK since 15 has Ed25519", e);
        }
    }

    public String kid() {
        return kid;
    }

    /** The raw 32-byte public key: the last 32 bytes of its X.509 encoding. */
    public byte[] x() {
        byte[] encoded = pair.getPublic().getEncoded();
        return Arrays.copyOfRange(encoded, encoded.length - 32, encoded.length);
    }

    /** The public JWK as a JWKS publishes it: {@code kty OKP, crv Ed25519, x, kid}. */
    public OctetKeyPair publicJwk() {
        return new OctetKeyPair.Builder(Curve.Ed25519, Base64URL.encode(x())).keyID(kid).build();
    }

    /** {@code claims} signed under {@code {"alg":"EdDSA","kid":kid}}. */
    public String sign(JWTClaimsSet claims) {
        return sign("EdDSA", kid, claims.toString());
    }

    /** {@code payloadJson} signed under {@code {"alg":alg,"kid":kid}}: a compact JWS. */
    public String sign(String alg, String kid, String payloadJson) {
        String signingInput = Tokens.b64("{\"alg\":\"" + alg + "\",\"kid\":\"" + kid + "\"}") + "." + Tokens.b64(payloadJson);
        return signingInput + "." + Tokens.b64(signature(signingInput));
    }

    /** The 64-byte Ed25519 signature of {@code signingInput}. */
    public byte[] signature(String signingInput) {
        try {
            Signature signer = Signature.getInstance("Ed25519");
            signer.initSign(pair.getPrivate());
            signer.update(signingInput.getBytes(StandardCharsets.US_ASCII));
            return signer.sign();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public String toString() {
        return "Ed25519Key[" + kid + "]"; // no key material in test output
    }
}
