package io.authtier.runtime.session.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.authtier.runtime.config.RedisTopology;
import io.authtier.runtime.redis.RedisConnection;
import io.authtier.runtime.redis.RedisConnections;
import io.authtier.runtime.redis.RedisFixture;
import io.authtier.runtime.redis.RedisServers;
import io.authtier.runtime.session.EncryptedSessionStore;
import io.authtier.runtime.session.Session;
import io.authtier.runtime.session.SessionStore;
import io.authtier.runtime.session.SessionStoreException;
import io.authtier.runtime.session.SessionTicket;
import io.authtier.runtime.session.SessionUser;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@DisplayName("SessionStore contract: Redis standalone")
class RedisSessionStoreTest extends RedisSessionStoreContract {

    @RegisterExtension
    static final RedisFixture redis = RedisFixture.standalone();

    @Override
    protected RedisFixture redis() {
        return redis;
    }

    @Test
    @DisplayName("Keys share the user's hash tag, hold the id only hashed, and the stored value has no token text")
    void keyLayoutAndRawValue() {
        SessionUser user = newUser();
        Session session = session(user);

        SessionTicket ticket = create(session);

        String key = RedisSessionBytes.sessionKey(ticket.address());
        assertThat(key).isEqualTo("authtier:session:{" + user.tag() + "}:" + ticket.address().idHash());
        assertThat(redis.server().command("SISMEMBER", RedisSessionBytes.userKey(user.tag()), ticket.address().idHash())).isEqualTo(":1");
        String raw = redis.server().command("GET", key);
        assertThat(raw).isNotNull().doesNotContain(session.tokens().accessToken())
                .doesNotContain(session.tokens().refreshToken().orElseThrow()).doesNotContain(user.subject());
        assertThat(key).doesNotContain(java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(ticket.id()));
        assertThat(redis.server().command("EXISTS", key)).isEqualTo(":1");
    }

    @Test
    @DisplayName("Every key has a TTL: the session min(idle, absolute remaining), the user index the absolute timeout")
    void everyKeyHasATtl() {
        SessionUser user = newUser();
        SessionTicket ticket = create(session(user));

        long sessionTtl = pttl(RedisSessionBytes.sessionKey(ticket.address()));
        long indexTtl = pttl(RedisSessionBytes.userKey(user.tag()));

        assertThat(sessionTtl).isPositive().isLessThanOrEqualTo(IDLE.toMillis()).isGreaterThan(IDLE.toMillis() - 60_000);
        assertThat(indexTtl).isLessThanOrEqualTo(ABSOLUTE.toMillis()).isGreaterThan(ABSOLUTE.toMillis() - 60_000);

        for (int day = 0; day < 6; day++) {
            clock.advance(Duration.ofHours(23));
            found(ticket);
        }
        clock.advance(Duration.ofHours(23)); // 161 h after login: 7 h of the absolute timeout left
        found(ticket);

        assertThat(pttl(RedisSessionBytes.sessionKey(ticket.address())))
                .isPositive().isLessThanOrEqualTo(Duration.ofHours(7).toMillis()).isGreaterThan(Duration.ofHours(7).toMillis() - 60_000);
    }

    @Test
    @DisplayName("Log out everywhere leaves its mark in the user's slot: our clock's time in ms, for 11 minutes; the back-channel mark is not touched")
    void everywhereMarkLayout() {
        SessionUser user = newUser();
        create(session(user));

        join(store.deleteAllForUser(user));

        String mark = RedisSessionBytes.userEndedAdminKey(user.tag());
        assertThat(mark).isEqualTo("authtier:user-ended-admin:{" + user.tag() + "}");
        assertThat(redis.server().command("GET", mark)).isEqualTo(String.valueOf(clock.instant().toEpochMilli()));
        assertThat(pttl(mark)).isLessThanOrEqualTo(Duration.ofMinutes(11).toMillis()).isGreaterThan(Duration.ofMinutes(10).toMillis());
        assertThat(redis.server().command("EXISTS", RedisSessionBytes.userEndedKey(user.tag()))).isEqualTo(":0");
    }

    @Test
    @DisplayName("The first create after Redis lost its script cache still works (EVALSHA falls back to EVAL)")
    void scriptCacheFlushed() {
        create(session(newUser()));
        assertThat(redis.server().command("SCRIPT", "FLUSH")).isEqualTo("+OK");

        SessionTicket ticket = create(session(newUser()));

        assertThat(found(ticket)).isNotNull();
    }

