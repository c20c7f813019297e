package io.authtier.runtime.session.memory;

import io.authtier.runtime.session.IdpSessionEndedException;
import io.authtier.runtime.session.LockedWrite;
import io.authtier.runtime.session.LoginTimes;
import io.authtier.runtime.session.SessionAddress;
import io.authtier.runtime.session.SessionBytes;
import io.authtier.runtime.session.UserLogout;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

/**
 * Sessions in this process's memory: development and a single replica only (they vanish on restart and
 * are not shared). The values are the same ciphertext the Redis store would hold. Grouped by user tag, so
 * "log out everywhere" removes one map entry; indexed by IdP session tag too (back-channel logout). Expiry follows the injected {@link Clock}: an expired value
 * is never returned, and expired values (and refresh locks never released) are swept every
 * {@value #SWEEP_EVERY} creations, at most once per {@link #SWEEP_INTERVAL}: a sweep visits every user, so
 * counted in creations alone its cost would grow with the sessions held (at 100 000, 20 to 45 ms of one login
 * in every 1 024; docs/benchmarks.md).
 */
public final class MemorySessionBytes implements SessionBytes {

    static final int SWEEP_EVERY = 1024;
    /** Least time between two sweeps. */
    static final Duration SWEEP_INTERVAL = Duration.ofSeconds(30);

    private record Entry(byte[] value, Instant expiresAt) {
    }

    private record Lock(String owner, Instant expiresAt) {
    }

    private final ConcurrentHashMap<String, ConcurrentHashMap<String, Entry>> users = new ConcurrentHashMap<>();
    private final Clock clock;
    /** By IdP session tag: the sessions created under it, each until its user grouping's TTL. */
    private final ConcurrentHashMap<String, ConcurrentHashMap<SessionAddress, Instant>> idpSessions = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<SessionAddress, Lock> locks = new ConcurrentHashMap<>();
    /**
     * By IdP session tag: the user tags (or {@link #ALL_USERS}) whose sessions under it a back-channel logout
     * ended, each until when it is remembered. Written and read only inside {@code idpSessions.compute} for
     * the same tag, so that a create and a logout under one IdP session are ordered.
     */
    private final ConcurrentHashMap<String, Map<String, Instant>> endedIdpSessions = new ConcurrentHashMap<>();
    private static final String ALL_USERS = "*";
    /**
     * By user tag: when a back-channel logout by sub logged the user out (its iat), until when that is
     * remembered. Written and read only inside {@code users.compute} for the same tag, so that a create and
     * such a logout of one user are ordered (the sweep drops expired ones, which no create heeds, outside it).
     */
    private final ConcurrentHashMap<String, LoggedOut> loggedOutUsers = new ConcurrentHashMap<>();
    /** By user tag: when log-out-everywhere logged the user out (our clock), until when; guarded as {@link #loggedOutUsers}. */
    private final ConcurrentHashMap<String, LoggedOutEverywhere> loggedOutEverywhere = new ConcurrentHashMap<>();

    /** A back-channel logout by sub: issued at {@code at} (whole seconds count), remembered until {@code until}. */
    private record LoggedOut(long atSecond, Instant until) {

        LoggedOut later(LoggedOut other) {
            return other.atSecond() > atSecond ? other : this;
        }

        /** Whether a login whose user authenticated at {@code authenticatedAt} came before this logout (same second included). */
        boolean overtook(Instant authenticatedAt) {
            return atSecond >= authenticatedAt.getEpochSecond();
        }
    }

    /** Log out everywhere at {@code at} (this runtime's clock), remembered until {@code until}. */
    private record LoggedOutEverywhere(Instant at, Instant until) {

        LoggedOutEverywhere later(LoggedOutEverywhere other) {
            return other.at().isAfter(at) ? other : this;
        }

