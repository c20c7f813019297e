package io.authtier.runtime.testsupport;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.factories.DefaultJWSSignerFactory;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.function.UnaryOperator;

/** Signs tokens with nimbus, and assembles raw ones that no library would produce. */
public final class Tokens {

    private Tokens() {
    }

    /** Claims of a good access token for {@code issuer} and {@code audience}, valid an hour from {@code now}. */
    public static JWTClaimsSet.Builder accessClaims(String issuer, String audience, Instant now) {
        return new JWTClaimsSet.Builder()
                .issuer(issuer)
                .audience(audience)
                .subject("user-1")
                .claim("email", "ada@example.com")
                .claim("preferred_username", "ada")
                .claim("groups", List.of("admins", "staff"))
                .claim("realm_access", java.util.Map.of("roles", List.of("shop-admin")))
                .claim("scope", "openid orders:read")
                .issueTime(Date.from(now))
                .expirationTime(Date.from(now.plusSeconds(3600)));
    }

    /** {@code claims} signed with {@code key} under {@code alg}, header {@code typ: JWT} and the key's kid. */
    public static String sign(JWK key, JWSAlgorithm alg, JWTClaimsSet claims) {
        return sign(key, alg, claims, header -> header);
    }

    /** As {@link #sign(JWK, JWSAlgorithm, JWTClaimsSet)}, with the header changed by {@code header}. */
    public static String sign(JWK key, JWSAlgorithm alg, JWTClaimsSet claims, UnaryOperator<JWSHeader.Builder> header) {
        try {
            JWSSigner signer = new DefaultJWSSignerFactory().createJWSSigner(key, alg);
            SignedJWT jwt = new SignedJWT(header.apply(new JWSHeader.Builder(alg).type(JOSEObjectType.JWT).keyID(key.getKeyID())).build(), claims);
            jwt.sign(signer);
            return jwt.serialize();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    /** base64url without padding of {@code text}. */
    public static String b64(String text) {
        return b64(text.getBytes(StandardCharsets.UTF_8));
    }

    public static String b64(byte[] bytes) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /** A compact token from raw header and payload JSON and a raw signature segment. */
    public static String raw(String headerJson, String payloadJson, String signature) {
        return b64(headerJson) + "." + b64(payloadJson) + "." + signature;
    }
}
