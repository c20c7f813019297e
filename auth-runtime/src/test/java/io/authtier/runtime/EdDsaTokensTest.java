package io.authtier.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jose.util.Base64URL;
import io.authtier.runtime.metrics.RuntimeMetrics;
import io.authtier.runtime.testsupport.Ed25519Key;
import io.authtier.runtime.testsupport.JwksServer;
import io.authtier.runtime.testsupport.MutableClock;
import io.authtier.runtime.testsupport.RunningRuntime;
import io.authtier.runtime.testsupport.Tokens;
import io.micrometer.core.instrument.Counter;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
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

/**
 * EdDSA with Ed25519 keys end to end, verified through the JDK: keys published as OKP JWKs by a JWKS
 * server over HTTP, tokens signed with the JDK's {@code Signature}. Good tokens pass with the identity
 * headers; forged or unfit ones get 401 for the right reason (SECURITY.md, bearer tokens 2 and 5).
 */
@DisplayName("EdDSA (Ed25519) access tokens")
class EdDsaTokensTest {

    static final String AUDIENCE = "shop-api";
    static Ed25519Key ed;
    static Ed25519Key attacker;
    static Ed25519Key elsewhere;
    static RSAKey rsa;
    static JwksServer idp;
    static JwksServer rsaOnly;
    static MutableClock clock;
    static RunningRuntime runtime;

    @BeforeAll
    static void start() throws Exception {
        ed = Ed25519Key.generate("ed-1");
        attacker = Ed25519Key.generate("ed-1"); // same kid as the real key
        elsewhere = Ed25519Key.generate("ed-2");
        rsa = new RSAKeyGenerator(2048).keyID("rsa-1").generate();
        idp = new JwksServer("ed", List.of(ed.publicJwk(), rsa.toPublicJWK(),
                new OctetKeyPair.Builder(Curve.X25519, Base64URL.encode(ed.x())).keyID("x25519-1").build(),
                new OctetKeyPair.Builder(Curve.Ed448, Base64URL.encode(new byte[57])).keyID("ed448-1").build(),
                new OctetKeyPair.Builder(Curve.Ed25519, Base64URL.encode(Arrays.copyOf(ed.x(), 31))).keyID("short-1").build(),
                new OctetKeyPair.Builder(Curve.Ed25519, Base64URL.encode(ed.x())).keyID("enc-1").keyUse(KeyUse.ENCRYPTION).build()));
        rsaOnly = new JwksServer("rsa-only", List.of(elsewhere.publicJwk(), rsa.toPublicJWK()));
        clock = new MutableClock(Instant.now());
        runtime = RunningRuntime.start("""
                issuers:
                - name: ed
                  issuerUrl: %s
                  audiences: [%s]
                  allowedAlgorithms: [EdDSA, Ed25519]
                - name: rsa-only
                  issuerUrl: %s
                  audiences: [%s]
                  allowedAlgorithms: [RS256]
                """.formatted(idp.issuer(), AUDIENCE, rsaOnly.issuer(), AUDIENCE), clock, policy -> policy);
        await().atMost(Duration.ofSeconds(20)).until(() -> runtime.management("/readyz").statusCode() == 200);
    }

    @AfterAll
    static void stop() {
        runtime.close();
        idp.close();
        rsaOnly.close();
    }

    static String payload() {
        return Tokens.accessClaims(idp.issuer(), AUDIENCE, clock.instant()).build().toString();
    }

    static String good() {
        return ed.sign("EdDSA", ed.kid(), payload());
    }

    /** A token whose signature segment is {@code signature}, over a good header and payload. */
    static String withSignature(byte[] signature) {
        String token = good();
        return token.substring(0, token.lastIndexOf('.') + 1) + Tokens.b64(signature);
    }

    static double validations(String result) {
        return runtime.app().metrics().registry().find(RuntimeMetrics.TOKEN_VALIDATIONS).tag("result", result)
                .counters().stream().mapToDouble(Counter::count).sum();
    }

    @ParameterizedTest(name = "alg {0}")
    @MethodSource("algorithmNames")
    @DisplayName("A token signed with the issuer's Ed25519 key passes with the identity headers, also from the cache")
    void accepted(String alg) {
        // Given a token signed by the issuer's Ed25519 key under alg EdDSA (RFC 8037) or Ed25519 (RFC 9864)
        String token = ed.sign(alg, ed.kid(), payload());

        // When it is presented twice (the second time from the verified-token cache)
        HttpResponse<String> first = runtime.auth(token);
        HttpResponse<String> second = runtime.auth(token);

        // Then both pass, and the headers say who it is
        assertThat(List.of(first.statusCode(), second.statusCode())).containsExactly(200, 200);
        for (HttpResponse<String> response : List.of(first, second)) {
            assertThat(response.headers().firstValue("X-Auth-Request-User")).hasValue("user-1");
            assertThat(response.headers().firstValue("X-Auth-Request-Issuer")).hasValue(idp.issuer());
            assertThat(response.headers().firstValue("X-Auth-Request-Email")).hasValue("ada@example.com");
            assertThat(response.headers().firstValue("X-Auth-Request-Groups")).hasValue("admins,staff");
        }
    }

