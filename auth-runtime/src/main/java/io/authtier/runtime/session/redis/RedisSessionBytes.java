package io.authtier.runtime.session.redis;

import io.authtier.runtime.redis.RedisConnection;
import io.authtier.runtime.resilience.Failures;
import io.authtier.runtime.session.IdpSessionEndedException;
import io.authtier.runtime.session.LockedWrite;
import io.authtier.runtime.session.LoginTimes;
import io.authtier.runtime.session.SessionAddress;
import io.authtier.runtime.session.SessionBytes;
import io.authtier.runtime.session.UserLogout;
import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanCursor;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.SetArgs;
import io.lettuce.core.api.async.RedisScriptingAsyncCommands;
import io.lettuce.core.api.async.RedisSetAsyncCommands;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * Sessions in Redis, standalone or Cluster (lettuce, through {@link RedisConnection}).
 *
 * <p>Keys (docs/sessions.md): {@code authtier:session:{<userTag>}:<idHash>} holds one session's ciphertext;
 * {@code authtier:user:{<userTag>}} is the set of the user's {@code idHash}es. The shared hash tag puts a
 * user's sessions and index in one Cluster slot, so the Lua scripts below touch one slot only. Every key
 * has a TTL: a session min(idle, absolute remaining), the index at least the absolute timeout of the
 * user's newest session (which outlives every session in it). {@code authtier:sid:{<idpSessionTag>}} is the
 * set of {@code <userTag>:<idHash>} of the sessions created under one IdP session (back-channel logout by
 * {@code sid}); its members live in other slots, so it is read and the sessions deleted one by one.
 * {@code authtier:user-ended:{<userTag>}} holds the {@code iat} of a back-channel logout by {@code sub}, and
 * {@code authtier:user-ended-admin:{<userTag>}} the time (ours, in ms) of log-out-everywhere, both in the user's slot,
 * which the script that indexes a new session reads.
 *
 * <p>Round trips: create one ({@code SET} and, pipelined, an {@code EVALSHA} that indexes the session; a second
 * {@code EVALSHA} for the IdP-session index when the session has a {@code sid}; one more the first time a node
 * sees a script), read one
 * ({@code GET}), replace one (for a touch, a script that sets only if the value is still the one read; for a
 * refresh's new tokens, a script that sets only if the refresh lock is still the writer's; neither resurrects a
 * deleted session), delete one, delete a user one, delete an IdP session three; a refresh
 * lock {@code authtier:lock:{<userTag>}:<idHash>} is one {@code SET … NX PX} to take, one script
 * (compare-and-delete) to release and one (compare-and-PEXPIRE) to extend.
 *
 * <p>The deletes of a logout (one session, a user's, an IdP session's) are confirmed by
 * {@link RedisConnection#confirmation()} before they count as done: in a Cluster one {@code WAIT} per master
 * with a replica (one more round trip), so that a failover to a lagging replica cannot bring the sessions
 * back; standalone nothing.
 */
public final class RedisSessionBytes implements SessionBytes {

    /** Prefix of every session key. */
    public static final String SESSION_PREFIX = "authtier:session:";
    /** Prefix of every per-user index key. */
    public static final String USER_PREFIX = "authtier:user:";
    /** Prefix of every index by IdP session ({@code sid}). */
    public static final String IDP_SESSION_PREFIX = "authtier:sid:";
    /** Prefix of every mark of an IdP session ended by a back-channel logout (same hash tag as its index). */
    public static final String IDP_SESSION_ENDED_PREFIX = "authtier:sid-ended:";
    /** Prefix of every mark of a user logged out by a back-channel logout by sub (same hash tag as the user's index). */
    public static final String USER_ENDED_PREFIX = "authtier:user-ended:";
    /**
     * Prefix of every mark of a user logged out everywhere (admin), by the runtime's clock in ms: a key of its own,
     * not a field of the back-channel mark, which versions before it read as a plain string.
     */
    public static final String USER_ENDED_ADMIN_PREFIX = "authtier:user-ended-admin:";
    /** Prefix of every refresh-lock key. */
    public static final String LOCK_PREFIX = "authtier:lock:";
    /** Index size above which a create drops members whose session has expired. */
    static final int PRUNE_ABOVE = 64;
    /**
     * IdP-session index size above which a create drops members whose session is gone. One IdP session has a
     * few live sessions (one per app host); every login under it adds one, and sessions mostly end by expiring.
     */
    static final int PRUNE_IDP_SESSION_ABOVE = 16;

    /**
     * Indexes a session that the {@code SET} pipelined just before this script stored (KEYS[1]) under its user
     * (KEYS[2]); returns 1, or 0 if the session is not there (its {@code SET} failed or has not run yet), or -1,
     * deleting the session, if a back-channel logout by sub (KEYS[3], its iat in seconds) is not older than the
     * user's authentication at the IdP (ARGV[5], seconds: the ID token's auth_time, else its iat), or if log out
     * everywhere (KEYS[4], ms by the runtime's clock) plus the margin ARGV[7] is not older than the login's start
     * (ARGV[6], ms by the runtime's clock). Each mark is compared with a time of its own clock only. The value is
     * not an argument: Redis 7.0 spends about 7 µs per KB on a value written from Lua, 20 of a create's 30 µs
     * (docs/benchmarks.md); a plain {@code SET} spends 2 to 4.
     */
    private static final Script INDEX_USER_SESSION = new Script("""
            if redis.call('EXISTS', KEYS[1]) == 0 then
              return 0
            end
            local ended = redis.call('MGET', KEYS[3], KEYS[4])
            if (ended[1] and tonumber(ended[1]) >= tonumber(ARGV[5]))
                or (ended[2] and tonumber(ended[2]) + tonumber(ARGV[7]) >= tonumber(ARGV[6])) then
              redis.call('DEL', KEYS[1])
              return -1
            end
            redis.call('SADD', KEYS[2], ARGV[1])
            if redis.call('PTTL', KEYS[2]) < tonumber(ARGV[2]) then
              redis.call('PEXPIRE', KEYS[2], ARGV[2])
            end
            if redis.call('SCARD', KEYS[2]) > tonumber(ARGV[4]) then
              for _, member in ipairs(redis.call('SMEMBERS', KEYS[2])) do
                if redis.call('EXISTS', ARGV[3] .. member) == 0 then
                  redis.call('SREM', KEYS[2], member)
                end
              end
            end
            return 1
            """);

    /** SET … PX … only if the value is still the one read (compared by SHA-1, so the old value is not sent back). */
    private static final Script REPLACE_IF_CURRENT = new Script("""
            local current = redis.call('GET', KEYS[1])
            if current and redis.sha1hex(current) == ARGV[2] then
              redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[3])
              return 1
            end
            return 0
            """);

    /**
     * SET … PX … of an existing session (KEYS[1]) only if its refresh lock (KEYS[2], same hash tag) still holds the
     * owner's name ARGV[2]: 1 written, 0 the session is gone, -1 the lock has ended or is another's. One step, so a
     * write that reaches Redis after the lock ended (another replica may hold it) changes nothing.
     */
    private static final Script REPLACE_UNDER_LOCK = new Script("""
            if redis.call('EXISTS', KEYS[1]) == 0 then
              return 0
            end
            if redis.call('GET', KEYS[2]) ~= ARGV[2] then
              return -1
            end
            redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[3])
            return 1
            """);

    /**
     * Records a session ({@code <userTag>:<idHash>}) under an IdP session; the index lives at least ARGV[2] ms.
     * Returns the index's size, so that the caller knows when to prune it; or -1, recording nothing, if a
     * back-channel logout ended the IdP session for all (member '*' of KEYS[2]) or for the user ARGV[3].
     */
    private static final Script INDEX_IDP_SESSION = new Script("""
            if redis.call('SISMEMBER', KEYS[2], '*') == 1 or redis.call('SISMEMBER', KEYS[2], ARGV[3]) == 1 then
              return -1
            end
            redis.call('SADD', KEYS[1], ARGV[1])
            if redis.call('PTTL', KEYS[1]) < tonumber(ARGV[2]) then
              redis.call('PEXPIRE', KEYS[1], ARGV[2])
            end
            return redis.call('SCARD', KEYS[1])
            """);

    /**
     * Remembers an IdP session as ended for the user ARGV[1] (or '*', all) for at least ARGV[2] ms, then
     * returns its index's members: in one step, so that a session indexed after this reply sees the mark.
     */
    private static final Script END_IDP_SESSION = new Script("""
            redis.call('SADD', KEYS[2], ARGV[1])
            if redis.call('PTTL', KEYS[2]) < tonumber(ARGV[2]) then
              redis.call('PEXPIRE', KEYS[2], ARGV[2])
            end
            return redis.call('SMEMBERS', KEYS[1])
            """);

    private static final Script DELETE = new Script("""
            local deleted = redis.call('DEL', KEYS[1])
            redis.call('SREM', KEYS[2], ARGV[1])
            return deleted
            """);

    /**
     * Deletes a user's sessions and index, then marks the user as logged out at ARGV[2] (KEYS[2]: the back-channel
     * mark, a logout's iat in seconds, or the log-out-everywhere mark, ms by the runtime's clock; the latest such
     * time, kept ARGV[3] ms). The mark last and by pcall: a full Redis that refuses it must not undo the deletes.
     */
    private static final Script DELETE_USER = new Script("""
            local deleted = 0
            for _, member in ipairs(redis.call('SMEMBERS', KEYS[1])) do
              deleted = deleted + redis.call('DEL', ARGV[1] .. member)
            end
            redis.call('DEL', KEYS[1])
            local marked = redis.call('GET', KEYS[2])
            if not marked or tonumber(marked) < tonumber(ARGV[2]) then
              redis.pcall('SET', KEYS[2], ARGV[2], 'PX', ARGV[3])
            end
            return deleted
            """);

    /** DEL only if the lock still holds the owner's name: never releases a lock that expired and was taken again. */
    private static final Script UNLOCK = new Script("""
            if redis.call('GET', KEYS[1]) == ARGV[1] then
              return redis.call('DEL', KEYS[1])
            end
            return 0
            """);

    /** PEXPIRE only if the lock still holds the owner's name: never extends a lock that expired and was taken again. */
    private static final Script EXTEND_LOCK = new Script("""
            if redis.call('GET', KEYS[1]) == ARGV[1] then
              return redis.call('PEXPIRE', KEYS[1], ARGV[2])
            end
            return 0
            """);

    private final RedisConnection redis;
    private final RedisScriptingAsyncCommands<String, byte[]> scripts;
    private final RedisSetAsyncCommands<String, byte[]> sets;
    private final boolean ownsConnection;

    /**
     * @param redis          an open connection, standalone or Cluster
     * @param ownsConnection whether {@link #close()} closes {@code redis}
     */
    @SuppressWarnings("unchecked")
    public RedisSessionBytes(RedisConnection redis, boolean ownsConnection) {
        this.redis = Objects.requireNonNull(redis, "redis");
        this.ownsConnection = ownsConnection;
        // RedisConnection exposes the string and key commands only; lettuce's standalone and Cluster async
        // command objects behind them implement the scripting and set commands too.
        if (!(redis.strings() instanceof RedisScriptingAsyncCommands<?, ?> scripting)
                || !(redis.strings() instanceof RedisSetAsyncCommands<?, ?> setCommands)) {
            throw new IllegalArgumentException("the Redis connection does not offer scripting and set commands");
        }
        this.scripts = (RedisScriptingAsyncCommands<String, byte[]>) scripting;
        this.sets = (RedisSetAsyncCommands<String, byte[]>) setCommands;
    }

    /** The key of one session's value. */
    public static String sessionKey(SessionAddress address) {
        return sessionPrefix(address.userTag()) + address.idHash();
    }

    /** The key of a user's index. */
    public static String userKey(String userTag) {
        return USER_PREFIX + "{" + userTag + "}";
    }

    /** The key of the mark of a user logged out by a back-channel logout by sub (in the user's slot). */
    public static String userEndedKey(String userTag) {
        return USER_ENDED_PREFIX + "{" + userTag + "}";
    }

    /** The key of the mark of a user logged out everywhere by an operator (in the user's slot). */
    public static String userEndedAdminKey(String userTag) {
        return USER_ENDED_ADMIN_PREFIX + "{" + userTag + "}";
    }

    /** The key of the index of the sessions created under an IdP session ({@link io.authtier.runtime.session.IdpSession#tag()}). */
    public static String idpSessionKey(String idpSessionTag) {
        return IDP_SESSION_PREFIX + "{" + idpSessionTag + "}";
    }

    /** The key of the mark of an IdP session ended by a back-channel logout (in its index's slot). */
    public static String idpSessionEndedKey(String idpSessionTag) {
        return IDP_SESSION_ENDED_PREFIX + "{" + idpSessionTag + "}";
    }

    /** The key of a session's refresh lock (in the user's slot, like the session). */
    public static String lockKey(SessionAddress address) {
        return LOCK_PREFIX + "{" + address.userTag() + "}:" + address.idHash();
    }

    /** A session as the IdP-session index names it: {@code <userTag>:<idHash>} (base64url has no colon). */
    private static String member(SessionAddress address) {
        return address.userTag() + ":" + address.idHash();
    }

    private static SessionAddress address(String member) {
        int colon = member.indexOf(':');
        return new SessionAddress(member.substring(0, colon), member.substring(colon + 1));
    }

    private static String sessionPrefix(String userTag) {
        return SESSION_PREFIX + "{" + userTag + "}:";
    }

    @Override
    public CompletionStage<Void> create(SessionAddress address, byte[] value, Duration ttl, Duration userTtl,
            Optional<String> idpSessionTag, LoginTimes times) {
        // The session's SET, then at once (pipelined: one round trip) the script that reads the user's logout marks
        // and indexes it, or deletes it if a logout overtook this login. Not one atomic step, and need not be: a
        // logout between the two deletes what is indexed and leaves its mark, which the script then sees; the
        // ticket is handed out only once the script has indexed the session, so an index never misses a session
        // that anyone holds (what log-out-everywhere relies on). A session stored but not indexed (the script
        // failed, or ran first because a Cluster redirect reordered the two) is deleted, best effort.
        String userTag = address.userTag();
        String key = sessionKey(address);
        CompletionStage<String> stored = redis.strings().set(key, value, SetArgs.Builder.px(Long.parseLong(millis(ttl))));
        CompletionStage<Long> indexed = this.<Long>run(INDEX_USER_SESSION, ScriptOutputType.INTEGER,
                new String[] {key, userKey(userTag), userEndedKey(userTag), userEndedAdminKey(userTag)},
                ascii(address.idHash()), ascii(millis(userTtl)), ascii(sessionPrefix(userTag)),
                ascii(String.valueOf(PRUNE_ABOVE)), ascii(String.valueOf(times.authenticatedAt().getEpochSecond())),
                ascii(String.valueOf(times.startedAt().toEpochMilli())), ascii(String.valueOf(UserLogout.Everywhere.MARGIN.toMillis())));
        CompletionStage<Long> session = stored.thenCombine(indexed, (ok, reply) -> {
                    if (reply < 0) {
                        throw new IdpSessionEndedException(); // a logout of the user overtook this login
                    }
                    if (reply == 0) {
                        throw new IllegalStateException("the session was not stored before it was indexed; the login may be retried");
                    }
                    return reply;
                })
                .whenComplete((reply, error) -> {
                    if (error != null && !(Failures.unwrap(error) instanceof IdpSessionEndedException)) {
                        redis.keys().del(key); // best effort: unindexed, its ticket never handed out; else its TTL ends it
                    }
                });
        if (idpSessionTag.isEmpty()) {
            return session.thenApply(reply -> null);
        }
        // The session first, then the index (another slot, so not in the same script): the index never names a
        // session that is not written yet, so pruning may take every member without a session as ended. Two round
        // trips. If the index write fails the stage fails, and the session, whose ticket nobody got, ends by its TTL.
        // A back-channel logout that ended the IdP session before the index write (the login's code exchange
        // was under way) finds the session in no index: the script sees its mark instead, and the session goes.
        String indexKey = idpSessionKey(idpSessionTag.get());
        return session.thenCompose(created -> this.<Long>run(INDEX_IDP_SESSION, ScriptOutputType.INTEGER,
                        new String[] {indexKey, idpSessionEndedKey(idpSessionTag.get())}, ascii(member(address)), ascii(millis(userTtl)),
                        ascii(address.userTag())))
                .thenCompose(size -> {
                    if (size < 0) {
                        return deleteUnconfirmed(address).<Void>handle((deleted, error) -> {
                            throw new IdpSessionEndedException();
                        });
                    }
                    if (size > PRUNE_IDP_SESSION_ABOVE) {
                        pruneIdpSession(indexKey);
                    }
                    return CompletableFuture.<Void>completedFuture(null);
                });
    }

    /**
     * Drops from an IdP-session index the members whose session is gone (signed out, replaced, expired):
     * SMEMBERS, an EXISTS per member (each in its user's slot, pipelined), SREM of the gone ones. Best effort,
     * not awaited by the login: a failure leaves the index as it was, for the next login to prune.
     */
    private void pruneIdpSession(String indexKey) {
        sets.smembers(indexKey).thenCompose(members -> {
            List<byte[]> indexed = List.copyOf(members);
            List<CompletableFuture<Long>> exists = indexed.stream()
                    .map(member -> redis.keys().exists(sessionKey(address(new String(member, StandardCharsets.US_ASCII))))
                            .toCompletableFuture())
                    .toList();
            return CompletableFuture.allOf(exists.toArray(CompletableFuture[]::new)).thenCompose(all -> {
                byte[][] gone = IntStream.range(0, indexed.size()).filter(i -> exists.get(i).join() == 0)
                        .mapToObj(indexed::get).toArray(byte[][]::new);
                return gone.length == 0 ? CompletableFuture.completedFuture(0L) : sets.srem(indexKey, gone);
            });
        }).exceptionally(error -> 0L);
    }

    @Override
    public CompletionStage<Optional<byte[]>> read(SessionAddress address) {
        return redis.strings().get(sessionKey(address)).thenApply(Optional::ofNullable);
    }

    @Override
    public CompletionStage<Boolean> replace(SessionAddress address, byte[] ifCurrent, byte[] value, Duration ttl) {
        return this.<Long>run(REPLACE_IF_CURRENT, ScriptOutputType.INTEGER, new String[] {sessionKey(address)},
                value, ascii(sha1Hex(ifCurrent)), ascii(millis(ttl)))
                .thenApply(replaced -> replaced == 1);
    }

    @Override
    public CompletionStage<LockedWrite> replaceUnderLock(SessionAddress address, String owner, byte[] value, Duration ttl) {
        return this.<Long>run(REPLACE_UNDER_LOCK, ScriptOutputType.INTEGER, new String[] {sessionKey(address), lockKey(address)},
                value, utf8(owner), ascii(millis(ttl)))
                .thenApply(reply -> switch (reply.intValue()) {
                    case 1 -> LockedWrite.STORED;
                    case 0 -> LockedWrite.GONE;
                    default -> LockedWrite.LOCK_LOST;
                });
    }

    /**
     * The delete script, then the confirmation that a replica holds it ({@link RedisConnection#confirmation()}:
     * WAIT in a Cluster), even if nothing was deleted: the session may have been deleted by an earlier
     * attempt whose confirmation failed.
     */
    @Override
    public CompletionStage<Boolean> delete(SessionAddress address) {
        String key = sessionKey(address);
        return this.<Long>run(DELETE, ScriptOutputType.INTEGER, new String[] {key, userKey(address.userTag())}, ascii(address.idHash()))
                .thenCompose(deleted -> redis.confirmation().confirm(List.of(key)).thenApply(confirmed -> deleted > 0));
    }

    /** {@link #delete} without the confirmation, for the sessions of an IdP session, which are confirmed together. */
    private CompletionStage<Boolean> deleteUnconfirmed(SessionAddress address) {
        return this.<Long>run(DELETE, ScriptOutputType.INTEGER,
                new String[] {sessionKey(address), userKey(address.userTag())}, ascii(address.idHash()))
                .thenApply(deleted -> deleted > 0);
    }

    @Override
    public CompletionStage<Count> count(int budget) {
        return scan(ScanCursor.INITIAL, budget, 0);
    }

    /** SCAN for session keys, 1000 keys a call; lettuce walks every master of a Cluster behind one cursor. */
    private CompletionStage<Count> scan(ScanCursor cursor, int callsLeft, long counted) {
        return redis.keys().scan(cursor, ScanArgs.Builder.matches(SESSION_PREFIX + "*").limit(1000)).thenCompose(page -> {
            long total = counted + page.getKeys().size();
            if (page.isFinished()) {
                return CompletableFuture.completedFuture(new Count(total, true));
            }
            if (callsLeft <= 1) {
                return CompletableFuture.completedFuture(new Count(total, false));
            }
            return scan(page, callsLeft - 1, total);
        });
    }

    @Override
    public CompletionStage<Long> deleteUser(String userTag, UserLogout logout) {
        String key = userKey(userTag);
        String[] keys = switch (logout) {
            case UserLogout.ByIdp byIdp -> new String[] {key, userEndedKey(userTag)};
            case UserLogout.Everywhere everywhere -> new String[] {key, userEndedAdminKey(userTag)};
        };
        String at = switch (logout) {
            case UserLogout.ByIdp(Instant issuedAt) -> String.valueOf(issuedAt.getEpochSecond());
            case UserLogout.Everywhere(Instant when) -> String.valueOf(when.toEpochMilli());
        };
        // The confirmation covers the mark too: it shares the index's slot, and so its master.
        return this.<Long>run(DELETE_USER, ScriptOutputType.INTEGER, keys, ascii(sessionPrefix(userTag)), ascii(at),
                        ascii(millis(IdpSessionEndedException.REMEMBERED)))
                .thenCompose(deleted -> redis.confirmation().confirm(List.of(key)).thenApply(confirmed -> deleted));
    }

    /**
     * SMEMBERS of the index, then the {@link #delete} script for each member of the user, if one is given
     * (pipelined; each in its user's slot), then SREM of exactly those members: a session indexed meanwhile
     * stays indexed, another user's stays too, and the index key vanishes once empty. Three round trips (one
     * if there is nothing to delete). Then the confirmation of the deletes and of the ended mark, which is
     * confirmed even when it is the only write: a failover that lost it would let an overtaken login live.
     */
    @Override
    public CompletionStage<Long> deleteIdpSession(String idpSessionTag, Optional<String> userTag) {
        String key = idpSessionKey(idpSessionTag);
        CompletionStage<List<byte[]>> marked = this.<List<byte[]>>run(END_IDP_SESSION, ScriptOutputType.MULTI,
                new String[] {key, idpSessionEndedKey(idpSessionTag)}, ascii(userTag.orElse("*")),
                ascii(millis(IdpSessionEndedException.REMEMBERED)));
        // Best effort: Redis full (noeviction) refuses the mark's SADD, and must not keep the sessions from ending.
        CompletionStage<Collection<byte[]>> listed = marked.<CompletionStage<Collection<byte[]>>>handle((list, error) -> error == null
                        ? CompletableFuture.completedFuture(list)
                        : sets.smembers(key).thenApply(set -> set))
                .thenCompose(stage -> stage);
        return listed.thenCompose(indexed -> {
            Collection<byte[]> members = userTag.isEmpty() ? indexed : indexed.stream()
                    .filter(member -> address(new String(member, StandardCharsets.US_ASCII)).userTag().equals(userTag.get()))
                    .collect(Collectors.toSet());
            if (members.isEmpty()) {
                // The mark is this logout's only write, and as much a logout as a delete: a failover that lost it
                // would let the login still under way live on. Confirmed like the deletes (the index shares its slot).
                return redis.confirmation().confirm(List.of(key)).thenApply(confirmed -> 0L);
            }
            List<SessionAddress> addresses = members.stream().map(member -> address(new String(member, StandardCharsets.US_ASCII))).toList();
            List<CompletableFuture<Boolean>> deletes = addresses.stream()
                    .map(address -> deleteUnconfirmed(address).toCompletableFuture())
                    .toList();
            List<String> written = new ArrayList<>(addresses.stream().map(RedisSessionBytes::sessionKey).toList());
            written.add(key);
            return CompletableFuture.allOf(deletes.toArray(CompletableFuture[]::new))
                    .thenCompose(all -> sets.srem(key, members.toArray(byte[][]::new)))
                    .thenCompose(removed -> redis.confirmation().confirm(written))
                    .thenApply(confirmed -> deletes.stream().filter(CompletableFuture::join).count());
        });
    }

    @Override
    public CompletionStage<Boolean> tryLock(SessionAddress address, String owner, Duration ttl) {
        return redis.strings().set(lockKey(address), utf8(owner), SetArgs.Builder.nx().px(Long.parseLong(millis(ttl))))
                .thenApply("OK"::equals);
    }

    @Override
    public CompletionStage<Boolean> unlock(SessionAddress address, String owner) {
        return this.<Long>run(UNLOCK, ScriptOutputType.INTEGER, new String[] {lockKey(address)}, utf8(owner))
                .thenApply(released -> released == 1);
    }

    @Override
    public CompletionStage<Boolean> extendLock(SessionAddress address, String owner, Duration ttl) {
        return this.<Long>run(EXTEND_LOCK, ScriptOutputType.INTEGER, new String[] {lockKey(address)}, utf8(owner), ascii(millis(ttl)))
                .thenApply(extended -> extended == 1);
    }

    @Override
    public void close() {
        if (ownsConnection) {
            redis.close();
        }
    }

    /** EVALSHA, and EVAL (which caches the script) if this node has not seen the script yet. */
    private <T> CompletionStage<T> run(Script script, ScriptOutputType type, String[] keys, byte[]... args) {
        CompletionStage<T> first = scripts.evalsha(script.sha1(), type, keys, args);
        return first.handle((reply, error) -> {
            if (error == null) {
                return CompletableFuture.completedFuture(reply);
            }
            Throwable cause = Failures.unwrap(error);
            if (cause instanceof RedisNoScriptException) {
                return scripts.<T>eval(script.text(), type, keys, args);
            }
            return CompletableFuture.<T>failedFuture(cause);
        }).thenCompose(stage -> stage);
    }

    private static String millis(Duration ttl) {
        return String.valueOf(Math.max(1, ttl.toMillis()));
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }

    /** SHA-1 in lower-case hex, as Redis names scripts and as {@code redis.sha1hex} answers. */
    private static String sha1Hex(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-1 is missing from this JVM", e);
        }
    }

    /** A Lua script and its SHA-1 (the EVALSHA name). */
    private record Script(String text, String sha1) {

        Script(String text) {
            this(text, sha1Of(text));
        }

        private static String sha1Of(String text) {
            return sha1Hex(text.getBytes(StandardCharsets.UTF_8));
        }
    }
}
