package io.authtier.runtime.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.authtier.runtime.config.AccessTokenPassing;
import io.authtier.runtime.config.CookieConfig;
import io.authtier.runtime.config.SameSite;
import io.authtier.runtime.config.SessionStoreType;
import io.authtier.runtime.config.SessionsConfig;
import io.authtier.runtime.session.memory.MemorySessionBytes;
import io.authtier.runtime.testsupport.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("TimedSessionBytes: every call to the byte store timed, by operation and outcome")
class TimedSessionBytesTest {

    private static final Duration TTL = Duration.ofHours(1);
    private static final SessionAddress ADDRESS = new SessionAddress("user-tag", "id-hash");

    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-28T12:00:00Z"));
    private final List<Sample> samples = new CopyOnWriteArrayList<>();
    private final StoreTimings timings = (operation, ok, nanos) -> {
        assertThat(nanos).isNotNegative();
        samples.add(new Sample(operation, ok));
    };

    private record Sample(String operation, boolean ok) {
    }

    private static Sample ok(String operation) {
        return new Sample(operation, true);
    }

    private static Sample error(String operation) {
        return new Sample(operation, false);
    }

    private static <T> T join(CompletionStage<T> stage) {
        return stage.toCompletableFuture().join();
    }

    /** The stage's failure as it reached the caller, unwrapped by nothing. */
    private static Throwable failure(CompletionStage<?> stage) {
        return join(stage.handle((value, error) -> error));
    }

    private LoginTimes times() {
        return new LoginTimes(clock.instant(), clock.instant());
    }

    @Test
    @DisplayName("Memory: each operation is one ok sample under its name, and its answer passes through unchanged")
    void everyOperation() {
        try (TimedSessionBytes bytes = new TimedSessionBytes(new MemorySessionBytes(clock), timings)) {
            byte[] first = {1};
            byte[] second = {2};
            join(bytes.create(ADDRESS, first, TTL, TTL, Optional.of("idp-tag"), times()));
            assertThat(join(bytes.read(ADDRESS))).hasValueSatisfying(value -> assertThat(value).containsExactly(1));
            assertThat(join(bytes.replace(ADDRESS, first, second, TTL))).isTrue();
            assertThat(join(bytes.tryLock(ADDRESS, "me", TTL))).isTrue();
            assertThat(join(bytes.extendLock(ADDRESS, "me", TTL))).isTrue();
            assertThat(join(bytes.replaceUnderLock(ADDRESS, "me", first, TTL))).isEqualTo(LockedWrite.STORED);
            assertThat(join(bytes.unlock(ADDRESS, "me"))).isTrue();
            assertThat(join(bytes.count(10)).sessions()).isEqualTo(1);
            assertThat(join(bytes.delete(ADDRESS))).isTrue();
            assertThat(join(bytes.deleteUser("user-tag", new UserLogout.Everywhere(clock.instant())))).isZero();
            assertThat(join(bytes.deleteIdpSession("idp-tag", Optional.empty()))).isZero();
        }

        assertThat(samples).containsExactly(ok("create"), ok("load"), ok("touch"), ok("lock"), ok("lock"), ok("update"),
                ok("lock"), ok("count"), ok("delete"), ok("delete_user"), ok("delete_idp_session"));
    }

    @Test
    @DisplayName("Memory: a create refused (its IdP session ended) is an ok sample (the store answered), failing with the store's own exception")
    void refusedCreate() {
        try (TimedSessionBytes bytes = new TimedSessionBytes(new MemorySessionBytes(clock), timings)) {
            join(bytes.deleteIdpSession("idp-tag", Optional.empty()));

            Throwable refused = failure(bytes.create(ADDRESS, new byte[] {1}, TTL, TTL, Optional.of("idp-tag"), times()));

            assertThat(refused).isInstanceOf(IdpSessionEndedException.class);
        }
        assertThat(samples).containsExactly(ok("delete_idp_session"), ok("create"));
    }

    @Test
    @DisplayName("A store that fails every stage: each operation is an error sample, and the same exception object reaches the caller")
    void failedStages() {
        SessionStoreException down = new SessionStoreException("the session store (Redis) is unreachable", null);
        TimedSessionBytes bytes = new TimedSessionBytes(new AnsweringBytes(() -> CompletableFuture.failedFuture(down)), timings);

        List<CompletionStage<?>> calls = List.of(
                bytes.create(ADDRESS, new byte[] {1}, TTL, TTL, Optional.empty(), times()),
                bytes.read(ADDRESS),
                bytes.replace(ADDRESS, new byte[] {1}, new byte[] {2}, TTL),
                bytes.replaceUnderLock(ADDRESS, "me", new byte[] {2}, TTL),
                bytes.delete(ADDRESS),
                bytes.deleteUser("user-tag", new UserLogout.ByIdp(clock.instant())),
                bytes.deleteIdpSession("idp-tag", Optional.of("user-tag")),
                bytes.tryLock(ADDRESS, "me", TTL),
                bytes.unlock(ADDRESS, "me"),
                bytes.extendLock(ADDRESS, "me", TTL),
                bytes.count(10));

        assertThat(calls).allSatisfy(stage -> assertThat(failure(stage)).isSameAs(down));
        assertThat(samples).containsExactly(error("create"), error("load"), error("touch"), error("update"), error("delete"),
                error("delete_user"), error("delete_idp_session"), error("lock"), error("lock"), error("lock"), error("count"));
    }