    static Stream<String> algorithmNames() {
        return Stream.of("EdDSA", "Ed25519");
    }

    @Test
    @DisplayName("A token without a kid is checked against the issuer's Ed25519 keys and passes")
    void withoutKid() {
        // Given a token whose header names only the algorithm, as an IdP with a single key may send it
        String signingInput = Tokens.b64("{\"alg\":\"EdDSA\"}") + "." + Tokens.b64(payload());
        String token = signingInput + "." + Tokens.b64(ed.signature(signingInput));

        // Then it passes: of the OKP keys only the valid Ed25519 signing key can verify it
        assertThat(runtime.auth(token).statusCode()).isEqualTo(200);
    }

    static Arguments forged(String name, String reason, Supplier<String> token) {
        return Arguments.of(name, reason, token);
    }

    static Stream<Arguments> forgeries() {
        return Stream.of(
                forged("a tampered payload", "bad_signature", () -> {
                    String[] parts = good().split("\\.");
                    return parts[0] + "." + Tokens.b64(payload().replace("\"user-1\"", "\"admin\"")) + "." + parts[2];
                }),
                forged("a signature by another Ed25519 key under the real kid", "bad_signature",
                        () -> attacker.sign("EdDSA", ed.kid(), payload())),
                forged("a 63-byte signature", "bad_signature", () -> {
                    String[] parts = good().split("\\.");
                    return withSignature(Arrays.copyOf(new Base64URL(parts[2]).decode(), 63));
                }),
                forged("a 65-byte signature", "bad_signature", () -> {
                    String[] parts = good().split("\\.");
                    return withSignature(Arrays.copyOf(new Base64URL(parts[2]).decode(), 65));
                }),
                forged("an all-zero signature", "bad_signature", () -> withSignature(new byte[64])),
                forged("a signature whose S is out of range", "bad_signature", () -> {
                    byte[] signature = new byte[64];
                    Arrays.fill(signature, (byte) 0xff);
                    return withSignature(signature);
                }),
                forged("an EdDSA token to an issuer that allows only RS256", "algorithm_not_allowed",
                        () -> elsewhere.sign("EdDSA", elsewhere.kid(),
                                Tokens.accessClaims(rsaOnly.issuer(), AUDIENCE, clock.instant()).build().toString())),
                forged("an EdDSA header on the RSA key's kid", "unknown_key", () -> ed.sign("EdDSA", rsa.getKeyID(), payload())),
                forged("an EdDSA header on an X25519 key's kid", "unknown_key", () -> ed.sign("EdDSA", "x25519-1", payload())),
                forged("an EdDSA header on an Ed448 key's kid", "unknown_key", () -> ed.sign("EdDSA", "ed448-1", payload())),
                forged("an Ed25519 header on an Ed448 key's kid", "unknown_key", () -> ed.sign("Ed25519", "ed448-1", payload())),
                forged("an EdDSA header on an Ed25519 key of 31 bytes", "unknown_key", () -> ed.sign("EdDSA", "short-1", payload())),
                forged("an EdDSA header on an encryption key", "unknown_key", () -> ed.sign("EdDSA", "enc-1", payload())),
                forged("an Ed448 token", "algorithm_not_allowed", () -> ed.sign("Ed448", "ed448-1", payload())));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("forgeries")
    @DisplayName("A forged or unfit EdDSA token gets 401 for its reason, and good tokens still pass after it")
    void rejected(String name, String reason, Supplier<String> forged) {
        // Given a forged or unfit token
        String token = forged.get();
        double before = validations(reason);

        // When it is presented
        HttpResponse<String> response = runtime.auth(token);

        // Then it is refused for that reason, with no identity
        assertThat(response.statusCode()).as(name).isEqualTo(401);
        assertThat(validations(reason)).as("rejections for %s", reason).isEqualTo(before + 1);
        assertThat(response.headers().firstValue("X-Auth-Request-User")).isEmpty();

        // And the service keeps answering
        assertThat(runtime.auth(good()).statusCode()).isEqualTo(200);
    }
}
