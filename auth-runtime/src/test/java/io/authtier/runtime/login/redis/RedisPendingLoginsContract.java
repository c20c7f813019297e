package io.authtier.runtime.login.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.authtier.runtime.login.PendingLogins;
import io.authtier.runtime.login.PendingLoginsContract;
import io.authtier.runtime.redis.RedisFixture;
import io.authtier.runtime.testsupport.MutableClock;
import java.time.Duration;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The {@link PendingLoginsContract} on Redis, standalone or Cluster, plus what only Redis shows (keys, PTTL). */
abstract class RedisPendingLoginsContract extends PendingLoginsContract {

    /** The test class's Redis (its servers live for the class). */
    protected abstract RedisFixture redis();

    @Override
    protected PendingLogins newLogins(MutableClock clock) {
        return new RedisPendingLogins(redis().connection(), false);
    }

    @Override
    protected void assertEndsAfter(String key, Duration ttl) {
        redis().assertExpiresIn(RedisPendingLogins.key(key), ttl);
    }

    @Test
    @DisplayName("The key is authtier:login:<key>, and a take removes it")
    void keyLayout() {
        String key = newKey();
        join(logins.put(key, value("v"), TEN_MINUTES));

        assertThat(RedisPendingLogins.key(key)).isEqualTo("authtier:login:" + key);
        assertThat(pttl(RedisPendingLogins.key(key))).isPositive();
        take(key);
        assertThat(pttl(RedisPendingLogins.key(key))).isEqualTo(-2);
    }

    private long pttl(String key) {
        return redis().pttl(key);
    }
}