    @Test
    @DisplayName("A create is one EVALSHA (two pipelined with a sid), a load within the minute one GET")
    void roundTrips() {
        create(session(newUser())); // the scripts are cached from here on
        redis.server().command("CONFIG", "RESETSTAT");

        create(session(newUser(), Optional.empty()));
        String afterCreateWithoutSid = redis.server().command("INFO", "commandstats");
        redis.server().command("CONFIG", "RESETSTAT");
        SessionTicket ticket = create(session(newUser()));
        String afterCreate = redis.server().command("INFO", "commandstats");
        redis.server().command("CONFIG", "RESETSTAT");
        found(ticket);
        String afterLoad = redis.server().command("INFO", "commandstats");

        assertThat(calls(afterCreateWithoutSid, "evalsha")).isEqualTo(1);
        assertThat(calls(afterCreate, "evalsha")).isEqualTo(2);
        assertThat(calls(afterCreate, "eval") + calls(afterCreateWithoutSid, "eval")).isZero();
        // One MGET, inside the create script (commandstats counts commands in scripts): the user's two logout marks
        // (back-channel and everywhere), no round trip of their own
        assertThat(calls(afterCreate, "mget")).isEqualTo(1);
        assertThat(calls(afterCreateWithoutSid, "mget")).isEqualTo(1);
        assertThat(calls(afterCreate, "get") + calls(afterCreateWithoutSid, "get")).isZero();
        assertThat(calls(afterLoad, "get")).isEqualTo(1);
        assertThat(calls(afterLoad, "evalsha") + calls(afterLoad, "set")).isZero();
    }

    @Test
    @DisplayName("Back-channel logout of n sessions: one EVALSHA (mark the IdP session ended, SMEMBERS), n EVALSHA (pipelined), one SREM")
    void idpSessionDeleteRoundTrips() {
        String sid = "sid-" + java.util.UUID.randomUUID();
        for (int i = 0; i < 3; i++) {
            create(session(newUser(), Optional.of(sid)));
        }
        join(store.deleteAllForIdpSession(ISSUER, "sid-unused-" + java.util.UUID.randomUUID(), Optional.empty())); // scripts loaded
        redis.server().command("CONFIG", "RESETSTAT");

        assertThat(join(store.deleteAllForIdpSession(ISSUER, sid, Optional.empty()))).isEqualTo(3);
        String stats = redis.server().command("INFO", "commandstats");

        assertThat(calls(stats, "smembers")).isEqualTo(1); // in the marking script
        assertThat(calls(stats, "evalsha")).isEqualTo(1 + 3);
        assertThat(calls(stats, "srem")).isEqualTo(3 + 1); // commandstats counts commands in scripts: 3 there, 1 sent
    }

    @Test
    @DisplayName("A user's index above 64 members drops those whose session expired by TTL, at the next create")
    void indexIsPruned() {
        SessionUser user = newUser();
        List<SessionTicket> tickets = new java.util.ArrayList<>();
        for (int i = 0; i < 65; i++) {
            tickets.add(create(session(user)));
        }
        tickets.subList(0, 60).forEach(t -> redis.server().command("DEL", RedisSessionBytes.sessionKey(t.address()))); // as a TTL would

        SessionTicket fresh = create(session(user));

        assertThat(redis.server().command("SCARD", RedisSessionBytes.userKey(user.tag()))).isEqualTo(":6");
        assertThat(load(fresh)).isInstanceOf(io.authtier.runtime.session.SessionLookup.Found.class);
        assertThat(store.deleteAllForUser(user).toCompletableFuture().join()).isEqualTo(6);
    }

    @Test
    @DisplayName("With Redis down, load fails with a SessionStoreException that names no session data")
    void redisDown(@TempDir Path own) {
        RedisServers.Server doomed = RedisServers.standalone(own);
        try (RedisConnection doomedConnection = RedisConnections.open(
                RedisServers.config(RedisTopology.Standalone, List.of(doomed)), Duration.ofSeconds(1));
                SessionStore downStore = new EncryptedSessionStore(new RedisSessionBytes(doomedConnection, false),
                        IDLE, ABSOLUTE, clock, new SecureRandom())) {
            SessionTicket ticket = downStore.create(session(newUser())).toCompletableFuture().join();
            doomed.stop();

            assertThatThrownBy(() -> downStore.load(ticket).toCompletableFuture().join())
                    .hasCauseInstanceOf(SessionStoreException.class)
                    .cause().hasMessageStartingWith("session store failed: ").hasMessageNotContaining("authtier:");
        } finally {
            doomed.stop();
        }
    }

    private static long calls(String commandStats, String command) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("cmdstat_" + command + ":calls=(\\d+)").matcher(commandStats);
        return m.find() ? Long.parseLong(m.group(1)) : 0;
    }
}
