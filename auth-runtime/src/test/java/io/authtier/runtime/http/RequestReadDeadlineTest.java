package io.authtier.runtime.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.vertx.core.http.HttpServerOptions;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The request read deadline on a channel whose time the test moves: the deadline's clock and the channel's
 * timers advance together, so each interleaving of the client's bytes, the server's pauses and the deadline's
 * checks is forced, not waited for.
 */
@DisplayName("Request read deadline (server.requestReadTimeout), on a controlled clock")
class RequestReadDeadlineTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(1);

    private final AtomicLong now = new AtomicLong(1_000_000_000L);
    private final AtomicInteger closedForSlowness = new AtomicInteger();
    private EmbeddedChannel channel;

    @BeforeEach
    void channel() {
        RequestReadDeadline deadline = new RequestReadDeadline(new HttpServerOptions(), TIMEOUT, now::get,
                closedForSlowness::incrementAndGet);
        channel = new EmbeddedChannel(deadline.decoder());
        channel.freezeTime();
    }

    private void advance(long millis) {
        now.addAndGet(TimeUnit.MILLISECONDS.toNanos(millis));
        channel.advanceTimeBy(millis, TimeUnit.MILLISECONDS);
        channel.runScheduledPendingTasks();
    }

    private void send(String text) {
        channel.writeInbound(Unpooled.copiedBuffer(text, StandardCharsets.US_ASCII));
    }

    @Test
    @DisplayName("A request that does not arrive in full within the timeout of its first byte closes the connection")
    void slowRequestClosed() {
        send("GET /auth HTTP/1.1\r\nHost: shop\r\n");
        advance(900);
        assertThat(channel.isOpen()).isTrue();

        advance(200);

        assertThat(channel.isOpen()).isFalse();
        assertThat(closedForSlowness).hasValue(1);
    }

    @Test
    @DisplayName("An idle connection between requests is never closed")
    void idleKept() {
        send("GET /auth HTTP/1.1\r\nHost: shop\r\n\r\n");
        advance(5_000);
        assertThat(channel.isOpen()).isTrue();
        assertThat(closedForSlowness).hasValue(0);
    }

    @Test
    @DisplayName("After the server stops reading (its earlier answers still being made) and reads again, the client has a whole timeout once more")
    void resumedConnectionGetsAWholeTimeout() {
        // A request begins; the server stops reading while it answers those before it
        send("GET /auth HTTP/1.1\r\nHost: shop\r\n");
        channel.config().setAutoRead(false);
        advance(1_000); // a check while paused: the server's wait, not the client's slowness
        assertThat(channel.isOpen()).isTrue();

        // When the server reads again just before the next check, and the check comes
        advance(900);
        channel.config().setAutoRead(true);
        advance(150);

        // Then the client is not cut for the time the server did not read
        assertThat(channel.isOpen()).as("closed at the first check after the server resumed reading").isTrue();
        assertThat(closedForSlowness).hasValue(0);

        // And a client that still does not finish is cut a timeout later
        advance(1_100);
        assertThat(channel.isOpen()).isFalse();
        assertThat(closedForSlowness).hasValue(1);
    }
}