    @Test
    @DisplayName("A call that throws instead of failing its stage is an error sample, and the same throw reaches the caller")
    void synchronousThrow() {
        IllegalStateException thrown = new IllegalStateException("closed");
        TimedSessionBytes bytes = new TimedSessionBytes(new AnsweringBytes(() -> {
            throw thrown;
        }), timings);

        assertThatThrownBy(() -> bytes.read(ADDRESS)).isSameAs(thrown);
        assertThatThrownBy(() -> bytes.delete(ADDRESS)).isSameAs(thrown);

        assertThat(samples).containsExactly(error("load"), error("delete"));
    }

    @Test
    @DisplayName("The sample is taken when the stage completes, before the caller's continuation runs")
    void recordedOnCompletion() {
        CompletableFuture<Object> answer = new CompletableFuture<>();
        TimedSessionBytes bytes = new TimedSessionBytes(new AnsweringBytes(() -> answer), timings);
        List<Sample> seenByCaller = new CopyOnWriteArrayList<>();

        CompletionStage<Boolean> deleted = bytes.delete(ADDRESS).whenComplete((value, error) -> seenByCaller.addAll(samples));
        assertThat(samples).isEmpty();

        answer.complete(true);
        assertThat(join(deleted)).isTrue();
        assertThat(samples).containsExactly(ok("delete"));
        assertThat(seenByCaller).containsExactly(ok("delete"));
    }

    @Test
    @DisplayName("close() closes the store under it")
    void closeDelegates() {
        AtomicBoolean closed = new AtomicBoolean();
        AnsweringBytes inner = new AnsweringBytes(() -> CompletableFuture.completedFuture(null)) {
            @Override
            public void close() {
                closed.set(true);
            }
        };
        new TimedSessionBytes(inner, timings).close();
        assertThat(closed).isTrue();
    }

    @Test
    @DisplayName("SessionStores: loads the replica's short memory answers are not samples; the ones that reach the store are")
    void cacheHitsAreNotTimed() {
        SessionsConfig config = new SessionsConfig(SessionStoreType.Memory, new CookieConfig("__Host-authtier", SameSite.Lax, List.of()),
                TTL, Duration.ofDays(7), Optional.empty(), AccessTokenPassing.None, Duration.ofSeconds(5));
        try (SessionStore store = SessionStores.create(config, new MemorySessionBytes(clock), clock, () -> { }, timings)) {
            SessionUser user = new SessionUser("https://idp.example", "alice");
            SessionTicket ticket = join(store.create(Session.start(user, Optional.empty(), Optional.empty(), Optional.empty(), List.of(),
                    new SessionTokens("at", Optional.empty(), Optional.empty(), clock.instant().plusSeconds(60)), clock.instant())));

            for (int i = 0; i < 3; i++) {
                assertThat(join(store.load(ticket))).isInstanceOf(SessionLookup.Found.class);
            }
            join(store.delete(ticket));
        }

        // The first load reads the store; the next two are answered by the replica's memory
        assertThat(samples).containsExactly(ok("create"), ok("load"), ok("delete"));
    }

    /** A store whose every call answers what {@code answer} gives (or throws what it throws). */
    private static class AnsweringBytes implements SessionBytes {

        private final Supplier<CompletionStage<Object>> answer;

        AnsweringBytes(Supplier<CompletionStage<Object>> answer) {
            this.answer = answer;
        }

        @SuppressWarnings("unchecked")
        private <T> CompletionStage<T> answer() {
            return (CompletionStage<T>) answer.get();
        }

        @Override
        public CompletionStage<Void> create(SessionAddress address, byte[] value, Duration ttl, Duration userTtl,
                Optional<String> idpSessionTag, LoginTimes times) {
            return answer();
        }

        @Override
        public CompletionStage<Optional<byte[]>> read(SessionAddress address) {
            return answer();
        }

        @Override
        public CompletionStage<Boolean> replace(SessionAddress address, byte[] ifCurrent, byte[] value, Duration ttl) {
            return answer();
        }

        @Override
        public CompletionStage<LockedWrite> replaceUnderLock(SessionAddress address, String owner, byte[] value, Duration ttl) {
            return answer();
        }

        @Override
        public CompletionStage<Boolean> delete(SessionAddress address) {
            return answer();
        }

        @Override
        public CompletionStage<Long> deleteUser(String userTag, UserLogout logout) {
            return answer();
        }

        @Override
        public CompletionStage<Long> deleteIdpSession(String idpSessionTag, Optional<String> userTag) {
            return answer();
        }

        @Override
        public CompletionStage<Boolean> tryLock(SessionAddress address, String owner, Duration ttl) {
            return answer();
        }

        @Override
        public CompletionStage<Boolean> unlock(SessionAddress address, String owner) {
            return answer();
        }

        @Override
        public CompletionStage<Boolean> extendLock(SessionAddress address, String owner, Duration ttl) {
            return answer();
        }

        @Override
        public CompletionStage<Count> count(int budget) {
            return answer();
        }
    }
}
