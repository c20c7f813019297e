package io.authtier.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSObject;
import com.nimbusds.jose.Payload;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.authtier.runtime.metrics.RuntimeMetrics;
import io.authtier.runtime.testsupport.JwksServer;
import io.micrometer.core.instrument.Counter;
import io.authtier.runtime.testsupport.MutableClock;
import io.authtier.runtime.testsupport.RunningRuntime;
import io.authtier.runtime.testsupport.Tokens;
import java.net.URI;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * SECURITY.md, "Bearer tokens" 1 to 10 (11 is in {@link ForwardAuthTest}, 12 is introspection): each
 * forged or unfit token gets 401 with {@code WWW-Authenticate: Bearer error="invalid_token"}, and the
 * service keeps answering good tokens.
 */
@DisplayName("Bearer token attacks (SECURITY.md)")
class BearerTokenAttacksTest {

    static JwksServer idp;
    static RSAKey rsa;
    static ECKey ec;
    /** Published by the issuer: a P-384 key, which only ES384 (not allowed here) may use. */
    static ECKey ec384;
    static RSAKey attacker;
    /** Published by the issuer, but shorter than the 2048 bits RFC 7518 requires. */
    static RSAKey weak;
    static MutableClock clock;
    static RunningRuntime runtime;
    static final String AUDIENCE = "shop-api";

    @BeforeAll
    static void start() throws Exception {
        rsa = new RSAKeyGenerator(2048).keyID("rsa-1").generate();
        ec = new ECKeyGenerator(Curve.P_256).keyID("ec-1").generate();
        ec384 = new ECKeyGenerator(Curve.P_384).keyID("ec-384").generate();
        attacker = new RSAKeyGenerator(2048).keyID("rsa-1").generate(); // same kid as the real key
        weak = new RSAKeyGenerator(1024, true).keyID("rsa-weak").generate();
        idp = new JwksServer("shop", List.of(rsa.toPublicJWK(), ec.toPublicJWK(), weak.toPublicJWK(), ec384.toPublicJWK()));
        clock = new MutableClock(Instant.now());
        runtime = RunningRuntime.start("""
                issuers:
                - name: shop
                  issuerUrl: %s
                  audiences: [%s]
                """.formatted(idp.issuer(), AUDIENCE), clock, policy -> policy);
        await().atMost(Duration.ofSeconds(20)).until(() -> runtime.management("/readyz").statusCode() == 200);
    }

    @AfterAll
    static void stop() {
        runtime.close();
        idp.close();
    }

    static JWTClaimsSet.Builder claims() {
        return Tokens.accessClaims(idp.issuer(), AUDIENCE, clock.instant());
    }

    static String good() {
        return Tokens.sign(rsa, JWSAlgorithm.RS256, claims().build());
    }