        /** Whether a login begun at {@code startedAt} was under way then (or began within the margin after it). */
        boolean overtook(Instant startedAt) {
            return !startedAt.isAfter(at.plus(UserLogout.Everywhere.MARGIN));
        }
    }

    private final AtomicLong creations = new AtomicLong();
    private final AtomicReference<Instant> nextSweep = new AtomicReference<>(Instant.MIN);

    public MemorySessionBytes(Clock clock) {
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    @Override
    public CompletionStage<Void> create(SessionAddress address, byte[] value, Duration ttl, Duration userTtl,
            Optional<String> idpSessionTag, LoginTimes times) {
        Instant now = clock.instant();
        Entry entry = new Entry(value.clone(), now.plus(ttl));
        AtomicReference<Boolean> loggedOut = new AtomicReference<>(false);
        // compute, not computeIfAbsent + put: atomic against sweep() and deleteUser() dropping the user's map.
        users.compute(address.userTag(), (tag, sessions) -> {
            if (loggedOutSince(tag, times, now)) {
                loggedOut.set(true); // a logout of the user overtook this login
                return sessions;
            }
            ConcurrentHashMap<String, Entry> map = sessions == null ? new ConcurrentHashMap<>() : sessions;
            map.put(address.idHash(), entry);
            return map;
        });
        if (loggedOut.get()) {
            return CompletableFuture.failedFuture(new IdpSessionEndedException());
        }
        AtomicReference<Boolean> ended = new AtomicReference<>(false);
        idpSessionTag.ifPresent(tag -> idpSessions.compute(tag, (t, sessions) -> {
            if (ended(tag, address.userTag(), now)) {
                ended.set(true);
                return sessions;
            }
            ConcurrentHashMap<SessionAddress, Instant> map = sessions == null ? new ConcurrentHashMap<>() : sessions;
            map.put(address, now.plus(userTtl));
            return map;
        }));
        if (creations.incrementAndGet() % SWEEP_EVERY == 0) {
            Instant due = nextSweep.get();
            if (!now.isBefore(due) && nextSweep.compareAndSet(due, now.plus(SWEEP_INTERVAL))) {
                sweep();
            }
        }
        if (ended.get()) {
            remove(address); // a back-channel logout overtook this login
            return CompletableFuture.failedFuture(new IdpSessionEndedException());
        }
        return CompletableFuture.completedFuture(null);
    }

    /** Whether a logout of user {@code tag} that is still remembered overtook a login of {@code times}; called inside {@code users.compute}. */
    private boolean loggedOutSince(String tag, LoginTimes times, Instant now) {
        LoggedOut byIdp = loggedOutUsers.get(tag);
        LoggedOutEverywhere everywhere = loggedOutEverywhere.get(tag);
        return byIdp != null && byIdp.until().isAfter(now) && byIdp.overtook(times.authenticatedAt())
                || everywhere != null && everywhere.until().isAfter(now) && everywhere.overtook(times.startedAt());
    }

    /** Whether a back-channel logout ended the IdP session {@code tag} for {@code userTag} or for all, and is still remembered. */
    private boolean ended(String tag, String userTag, Instant now) {
        Map<String, Instant> marks = endedIdpSessions.getOrDefault(tag, Map.of());
        return Stream.of(ALL_USERS, userTag).map(marks::get).anyMatch(until -> until != null && until.isAfter(now));
    }

    @Override
    public CompletionStage<Optional<byte[]>> read(SessionAddress address) {
        return CompletableFuture.completedFuture(live(address).map(entry -> entry.value().clone()));
    }

    @Override
    public CompletionStage<Boolean> replace(SessionAddress address, byte[] ifCurrent, byte[] value, Duration ttl) {
        Map<String, Entry> sessions = users.get(address.userTag());
        if (sessions == null) {
            return CompletableFuture.completedFuture(false);
        }
        Instant now = clock.instant();
        Entry fresh = new Entry(value.clone(), now.plus(ttl));
        AtomicReference<Boolean> replaced = new AtomicReference<>(false);
        sessions.computeIfPresent(address.idHash(), (id, old) -> {
            if (!old.expiresAt().isAfter(now)) {
                return null;
            }
            if (!Arrays.equals(ifCurrent, old.value())) {
                return old;
            }
            replaced.set(true);
            return fresh;
        });
        return CompletableFuture.completedFuture(replaced.get());
    }

    /**
     * Inside {@code locks.compute} for the address, so no lock is taken, released or extended between the check and
     * the write; and inside {@code users.computeIfPresent} for the user, so a log-out-everywhere is before or after it.
     */
    @Override
    public CompletionStage<LockedWrite> replaceUnderLock(SessionAddress address, String owner, byte[] value, Duration ttl) {
        Instant now = clock.instant();
        Entry fresh = new Entry(value.clone(), now.plus(ttl));
        AtomicReference<LockedWrite> written = new AtomicReference<>(LockedWrite.GONE);
        locks.compute(address, (a, lock) -> {
            Lock live = lock == null || !lock.expiresAt().isAfter(now) ? null : lock;
            users.computeIfPresent(address.userTag(), (tag, sessions) -> {
                sessions.computeIfPresent(address.idHash(), (id, old) -> {
                    if (!old.expiresAt().isAfter(now)) {
                        return null;
                    }
                    if (live == null || !live.owner().equals(owner)) {
                        written.set(LockedWrite.LOCK_LOST);
                        return old;
                    }
                    written.set(LockedWrite.STORED);
                    return fresh;
                });
                return sessions;
            });
            return live;
        });
        return CompletableFuture.completedFuture(written.get());
    }

    @Override
    public CompletionStage<Boolean> delete(SessionAddress address) {
        return CompletableFuture.completedFuture(remove(address));
    }

    /** Removes the session; true if it was there and live. */
    private boolean remove(SessionAddress address) {
        Map<String, Entry> sessions = users.get(address.userTag());
        Entry removed = sessions == null ? null : sessions.remove(address.idHash());
        return removed != null && removed.expiresAt().isAfter(clock.instant());
    }

    @Override
    public CompletionStage<Count> count(int budget) {
        Instant now = clock.instant();
        long live = users.values().stream().flatMap(sessions -> sessions.values().stream())
                .filter(entry -> entry.expiresAt().isAfter(now)).count();
        return CompletableFuture.completedFuture(new Count(live, true));
    }

    @Override
    public CompletionStage<Long> deleteUser(String userTag, UserLogout logout) {
        Instant now = clock.instant();
        Instant until = now.plus(IdpSessionEndedException.REMEMBERED);
        AtomicReference<Map<String, Entry>> removed = new AtomicReference<>();
        users.compute(userTag, (tag, held) -> {
            switch (logout) {
                case UserLogout.ByIdp(Instant issuedAt) -> loggedOutUsers.merge(tag, new LoggedOut(issuedAt.getEpochSecond(), until),
                        LoggedOut::later);
                case UserLogout.Everywhere(Instant at) -> loggedOutEverywhere.merge(tag, new LoggedOutEverywhere(at, until),
                        LoggedOutEverywhere::later);
            }
            removed.set(held);
            return null;
        });
        Map<String, Entry> sessions = removed.get();
        long live = sessions == null ? 0 : sessions.values().stream().filter(e -> e.expiresAt().isAfter(now)).count();
        return CompletableFuture.completedFuture(live);
    }

    @Override
    public CompletionStage<Long> deleteIdpSession(String idpSessionTag, Optional<String> userTag) {
        Instant until = clock.instant().plus(IdpSessionEndedException.REMEMBERED);
        List<SessionAddress> ending = new ArrayList<>();
        // The mark and the members taken in one step for this tag: a create under it is either among the
        // members or sees the mark.
        idpSessions.compute(idpSessionTag, (tag, sessions) -> {
            endedIdpSessions.computeIfAbsent(tag, t -> new ConcurrentHashMap<>()).put(userTag.orElse(ALL_USERS), until);
            if (sessions == null) {
                return null;
            }
            sessions.keySet().stream().filter(address -> userTag.isEmpty() || address.userTag().equals(userTag.get()))
                    .forEach(ending::add);
            ending.forEach(sessions::remove);
            return sessions.isEmpty() ? null : sessions;
        });
        long deleted = ending.stream().filter(this::remove).count();
        return CompletableFuture.completedFuture(deleted);
    }

    @Override
    public CompletionStage<Boolean> tryLock(SessionAddress address, String owner, Duration ttl) {
        Instant now = clock.instant();
        Lock fresh = new Lock(owner, now.plus(ttl));
        Lock held = locks.compute(address, (a, lock) -> lock == null || !lock.expiresAt().isAfter(now) ? fresh : lock);
        return CompletableFuture.completedFuture(held == fresh);
    }

    @Override
    public CompletionStage<Boolean> unlock(SessionAddress address, String owner) {
        return CompletableFuture.completedFuture(whileOwned(address, owner, clock.instant(), lock -> null));
    }

    @Override
    public CompletionStage<Boolean> extendLock(SessionAddress address, String owner, Duration ttl) {
        Instant now = clock.instant();
        return CompletableFuture.completedFuture(whileOwned(address, owner, now, lock -> new Lock(owner, now.plus(ttl))));
    }

    /**
     * If {@code owner} holds the address's lock, replaces it by what {@code owned} makes of it (null: released), in one
     * step; true if so. A lock expired at {@code now} is dropped and counts as held by no one.
     */
    private boolean whileOwned(SessionAddress address, String owner, Instant now, UnaryOperator<Lock> owned) {
        AtomicBoolean held = new AtomicBoolean();
        locks.computeIfPresent(address, (a, lock) -> {
            if (!lock.expiresAt().isAfter(now)) {
                return null;
            }
            if (!lock.owner().equals(owner)) {
                return lock;
            }
            held.set(true);
            return owned.apply(lock);
        });
        return held.get();
    }

    private Optional<Entry> live(SessionAddress address) {
        Map<String, Entry> sessions = users.get(address.userTag());
        Entry entry = sessions == null ? null : sessions.get(address.idHash());
        return Optional.ofNullable(entry).filter(e -> e.expiresAt().isAfter(clock.instant()));
    }

    /** Drops expired values, users left without any, expired locks, expired IdP-session index entries, ended and logged-out marks. */
    void sweep() {
        Instant now = clock.instant();
        locks.values().removeIf(lock -> !lock.expiresAt().isAfter(now));
        // Conditional removes: a mark that a logout renews meanwhile stays.
        loggedOutUsers.forEach((tag, mark) -> {
            if (!mark.until().isAfter(now)) {
                loggedOutUsers.remove(tag, mark);
            }
        });
        loggedOutEverywhere.forEach((tag, mark) -> {
            if (!mark.until().isAfter(now)) {
                loggedOutEverywhere.remove(tag, mark);
            }
        });
        endedIdpSessions.forEach((tag, marks) -> idpSessions.compute(tag, (t, sessions) -> {
            marks.values().removeIf(until -> !until.isAfter(now));
            endedIdpSessions.computeIfPresent(tag, (k, m) -> m.isEmpty() ? null : m);
            return sessions;
        }));
        idpSessions.forEach((tag, sessions) -> {
            sessions.values().removeIf(expiresAt -> !expiresAt.isAfter(now));
            idpSessions.computeIfPresent(tag, (t, s) -> s.isEmpty() ? null : s);
        });
        users.forEach((tag, sessions) -> {
            sessions.values().removeIf(entry -> !entry.expiresAt().isAfter(now));
            users.computeIfPresent(tag, (t, s) -> s.isEmpty() ? null : s);
        });
    }
}
