package io.authtier.runtime.http;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.concurrent.ScheduledFuture;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.net.impl.ConnectionBase;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * Closes an HTTP/1.x connection whose request is not read to its end (head and body) within a deadline of
 * its first byte: a client that sends a request a byte at a time (slowloris) or stops half way no longer
 * holds the connection and its buffers for ever. The clock starts at the first byte of each request, never
 * while a connection is idle, before its first request or between two: the proxies in front keep idle
 * keep-alive connections, some open them ahead of need (see docs/auth-runtime.md, "Connections"), and a
 * deadline on idleness would race with their reuse.
 *
 * <p>Two small Netty handlers on the connection's own event loop: one before the HTTP decoder sees bytes
 * arrive, one after it sees the request end. The hot path writes a field and reads the clock; one timer
 * per connection is pending at most, rescheduled rather than created per request.
 *
 * <p>Vert.x has no such option and does not expose the channel in its API; {@link ConnectionBase} is its
 * implementation class (pinned with the Vert.x version). The servers speak HTTP/1.x only: with cleartext
 * HTTP/2 on, Vert.x makes the connection object only once the first request's head has arrived (it might
 * ask for an upgrade), too late to time that head; without it, the connection and these handlers exist
 * before the first byte is read.
 */
final class RequestReadDeadline {

    /** The names Vert.x gives the HTTP/1.x decoder and its own handler in the pipeline. */
    static final String DECODER = "httpDecoder";
    private static final String VERTX_HANDLER = "handler";

    private final long timeoutNanos;
    private final LongSupplier nanoClock;
    private final Runnable onTimeout;

    /**
     * @param timeout   how long a request may take to arrive, from its first byte to its last
     * @param onTimeout counts a connection closed for it
     */
    RequestReadDeadline(Duration timeout, Runnable onTimeout) {
        this(timeout, System::nanoTime, onTimeout);
    }

    RequestReadDeadline(Duration timeout, LongSupplier nanoClock, Runnable onTimeout) {
        this.timeoutNanos = timeout.toNanos();
        this.nanoClock = nanoClock;
        this.onTimeout = onTimeout;
    }

    /** Watches {@code connection} if it is an HTTP/1.x connection; does nothing otherwise. */
    void watch(HttpConnection connection) {
        if (!(connection instanceof ConnectionBase base)) {
            return;
        }
        ChannelPipeline pipeline = base.channel().pipeline();
        if (pipeline.get(DECODER) == null || pipeline.get(VERTX_HANDLER) == null) {
            return;
        }
        Watch watch = new Watch();
        pipeline.addBefore(DECODER, "authtierRequestStart", watch.start);
        pipeline.addBefore(VERTX_HANDLER, "authtierRequestEnd", watch.end);
    }

    /** One connection's state; every field is touched on the connection's event loop only. */
    private final class Watch {
        /** When the request being read sent its first byte; 0 between requests. */
        private long readingSince;
        private ScheduledFuture<?> check;

        final ChannelInboundHandlerAdapter start = new ChannelInboundHandlerAdapter() {
            @Override
            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                if (readingSince == 0 && msg instanceof ByteBuf bytes && bytes.isReadable()) {
                    reading(ctx);
                }
                ctx.fireChannelRead(msg);
            }

            @Override
            public void channelInactive(ChannelHandlerContext ctx) {
                if (check != null) {
                    check.cancel(false);
                    check = null;
                }
                ctx.fireChannelInactive();
            }
        };

        final ChannelInboundHandlerAdapter end = new ChannelInboundHandlerAdapter() {
            @Override
            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                if (msg instanceof LastHttpContent) {
                    readingSince = 0;
                }
                ctx.fireChannelRead(msg);
            }
        };

        void reading(ChannelHandlerContext ctx) {
            readingSince = nanoClock.getAsLong() | 1; // never 0 while reading
            if (check == null) {
                schedule(ctx, timeoutNanos);
            }
        }

        private void schedule(ChannelHandlerContext ctx, long delayNanos) {
            check = ctx.executor().schedule(() -> check(ctx), delayNanos, TimeUnit.NANOSECONDS);
        }

        private void check(ChannelHandlerContext ctx) {
            check = null;
            if (readingSince == 0 || !ctx.channel().isActive()) {
                return;
            }
            long left = readingSince + timeoutNanos - nanoClock.getAsLong();
            if (left > 0) {
                schedule(ctx, left);
                return;
            }
            onTimeout.run();
            ctx.close();
        }
    }
}
