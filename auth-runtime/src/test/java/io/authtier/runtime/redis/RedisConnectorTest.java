package io.authtier.runtime.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.authtier.runtime.config.RedisTopology;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@DisplayName("RedisConnector: start without Redis, connect when it comes")
class RedisConnectorTest {

    @TempDir
    Path dir;

    @Test
    @DisplayName("No Redis at start: no connection and no exception; once Redis is up, the connection is made in the background")
    void connectsLater() {
        RedisServers.Server server = RedisServers.standalone(dir);
        server.stop();
        var config = RedisServers.config(RedisTopology.Standalone, List.of(server));

        try (RedisConnector connector = new RedisConnector(() -> RedisConnections.open(config, Duration.ofSeconds(2)),
                Clock.systemUTC(), Duration.ofMillis(50))) {
            assertThat(connector.current()).isEmpty();

            server.start();

            await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(20))
                    .until(() -> connector.current().isPresent());
            assertThat(connector.current().orElseThrow().strings().get("absent").toCompletableFuture().join()).isNull();
        } finally {
            server.stop();
        }
    }
}
