package io.authtier.runtime.testsupport;

import static org.awaitility.Awaitility.await;

import io.authtier.runtime.redis.RedisServers;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import no.nav.security.mock.oauth2.MockOAuth2Server;

/**
 * What the browser login tests run against: a mock IdP (mock-oauth2-server, optionally with
 * {@link TokenEndpointFaults} in front of its token endpoint), and one runtime doing browser login at it with the
 * {@link RedisLoginConfig} configuration, its sessions in a standalone Redis of its own or in memory. Started
 * (the runtime ready) by {@link #start}; a test closes it after each test (a field marked {@code @AutoClose}).
 */
public final class LoginFixture implements AutoCloseable {

    /** Where the runtime keeps its sessions. */
    public enum Sessions {
        /** A standalone Redis started for the fixture ({@link RedisLoginConfig#standalone}). */
        REDIS,
        /** The runtime's memory, no Redis ({@link RedisLoginConfig#inMemory}). */
        MEMORY
    }

    private final MockOAuth2Server idp;
    private boolean idpStarted;
    private RedisServers.Server redis;
    private RunningRuntime runtime;

    private LoginFixture(MockOAuth2Server idp) {
        this.idp = idp;
    }

    /** As {@link #start(Path, Sessions, Clock, TokenEndpointFaults)}, with a plain mock IdP. */
    public static LoginFixture start(Path dir, Sessions sessions, Clock clock) {
        return start(new LoginFixture(new MockOAuth2Server()), dir, sessions, clock, "");
    }

    /**
     * As {@link #start(Path, Sessions, Clock)}, with {@code moreConfig} (top-level YAML sections, such as
     * {@code "resilience: {timeout: 1s}\n"}) appended to the runtime's configuration.
     */
    public static LoginFixture start(Path dir, Sessions sessions, Clock clock, String moreConfig) {
        return start(new LoginFixture(new MockOAuth2Server()), dir, sessions, clock, moreConfig);
    }

    /**
     * Starts the IdP (with {@code faults} routed first), the Redis if {@code sessions} asks for it, and the runtime on
     * {@code clock}, and waits until the runtime is ready. The signing key (k1) and Redis's files go to {@code dir}.
     * If any of it fails, what was already started is closed.
     */
    public static LoginFixture start(Path dir, Sessions sessions, Clock clock, TokenEndpointFaults faults) {
        return start(new LoginFixture(new MockOAuth2Server(faults)), dir, sessions, clock, "");
    }

    private static LoginFixture start(LoginFixture fixture, Path dir, Sessions sessions, Clock clock, String moreConfig) {
        try {
            fixture.idp.start(InetAddress.getLoopbackAddress(), 0);
            fixture.idpStarted = true;
            String issuerUrl = fixture.idp.issuerUrl("main").toString();
            Path signingKey = SigningKeys.write(dir, "k1");
            String config;
            if (sessions == Sessions.REDIS) {
                fixture.redis = RedisServers.standalone(dir);
                config = RedisLoginConfig.standalone(issuerUrl, signingKey, fixture.redis.port());
            } else {
                config = RedisLoginConfig.inMemory(issuerUrl, signingKey);
            }
            fixture.runtime = RunningRuntime.start(config + moreConfig, clock, policy -> policy);
            RunningRuntime runtime = fixture.runtime;
            await().atMost(Duration.ofSeconds(20)).until(() -> runtime.management("/readyz").statusCode() == 200);
            return fixture;
        } catch (Throwable failure) {
            try {
                fixture.close();
            } catch (RuntimeException | Error closing) {
                failure.addSuppressed(closing);
            }
            throw failure;
        }
    }

    public MockOAuth2Server idp() {
        return idp;
    }

    public RunningRuntime runtime() {
        return runtime;
    }

    /** The runtime's auth port: {@code http://127.0.0.1:<port>}. */
    public String base() {
        return "http://127.0.0.1:" + runtime.port();
    }

    /** The Redis the sessions are in; fails if they are in memory. */
    public RedisServers.Server redis() {
        if (redis == null) {
            throw new IllegalStateException("sessions in memory: no Redis");
        }
        return redis;
    }

    /** Closes the runtime, then Redis, then the IdP: each that was started, each even if closing another failed. */
    @Override
    public void close() {
        RuntimeException failure = null;
        for (Runnable step : new Runnable[] {
                () -> {
                    if (runtime != null) {
                        runtime.close();
                    }
                },
                () -> {
                    if (redis != null) {
                        redis.close();
                    }
                },
                () -> {
                    if (idpStarted) {
                        idp.shutdown();
                    }
                }}) {
            try {
                step.run();
            } catch (RuntimeException e) {
                if (failure == null) {
                    failure = e;
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
    }
}
