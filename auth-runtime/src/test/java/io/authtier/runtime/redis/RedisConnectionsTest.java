package io.authtier.runtime.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.authtier.runtime.config.HostAndPort;
import io.authtier.runtime.config.RedisConfig;
import io.authtier.runtime.config.RedisTopology;
import io.lettuce.core.SetArgs;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@DisplayName("RedisConnections: the topology switch, password files, failing fast")
class RedisConnectionsTest {

    @TempDir
    Path dir;

    @Test
    @DisplayName("A password file with a trailing newline authenticates; a wrong one fails without quoting it")
    void passwordFile() throws IOException {
        String password = "pw-" + UUID.randomUUID();
        try (RedisServers.Server server = RedisServers.standaloneWithPassword(dir, password)) {
            Path good = Files.writeString(dir.resolve("password"), password + "\n");
            RedisConfig config = new RedisConfig(RedisTopology.Standalone,
                    List.of(new HostAndPort("127.0.0.1", server.port())), Optional.of(good), false);

            try (RedisConnection connection = RedisConnections.open(config, Duration.ofSeconds(2))) {
                connection.strings().set("k", "v".getBytes(StandardCharsets.UTF_8), SetArgs.Builder.px(10_000))
                        .toCompletableFuture().join();
                assertThat(connection.strings().get("k").toCompletableFuture().join()).asString(StandardCharsets.UTF_8).isEqualTo("v");
            }

            String wrongPassword = "wrong-" + UUID.randomUUID();
            Path bad = Files.writeString(dir.resolve("bad-password"), wrongPassword);
            Throwable failure = catchThrowable(() -> RedisConnections.open(new RedisConfig(RedisTopology.Standalone,
                    List.of(new HostAndPort("127.0.0.1", server.port())), Optional.of(bad), false), Duration.ofSeconds(2)));
            assertThat(failure).isNotNull();
            assertThat(ConnectFailure.describe(failure)).isEqualTo("Redis refused the password: check redis.passwordFile");
            for (Throwable t = failure; t != null; t = t.getCause()) {
                assertThat(String.valueOf(t.getMessage())).doesNotContain(wrongPassword).doesNotContain(password);
            }
        }
    }

    @Test
    @DisplayName("No Redis listening: opening fails fast instead of hanging")
    void nothingListening() {
        RedisServers.Server server = RedisServers.standalone(dir);
        int port = server.port();
        server.stop();

        Throwable failure = catchThrowable(() -> RedisConnections.open(new RedisConfig(RedisTopology.Standalone,
                List.of(new HostAndPort("127.0.0.1", port)), Optional.empty(), false), Duration.ofSeconds(2)));

        assertThat(failure).isInstanceOf(io.lettuce.core.RedisConnectionException.class);
        assertThat(ConnectFailure.describe(failure)).isEqualTo("connection refused");
    }
}