    /** {@code payloadJson} as it is, signed RS256 by the issuer's own key: a token only its JSON can make bad. */
    static String signedPayload(String payloadJson) {
        try {
            JWSObject jws = new JWSObject(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID("rsa-1").build(), new Payload(payloadJson));
            jws.sign(new RSASSASigner(rsa));
            return jws.serialize();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    /** {@code headerJson} and {@code payloadJson} as they are, the signing input signed RS256 by the issuer's own key. */
    static String signedWithHeader(String headerJson, String payloadJson) {
        try {
            String input = Tokens.b64(headerJson) + "." + Tokens.b64(payloadJson);
            java.security.Signature signature = java.security.Signature.getInstance("SHA256withRSA");
            signature.initSign(rsa.toRSAPrivateKey());
            signature.update(input.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            return input + "." + Tokens.b64(signature.sign());
        } catch (JOSEException | java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    static String payload() {
        return claims().build().toString();
    }

    static String hs256WithPublicKey() throws Exception {
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.HS256).keyID("rsa-1").build(), claims().build());
        jwt.sign(new MACSigner(rsa.toPublicJWK().toRSAPublicKey().getEncoded()));
        return jwt.serialize();
    }

    static String withHeader(String headerJson) {
        return Tokens.raw(headerJson, payload(), Tokens.b64(new byte[256]));
    }

    /** An attack, the reason code it must be refused for ({@code null}: refused before the verifier), the token. */
    static Arguments attack(String name, String reason, Supplier<String> token) {
        return Arguments.of(name, reason, token);
    }

    static double rejections(String reason) {
        return runtime.app().metrics().registry().find(RuntimeMetrics.TOKEN_VALIDATIONS).tag("result", reason)
                .counters().stream().mapToDouble(Counter::count).sum();
    }

    static Stream<Arguments> attacks() {
        String sig = good().split("\\.")[2];
        return Stream.of(
                // 1. alg none, empty or missing signature
                attack("1 alg none, no signature", "malformed", () -> Tokens.raw("{\"alg\":\"none\"}", payload(), "")),
                attack("1 alg None with a signature", "algorithm_not_allowed", () -> Tokens.raw("{\"alg\":\"None\",\"kid\":\"rsa-1\"}", payload(), sig)),
                attack("1 alg NONE", "algorithm_not_allowed", () -> Tokens.raw("{\"alg\":\"NONE\"}", payload(), sig)),
                attack("1 RS256 with an empty signature", "malformed", () -> Tokens.raw("{\"alg\":\"RS256\",\"kid\":\"rsa-1\"}", payload(), "")),
                attack("1 RS256 with the signature cut off", "malformed", () -> {
                    String t = good();
                    return t.substring(0, t.lastIndexOf('.'));
                }),
                // 2. algorithm confusion
                attack("2 HS256 signed with the issuer's public key", "algorithm_not_allowed", () -> {
                    try {
                        return hs256WithPublicKey();
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                }),
                attack("2 ES256 header on the RSA key's kid", "unknown_key", () -> Tokens.sign(ec, JWSAlgorithm.ES256, claims().build(), h -> h.keyID("rsa-1"))),
                attack("2 ES256 header on a P-384 key's kid", "unknown_key", () -> Tokens.raw("{\"alg\":\"ES256\",\"kid\":\"ec-384\"}", payload(), Tokens.b64(new byte[64]))),
                // 3. keys carried or pointed at by the header
                attack("3 embedded jwk", "forbidden_header", () -> Tokens.sign(attacker, JWSAlgorithm.RS256, claims().build(), h -> h.jwk(attacker.toPublicJWK()))),
                attack("3 jku", "forbidden_header", () -> Tokens.sign(attacker, JWSAlgorithm.RS256, claims().build(), h -> h.jwkURL(URI.create("http://127.0.0.1:1/jwks")))),
                attack("3 x5u", "forbidden_header", () -> Tokens.sign(attacker, JWSAlgorithm.RS256, claims().build(), h -> h.x509CertURL(URI.create("http://127.0.0.1:1/cert")))),
                attack("3 x5c", "forbidden_header", () -> Tokens.sign(attacker, JWSAlgorithm.RS256, claims().build(), h -> h.x509CertChain(List.of(com.nimbusds.jose.util.Base64.encode("not a cert"))))),
                attack("3 attacker key under the real kid", "bad_signature", () -> Tokens.sign(attacker, JWSAlgorithm.RS256, claims().build())),
                // 4. kid as anything but a map key
                attack("4 kid empty", "unknown_key", () -> Tokens.sign(attacker, JWSAlgorithm.RS256, claims().build(), h -> h.keyID(""))),
                attack("4 kid path", "unknown_key", () -> Tokens.sign(attacker, JWSAlgorithm.RS256, claims().build(), h -> h.keyID("../../dev/null"))),
                attack("4 kid SQL", "unknown_key", () -> Tokens.sign(attacker, JWSAlgorithm.RS256, claims().build(), h -> h.keyID("x' OR '1'='1"))),
                attack("4 kid shell", "unknown_key", () -> Tokens.sign(attacker, JWSAlgorithm.RS256, claims().build(), h -> h.keyID("$(touch /tmp/pwned)"))),
                // 5. psychic signature and out-of-range signatures
                attack("5 ES256 with r = s = 0", "bad_signature", () -> Tokens.raw("{\"alg\":\"ES256\",\"kid\":\"ec-1\"}", payload(), Tokens.b64(new byte[64]))),
                attack("5 ES256 with r = s = n", "bad_signature", () -> {
                    byte[] n = java.util.HexFormat.of().parseHex("ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551");
                    byte[] rs = new byte[64];
                    System.arraycopy(n, 0, rs, 0, 32);
                    System.arraycopy(n, 0, rs, 32, 32);
                    return Tokens.raw("{\"alg\":\"ES256\",\"kid\":\"ec-1\"}", payload(), Tokens.b64(rs));
                }),
                attack("5 ES256 with a signature of the wrong length", "bad_signature", () -> Tokens.raw("{\"alg\":\"ES256\",\"kid\":\"ec-1\"}", payload(), Tokens.b64(new byte[7]))),
                attack("5 RS256 with a signature of 0", "bad_signature", () -> Tokens.raw("{\"alg\":\"RS256\",\"kid\":\"rsa-1\"}", payload(), Tokens.b64(new byte[256]))),
                attack("5 RS256 with the modulus as signature", "bad_signature", () -> Tokens.raw("{\"alg\":\"RS256\",\"kid\":\"rsa-1\"}", payload(),
                        Tokens.b64(rsa.getModulus().decode()))),
                attack("5 RS256 with a signature above the modulus", "bad_signature", () -> {
                    byte[] ff = new byte[256];
                    java.util.Arrays.fill(ff, (byte) 0xff);
                    return Tokens.raw("{\"alg\":\"RS256\",\"kid\":\"rsa-1\"}", payload(), Tokens.b64(ff));
                }),
                attack("5 RS256 with a signature one byte short", "bad_signature", () -> {
                    String t = good();
                    byte[] signature = com.nimbusds.jose.util.Base64URL.from(t.substring(t.lastIndexOf('.') + 1)).decode();
                    return Tokens.raw("{\"alg\":\"RS256\",\"kid\":\"rsa-1\"}", payload(), Tokens.b64(java.util.Arrays.copyOf(signature, 255)));
                }),
                attack("5 RS256 signed by a 1024-bit key the issuer publishes", "unknown_key", () -> {
                    try {
                        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID("rsa-weak").build(), claims().build());
                        jwt.sign(new com.nimbusds.jose.crypto.RSASSASigner(weak.toPrivateKey(), true));
                        return jwt.serialize();
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                }),
                // 6. crit
                attack("6 unknown crit", "unknown_critical_header", () -> Tokens.sign(rsa, JWSAlgorithm.RS256, claims().build(),
                        h -> h.criticalParams(java.util.Set.of("exp")).customParam("exp", 1))),
                // 7. lifetime
                attack("7 exp missing", "missing_claim", () -> Tokens.sign(rsa, JWSAlgorithm.RS256, claims().expirationTime(null).build())),
                attack("7 exp past", "expired", () -> Tokens.sign(rsa, JWSAlgorithm.RS256, claims().expirationTime(Date.from(clock.instant().minusSeconds(31))).build())),
                attack("7 nbf in the future beyond the skew", "not_yet_valid", () -> Tokens.sign(rsa, JWSAlgorithm.RS256, claims().notBeforeTime(Date.from(clock.instant().plusSeconds(45))).build())),
                attack("7 iat in the future beyond the skew", "not_yet_valid", () -> Tokens.sign(rsa, JWSAlgorithm.RS256, claims().issueTime(Date.from(clock.instant().plusSeconds(45))).build())),
                // 8. issuer, audience, token type
                attack("8 iss with a trailing slash", "unknown_issuer", () -> Tokens.sign(rsa, JWSAlgorithm.RS256, claims().issuer(idp.issuer() + "/").build())),
                attack("8 iss of another issuer", "unknown_issuer", () -> Tokens.sign(rsa, JWSAlgorithm.RS256, claims().issuer("http://127.0.0.1:1/evil").build())),
                attack("8 aud lacking", "wrong_audience", () -> Tokens.sign(rsa, JWSAlgorithm.RS256, claims().audience("other-api").build())),
                attack("8 aud missing", "missing_claim", () -> Tokens.sign(rsa, JWSAlgorithm.RS256, claims().audience((String) null).build())),
                attack("8 ID token (nonce)", "not_an_access_token", () -> Tokens.sign(rsa, JWSAlgorithm.RS256, claims().claim("nonce", "n-0S6_WzA2Mj").build())),
                attack("8 Keycloak ID token (typ ID)", "not_an_access_token", () -> Tokens.sign(rsa, JWSAlgorithm.RS256, claims().claim("typ", "ID").build())),
                attack("8 Keycloak refresh token (typ Refresh)", "not_an_access_token", () -> Tokens.sign(rsa, JWSAlgorithm.RS256, claims().claim("typ", "Refresh").build())),
                attack("8 header typ of a logout token", "not_an_access_token", () -> Tokens.sign(rsa, JWSAlgorithm.RS256, claims().build(),
                        h -> h.type(new com.nimbusds.jose.JOSEObjectType("logout+jwt")))),
                // 9. not a compact JWS
                attack("9 JWE, five parts", "malformed", () -> String.join(".", Tokens.b64("{\"alg\":\"RSA-OAEP-256\",\"enc\":\"A256GCM\"}"), "AAAA", "AAAA", "AAAA", "AAAA")),
                attack("9 JWE header in three parts", "malformed", () -> Tokens.raw("{\"alg\":\"RS256\",\"enc\":\"A256GCM\",\"kid\":\"rsa-1\"}", payload(), sig)),
                attack("9 JSON serialization", "malformed", () -> "{\"payload\":\"" + Tokens.b64(payload()) + "\",\"signatures\":[]}"),
                attack("9 two segments", "malformed", () -> Tokens.b64("{\"alg\":\"RS256\"}") + "." + Tokens.b64(payload())),
                attack("9 four segments", "malformed", () -> good() + ".AAAA"),
                attack("9 empty", null, () -> ""),
                // 10. size, nesting, base64url
                attack("10 oversized (8 KiB + 1)", "too_large", () -> {
                    String t = good();
                    return t + "A".repeat(8193 - t.length());
                }),
                attack("10 deeply nested JSON", "malformed", () -> Tokens.raw("{\"alg\":\"RS256\",\"kid\":\"rsa-1\"}",
                        payload().replaceFirst("\\{", "{\"deep\":" + "[".repeat(2000) + "]".repeat(2000) + ","), sig)),
                // Parsers disagree on which of two equal names counts (first, last): a token that says two things is refused.
                attack("10 a claim name twice (sub), signed by the issuer's key", "malformed",
                        () -> signedPayload(payload().replaceFirst("\\{", "{\"sub\":\"admin\","))),
                attack("10 a header name twice (alg), signed by the issuer's key", "malformed",
                        () -> signedWithHeader("{\"alg\":\"RS256\",\"kid\":\"rsa-1\",\"alg\":\"none\"}", payload())),
                attack("10 invalid base64url", "malformed", () -> {
                    String t = good();
                    return t.substring(0, 10) + "+/" + t.substring(12);
                }),
                attack("10 non-canonical base64url: the signature's unused low bits set", "malformed", () -> {
                    String t = good(); // 256 signature bytes: 342 characters, the last one carries 2 bits and 4 unused
                    String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
                    char last = t.charAt(t.length() - 1);
                    return t.substring(0, t.length() - 1) + alphabet.charAt(alphabet.indexOf(last) | 1);
                }),
                attack("10 base64url with padding", "malformed", () -> good().replaceFirst("\\.", "=.")),
                attack("10 impossible base64url length", "malformed", () -> {
                    String[] parts = good().split("\\.");
                    return parts[0] + "." + parts[1] + "A".repeat((5 - parts[1].length() % 4) % 4) + "." + parts[2];
                }));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("attacks")
    @DisplayName("Each attack gets 401 with an invalid_token challenge, and good tokens still pass after it")
    void rejected(String name, String reason, Supplier<String> forged) {
        // Given a forged or unfit token
        String token = forged.get();
        double before = reason == null ? 0 : rejections(reason);

        // When it is presented
        HttpResponse<String> response = runtime.get("/auth", "Authorization", "Bearer " + token);

        // Then it is refused with a generic challenge that does not echo the token
        assertThat(response.statusCode()).as(name).isEqualTo(401);
        if (reason != null) {
            assertThat(rejections(reason)).as("rejections for %s", reason).isEqualTo(before + 1);
        }
        assertThat(response.headers().firstValue("WWW-Authenticate")).hasValue(
                "Bearer error=\"invalid_token\", error_description=\"the access token is missing a valid signature, claims or lifetime\"");
        assertThat(response.headers().firstValue("X-Auth-Request-User")).isEmpty();
        if (!token.isEmpty()) {
            assertThat(response.body()).doesNotContain(token);
        }

        // And the service keeps answering
        assertThat(runtime.auth(good()).statusCode()).isEqualTo(200);
    }

    @Test
    @DisplayName("A header larger than the whole header cap is refused before it is read, and the service keeps answering")
    void hugeHeader() {
        // When a header far beyond server.maxTokenBytes + 8 KiB arrives
        Throwable failure = org.assertj.core.api.Assertions.catchThrowable(() -> {
            HttpResponse<String> response = runtime.get("/auth", "Authorization", "Bearer " + "A".repeat(40_000));
            assertThat(response.statusCode()).isEqualTo(431);
        });

        // Then it is answered 431 or the connection is closed, and nothing else happens
        assertThat(failure).satisfiesAnyOf(f -> assertThat(f).isNull(), f -> assertThat(f).isInstanceOf(java.io.UncheckedIOException.class));
        assertThat(runtime.auth(good()).statusCode()).isEqualTo(200);
    }

    @ParameterizedTest(name = "exp {0}")
    @ValueSource(strings = {"1795935300000", "9007199254740993", "9223372036854775807", "1e300"})
    @DisplayName("A good token whose exp lies centuries ahead (milliseconds by mistake, 2^53, 2^63) passes, cached no longer than the TTL")
    void farFutureExp(String exp) throws Exception {
        // Given a token signed by the issuer's key, its exp written as the IdP wrote it
        String payload = claims().expirationTime(null).build().toString().replaceFirst("\\{", "{\"exp\":" + exp + ",");
        JWSObject jws = new JWSObject(
                new JWSHeader.Builder(JWSAlgorithm.RS256).keyID("rsa-1").build(), new Payload(payload));
        jws.sign(new RSASSASigner(rsa));

        // Then it passes, first checked and then from the cache, instead of overflowing into a 500
        assertThat(runtime.auth(jws.serialize()).statusCode()).isEqualTo(200);
        assertThat(runtime.auth(jws.serialize()).statusCode()).isEqualTo(200);
    }

    @Test
    @DisplayName("Two Authorization headers are refused, even if one holds a good token")
    void twoAuthorizationHeaders() {
        HttpResponse<String> response = runtime.get("/auth", "Authorization", "Bearer " + good(), "Authorization", "Bearer x");

        assertThat(response.statusCode()).isEqualTo(401);
    }

    @Test
    @DisplayName("Rejections are counted by reason, with no token in any label")
    void metrics() {
        runtime.auth(Tokens.sign(rsa, JWSAlgorithm.RS256, claims().audience("other-api").build()));

        String metrics = runtime.management("/metrics").body();

        assertThat(metrics).contains("authtier_token_validations_total{issuer=\"shop\",method=\"jwt\",result=\"wrong_audience\"}");
        assertThat(metrics).doesNotContain("eyJ");
    }
}
