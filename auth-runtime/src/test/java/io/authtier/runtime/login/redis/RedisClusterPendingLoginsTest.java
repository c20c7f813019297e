package io.authtier.runtime.login.redis;

import io.authtier.runtime.redis.RedisFixture;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.extension.RegisterExtension;

@DisplayName("PendingLogins contract: Redis Cluster of 3 masters")
class RedisClusterPendingLoginsTest extends RedisPendingLoginsContract {

    @RegisterExtension
    static final RedisFixture redis = RedisFixture.cluster();

    @Override
    protected RedisFixture redis() {
        return redis;
    }
}
