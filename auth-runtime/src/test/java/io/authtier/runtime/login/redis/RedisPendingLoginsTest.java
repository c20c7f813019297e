package io.authtier.runtime.login.redis;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.authtier.runtime.config.RedisTopology;
import io.authtier.runtime.login.PendingLogins;
import io.authtier.runtime.redis.RedisConnections;
import io.authtier.runtime.redis.RedisFixture;
import io.authtier.runtime.redis.RedisServers;
import io.authtier.runtime.session.SessionStoreException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@DisplayName("PendingLogins contract: Redis standalone")
class RedisPendingLoginsTest extends RedisPendingLoginsContract {

    @RegisterExtension
    static final RedisFixture redis = RedisFixture.standalone();

    @Override
    protected RedisFixture redis() {
        return redis;
    }

    @Test
    @DisplayName("With Redis down, put and take fail with a SessionStoreException that names no key")
    void redisDown(@TempDir Path own) {
        RedisServers.Server doomed = RedisServers.standalone(own);
        String key = newKey();
        try (PendingLogins down = new RedisPendingLogins(RedisConnections.open(
                RedisServers.config(RedisTopology.Standalone, List.of(doomed)), Duration.ofSeconds(1)), true)) {
            join(down.put(key, value("v"), TEN_MINUTES));
            doomed.stop();

            assertThatThrownBy(() -> join(down.take(key))).hasCauseInstanceOf(SessionStoreException.class)
                    .cause().hasMessageStartingWith("pending-login store failed: ").hasMessageNotContaining(key);
            assertThatThrownBy(() -> join(down.put(key, value("v"), TEN_MINUTES)))
                    .hasCauseInstanceOf(SessionStoreException.class);
        } finally {
            doomed.stop();
        }
    }
}
