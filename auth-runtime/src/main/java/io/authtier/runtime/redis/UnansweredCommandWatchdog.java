package io.authtier.runtime.redis;

import io.authtier.runtime.resilience.RateLimitedLog;
import io.lettuce.core.protocol.CommandHandler;
import io.lettuce.core.resource.NettyCustomizer;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.LoggerFactory;

/**
 * Closes a Redis connection whose oldest command has waited longer than {@code deadline} for its answer,
 * so that lettuce's watchdog connects anew.
 *
 * <p>Why: lettuce answers commands in the order it sent them. A command that timed out stays first in its
 * connection's queue; if its answer never comes (a link that accepted the bytes and lost them, a peer gone
 * without a RST), every later answer is taken for an earlier command's, and the connection never answers
 * a command in time again, even once the link works. TCP notices nothing when the bytes were accepted
 * (keepalive only probes idle connections, TCP_USER_TIMEOUT only unacknowledged bytes), so the runtime
 * must. A connection with no command outstanding is never closed: an idle connection is healthy.
 *
 * <p>Added to every channel lettuce opens (standalone, each Cluster node, topology refreshes) as a
 * {@link NettyCustomizer}; the check runs on the channel's own event loop, where lettuce keeps its queue.
 */
final class UnansweredCommandWatchdog implements NettyCustomizer {

    /** One per connection (standalone, or a Cluster's nodes): a flaky link says so every 30 s at most. */
    private final RateLimitedLog log = new RateLimitedLog(LoggerFactory.getLogger(UnansweredCommandWatchdog.class),
            Clock.systemUTC(), Duration.ofSeconds(30));

    private final long deadlineNanos;
    private final long checkEveryNanos;

    /** @param deadline how long the oldest command may wait; longer than the command timeout, so a slow answer is not cut */
    UnansweredCommandWatchdog(Duration deadline) {
        this.deadlineNanos = deadline.toNanos();
        this.checkEveryNanos = Math.max(TimeUnit.MILLISECONDS.toNanos(50), deadlineNanos / 4);
    }

    @Override
    public void afterChannelInitialized(Channel channel) {
        // First, so that it sees the channel become active before lettuce's handshake handler holds the event back.
        channel.pipeline().addFirst("authtier-unanswered-command-watchdog", new Watch());
    }

    /** One channel's check: the same command first in the queue for longer than the deadline. */
    private final class Watch extends ChannelInboundHandlerAdapter {

        private ScheduledFuture<?> check;
        private Object oldest;
        private long oldestSince;

        @Override
        public void channelActive(ChannelHandlerContext ctx) throws Exception {
            check = ctx.executor().scheduleAtFixedRate(() -> check(ctx), checkEveryNanos, checkEveryNanos, TimeUnit.NANOSECONDS);
            super.channelActive(ctx);
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) throws Exception {
            stop();
            super.channelInactive(ctx);
        }

        @Override
        public void handlerRemoved(ChannelHandlerContext ctx) {
            stop();
        }

        private void stop() {
            if (check != null) {
                check.cancel(false);
                check = null;
            }
        }

        private void check(ChannelHandlerContext ctx) {
            CommandHandler commands = ctx.pipeline().get(CommandHandler.class);
            Object first = commands == null ? null : commands.getStack().peek();
            long now = System.nanoTime();
            if (first == null || first != oldest) {
                oldest = first;
                oldestSince = now;
                return;
            }
            if (now - oldestSince > deadlineNanos) {
                log.warn("Redis connection to {} closed: its oldest command waited {} ms without an answer; connecting anew",
                        ctx.channel().remoteAddress(), TimeUnit.NANOSECONDS.toMillis(now - oldestSince));
                stop();
                ctx.channel().close();
            }
        }
    }
}
