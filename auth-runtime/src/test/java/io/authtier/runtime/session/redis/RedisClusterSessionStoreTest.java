package io.authtier.runtime.session.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.authtier.runtime.config.RedisTopology;
import io.authtier.runtime.redis.RedisConnection;
import io.authtier.runtime.redis.RedisConnections;
import io.authtier.runtime.redis.RedisFixture;
import io.authtier.runtime.redis.RedisServers;
import io.authtier.runtime.session.EncryptedSessionStore;
import io.authtier.runtime.session.SessionLookup;
import io.authtier.runtime.session.SessionStore;
import io.authtier.runtime.session.SessionTicket;
import io.authtier.runtime.session.SessionUser;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@DisplayName("SessionStore contract: Redis Cluster of 3 masters")
class RedisClusterSessionStoreTest extends RedisSessionStoreContract {

    @RegisterExtension
    static final RedisFixture redis = RedisFixture.cluster();

    @Override
    protected RedisFixture redis() {
        return redis;
    }

    @Test
    @DisplayName("A user's sessions and index share one slot, and different users spread over the masters")
    void userSessionsShareASlot() {
        SessionUser user = newUser();
        SessionTicket first = create(session(user));
        SessionTicket second = create(session(user));

        String slot = slot(RedisSessionBytes.userKey(user.tag()));
        assertThat(slot(RedisSessionBytes.sessionKey(first.address()))).isEqualTo(slot);
        assertThat(slot(RedisSessionBytes.sessionKey(second.address()))).isEqualTo(slot);

        Set<String> slots = IntStream.range(0, 20).mapToObj(i -> slot(RedisSessionBytes.userKey(newUser().tag())))
                .collect(Collectors.toSet());
        assertThat(slots).hasSizeGreaterThan(1);
    }

    @Test
    @DisplayName("A session created by one runtime instance is read, and ended everywhere, by another")
    void anotherInstanceReadsIt() {
        SessionUser user = newUser();
        SessionTicket ticket = create(session(user));
        try (RedisConnection other = RedisConnections.open(RedisServers.config(RedisTopology.Cluster, redis.servers().subList(2, 3)),
                Duration.ofSeconds(2));
                SessionStore otherInstance = new EncryptedSessionStore(new RedisSessionBytes(other, false), IDLE, ABSOLUTE, clock,
                        new SecureRandom())) {

            SessionLookup seen = otherInstance.load(ticket).toCompletableFuture().join();
            long ended = otherInstance.deleteAllForUser(user).toCompletableFuture().join();

            assertThat(seen).isInstanceOf(SessionLookup.Found.class);
            assertThat(ended).isEqualTo(1);
            assertThat(load(ticket)).isInstanceOf(SessionLookup.Absent.class);
        }
    }

    private static String slot(String key) {
        return redis.servers().getFirst().command("CLUSTER", "KEYSLOT", key);
    }
}
