package io.authtier.runtime.session.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.authtier.runtime.redis.RedisFixture;
import io.authtier.runtime.session.IdpSession;
import io.authtier.runtime.session.SessionBytes;
import io.authtier.runtime.session.SessionStoreContract;
import io.authtier.runtime.session.SessionTicket;
import io.authtier.runtime.session.SessionUser;
import io.authtier.runtime.testsupport.MutableClock;
import io.lettuce.core.api.async.RedisSetAsyncCommands;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The {@link SessionStoreContract} on Redis, standalone or Cluster: what only Redis shows (keys, their TTLs
 * by {@code PTTL}, since Redis keeps its own time).
 */
abstract class RedisSessionStoreContract extends SessionStoreContract {

    /** The test class's Redis (its servers live for the class). */
    protected abstract RedisFixture redis();

    @Override
    protected SessionBytes newBytes(MutableClock clock) {
        return new RedisSessionBytes(redis().connection(), false);
    }

    @Override
    protected void assertLockEndsAfter(SessionTicket ticket, Duration ttl) {
        redis().assertExpiresIn(RedisSessionBytes.lockKey(ticket.address()), ttl);
    }

    @Override
    protected void expireLock(SessionTicket ticket) {
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(1))
                .until(() -> redis().pttl(RedisSessionBytes.lockKey(ticket.address())) == -2);
    }

    @Test
    @DisplayName("The IdP-session index names each session as userTag:idHash, lives the absolute timeout, and goes with its sessions")
    void idpSessionIndexKey() {
        String sid = newSid();
        String key = RedisSessionBytes.idpSessionKey(IdpSession.idpSessionTag(ISSUER, sid));
        SessionUser user = newUser();
        SessionTicket ticket = createUnder(user, sid);

        assertThat(key).isEqualTo("authtier:sid:{" + new IdpSession(ISSUER, sid).tag() + "}").doesNotContain(sid);
        assertThat(join(sets().smembers(key))).extracting(member -> new String(member, StandardCharsets.US_ASCII))
                .containsExactly(user.tag() + ":" + ticket.address().idHash());
        assertThat(pttl(key)).isLessThanOrEqualTo(ABSOLUTE.toMillis()).isGreaterThan(ABSOLUTE.toMillis() - 60_000);

        join(store.deleteAllForIdpSession(ISSUER, sid, Optional.empty()));

        assertThat(pttl(key)).isEqualTo(-2);
        assertThat(pttl(RedisSessionBytes.sessionKey(ticket.address()))).isEqualTo(-2);
    }

    @Test
    @DisplayName("The IdP-session index stays small: logins that replace each other under one IdP session leave no trail, and the live session stays indexed")
    void idpSessionIndexIsPruned() {
        // Given 40 logins under one IdP session, each ending the one before it (login again, sign-out)
        String sid = newSid();
        String key = RedisSessionBytes.idpSessionKey(IdpSession.idpSessionTag(ISSUER, sid));
        SessionUser user = newUser();
        SessionTicket live = createUnder(user, sid);
        for (int i = 0; i < 40; i++) {
            SessionTicket next = createUnder(user, sid);
            join(store.delete(live));
            live = next;
        }

        // Then the index holds at most the prune threshold and one more, the live session among them
        String liveMember = user.tag() + ":" + live.address().idHash();
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                assertThat(join(sets().scard(key))).isLessThanOrEqualTo(RedisSessionBytes.PRUNE_IDP_SESSION_ABOVE + 1L));
        assertThat(join(sets().smembers(key))).extracting(member -> new String(member, StandardCharsets.US_ASCII)).contains(liveMember);
        // And a back-channel logout by that IdP session still ends the live one
        assertThat(join(store.deleteAllForIdpSession(ISSUER, sid, Optional.empty()))).isEqualTo(1L);
        ended(load(live));
    }

    @SuppressWarnings("unchecked")
    private RedisSetAsyncCommands<String, byte[]> sets() {
        return (RedisSetAsyncCommands<String, byte[]>) redis().connection().strings();
    }

    protected long pttl(String key) {
        return redis().pttl(key);
    }
}
