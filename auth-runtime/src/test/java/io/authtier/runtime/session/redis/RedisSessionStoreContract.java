package io.authtier.runtime.session.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.authtier.runtime.redis.RedisConnection;
import io.authtier.runtime.session.SessionBytes;
import io.authtier.runtime.session.SessionStoreContract;
import io.authtier.runtime.session.SessionTicket;
import io.authtier.runtime.testsupport.MutableClock;
import java.time.Duration;

/**
 * The {@link SessionStoreContract} on Redis, standalone or Cluster: what only Redis shows (keys, their TTLs
 * by {@code PTTL}, since Redis keeps its own time).
 */
abstract class RedisSessionStoreContract extends SessionStoreContract {

    /** The test class's shared connection (its servers live for the class). */
    protected abstract RedisConnection connection();

    @Override
    protected SessionBytes newBytes(MutableClock clock) {
        return new RedisSessionBytes(connection(), false);
    }

    @Override
    protected void assertLockEndsAfter(SessionTicket ticket, Duration ttl) {
        assertThat(pttl(RedisSessionBytes.lockKey(ticket.address())))
                .isPositive().isLessThanOrEqualTo(ttl.toMillis()).isGreaterThan(ttl.toMillis() - 5_000);
    }

    /** The key's PTTL in ms (−2 if absent, −1 if it has none), from the node that holds it. */
    protected long pttl(String key) {
        return join(connection().keys().pttl(key));
    }
}
