package io.authtier.runtime.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.authtier.runtime.config.HostAndPort;
import io.authtier.runtime.config.RedisConfig;
import io.authtier.runtime.config.RedisTopology;
import io.lettuce.core.RedisConnectionException;
import io.lettuce.core.SetArgs;
import io.lettuce.core.SslOptions;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@DisplayName("redis.tls: a TLS-only redis-server, its certificate and host name verified")
class RedisTlsTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(5);

    @TempDir
    Path dir;

    @Test
    @DisplayName("A certificate from a trusted CA that names 127.0.0.1: commands, many at once, are answered over TLS")
    void trustedCertificate() {
        TestCertificates certificates = TestCertificates.create(dir.resolve("pki"), "IP:127.0.0.1");
        try (RedisServers.Server server = RedisServers.standaloneTls(dir, certificates);
             RedisConnection connection = RedisConnections.open(tls(server), TIMEOUT, Optional.empty(), certificates.trustingCa())) {
            // Written together, so they leave coalesced and are encrypted as few TLS records.
            List<CompletableFuture<String>> answers = IntStream.range(0, 500)
                    .mapToObj(i -> connection.strings().set("k" + i, ("v" + i).getBytes(StandardCharsets.UTF_8), SetArgs.Builder.px(60_000))
                            .thenCompose(ok -> connection.strings().get("k" + i))
                            .thenApply(value -> new String(value, StandardCharsets.UTF_8)).toCompletableFuture())
                    .toList();

            assertThat(answers).extracting(CompletableFuture::join)
                    .containsExactlyElementsOf(IntStream.range(0, 500).mapToObj(i -> "v" + i).toList());
        }
    }

    @Test
    @DisplayName("The runtime's own setting trusts the JVM's trust store only: a private CA's certificate is refused")
    void jvmTrustStoreRefusesPrivateCa() {
        TestCertificates certificates = TestCertificates.create(dir.resolve("pki"), "IP:127.0.0.1");
        try (RedisServers.Server server = RedisServers.standaloneTls(dir, certificates)) {
            Throwable failure = catchThrowable(() -> RedisConnections.open(tls(server), TIMEOUT).close());

            assertThat(failure).isInstanceOf(RedisConnectionException.class);
            assertThat(causes(failure)).anyMatch(cause -> cause instanceof javax.net.ssl.SSLHandshakeException);
            assertThat(ConnectFailure.describe(failure)).startsWith("TLS handshake failed: the certificate is not trusted");
        }
    }

    @Test
    @DisplayName("redis.tls against a plain port, and a plain client against a TLS port: refused, and the warning says TLS")
    void tlsMismatch() {
        TestCertificates certificates = TestCertificates.create(dir.resolve("pki"), "IP:127.0.0.1");
        try (RedisServers.Server plain = RedisServers.standalone(dir);
             RedisServers.Server tlsOnly = RedisServers.standaloneTls(dir, certificates)) {
            Throwable tlsToPlain = catchThrowable(() -> RedisConnections.open(tls(plain), TIMEOUT, Optional.empty(), certificates.trustingCa()).close());
            RedisConfig plainToTls = new RedisConfig(RedisTopology.Standalone, List.of(new HostAndPort("127.0.0.1", tlsOnly.port())),
                    Optional.empty(), false);
            Throwable plainToTlsFailure = catchThrowable(() -> RedisConnections.open(plainToTls, Duration.ofSeconds(1)).close());

            assertThat(tlsToPlain).isInstanceOf(RedisConnectionException.class);
            assertThat(ConnectFailure.describe(tlsToPlain)).contains("does redis.tls match the port?");
            assertThat(plainToTlsFailure).isInstanceOf(RedisConnectionException.class);
            assertThat(ConnectFailure.describe(plainToTlsFailure)).contains("does redis.tls match the port?");
        }
    }

    @Test
    @DisplayName("A trusted CA's certificate for another host name is refused: the name is verified, not only the chain")
    void otherHostName() {
        TestCertificates certificates = TestCertificates.create(dir.resolve("pki"), "DNS:redis.example");
        try (RedisServers.Server server = RedisServers.standaloneTls(dir, certificates)) {
            SslOptions trusting = certificates.trustingCa();
            Throwable failure = catchThrowable(() -> RedisConnections.open(tls(server), TIMEOUT, Optional.empty(), trusting).close());

            assertThat(failure).isInstanceOf(RedisConnectionException.class);
            assertThat(causes(failure)).anyMatch(cause -> cause instanceof javax.net.ssl.SSLHandshakeException);
        }
    }

    private static RedisConfig tls(RedisServers.Server server) {
        return new RedisConfig(RedisTopology.Standalone, List.of(new HostAndPort("127.0.0.1", server.port())), Optional.empty(), true);
    }

    private static List<Throwable> causes(Throwable failure) {
        List<Throwable> all = new java.util.ArrayList<>();
        for (Throwable t = failure; t != null && !all.contains(t); t = t.getCause()) {
            all.add(t);
        }
        return all;
    }
}
