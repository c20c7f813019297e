package io.authtier.runtime.http;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.concurrent.ScheduledFuture;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.impl.VertxHttpRequestDecoder;
import io.vertx.core.net.impl.ConnectionBase;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Closes an HTTP/1.x connection whose request is not read to its end (head and body) within a deadline of
 * its first byte: a client that sends a request a byte at a time (slowloris) or stops half way no longer
 * holds the connection and its buffers for ever. The clock starts at the first byte of each request, never
 * while a connection is idle, before its first request or between two: the proxies in front keep idle
 * keep-alive connections, some open them ahead of need (see docs/auth-runtime.md, "Connections"), and a
 * deadline on idleness would race with their reuse. While the server itself has stopped reading (Vert.x
 * pauses a connection whose earlier answers are still being made), the clock waits too, and once it reads
 * again the request has a whole timeout from the next check.
 *
 * <p>The connection's HTTP decoder is replaced by a subclass of Vert.x's own, built from the same options,
 * that knows what it holds: the start of a request that arrived behind the end of the previous one in the
 * same read is timed like any other. The hot path reads the clock and writes a field; one timer per
 * connection is pending at most, rescheduled rather than created per request.
 *
 * <p>Vert.x has no such option and does not expose the channel in its API; {@link ConnectionBase} and
 * {@link VertxHttpRequestDecoder} are its implementation classes (pinned with the Vert.x version), and a
 * connection whose pipeline does not have the decoder where expected is logged once, not silently left
 * unwatched. The servers speak HTTP/1.x only: with cleartext HTTP/2 on, Vert.x makes the connection object
 * only once the first request's head has arrived (it might ask for an upgrade), too late to time that head.
 */
final class RequestReadDeadline {

    private static final Logger LOG = LoggerFactory.getLogger(RequestReadDeadline.class);
    /** The name Vert.x gives the HTTP/1.x request decoder in the pipeline. */
    static final String DECODER = "httpDecoder";

    private final HttpServerOptions options;
    private final long timeoutNanos;
    private final LongSupplier nanoClock;
    private final Runnable onTimeout;
    private boolean warned;

    /**
     * @param options   the server's options, from which Vert.x builds its decoder (line, header and chunk sizes)
     * @param timeout   how long a request may take to arrive, from its first byte to its last
     * @param onTimeout counts a connection closed for it
     */
    RequestReadDeadline(HttpServerOptions options, Duration timeout, Runnable onTimeout) {
        this(options, timeout, System::nanoTime, onTimeout);
    }

    RequestReadDeadline(HttpServerOptions options, Duration timeout, LongSupplier nanoClock, Runnable onTimeout) {
        this.options = new HttpServerOptions(options);
        this.timeoutNanos = timeout.toNanos();
        this.nanoClock = nanoClock;
        this.onTimeout = onTimeout;
    }

    /** Watches {@code connection}: called on its event loop as it is set up, before its first byte is read. */
    void watch(HttpConnection connection) {
        ChannelPipeline pipeline = connection instanceof ConnectionBase base ? base.channel().pipeline() : null;
        if (pipeline == null || !(pipeline.get(DECODER) instanceof VertxHttpRequestDecoder)) {
            if (!warned) {
                warned = true; // one verticle's servers run on one event loop: no race
                LOG.warn("server.requestReadTimeout is not applied to {} connections: the HTTP pipeline is not the one "
                        + "this runtime was built against (Vert.x changed?)", connection.getClass().getSimpleName());
            }
            return;
        }
        pipeline.replace(DECODER, DECODER, decoder());
    }

    /** The decoder that {@link #watch} puts in a connection's pipeline (tests drive one on a channel of their own). */
    io.netty.channel.ChannelHandler decoder() {
        return new WatchedDecoder();
    }

    /** Vert.x's decoder, timing what it reads; every field is touched on the connection's event loop only. */
    private final class WatchedDecoder extends VertxHttpRequestDecoder {
        /** When the request being read sent its first byte; 0 while the connection is between requests. */
        private long readingSince;
        /** Bytes of a request have been decoded (head lines, body) whose end has not. */
        private boolean midRequest;
        /** A request ended during the current read. */
        private boolean ended;
        private ScheduledFuture<?> check;
        /** The server was not reading at the last check: the client's time starts again at the next one. */
        private boolean pausedAtLastCheck;

        WatchedDecoder() {
            super(options);
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
            if (readingSince == 0 && msg instanceof ByteBuf bytes && bytes.isReadable()) {
                reading(ctx);
            }
            super.channelRead(ctx, msg);
            if (midRequest || internalBuffer().isReadable()) {
                if (ended) {
                    reading(ctx); // the next request began in this read, behind the end of the last one
                }
            } else {
                readingSince = 0;
                pausedAtLastCheck = false;
            }
            ended = false;
        }

        @Override
        protected void decode(ChannelHandlerContext ctx, ByteBuf buffer, List<Object> out) throws Exception {
            int before = buffer.readerIndex();
            int produced = out.size();
            super.decode(ctx, buffer, out);
            if (out.size() > produced && out.getLast() instanceof LastHttpContent) {
                midRequest = false;
                ended = true;
            } else if (buffer.readerIndex() != before || out.size() > produced) {
                midRequest = true;
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) throws Exception {
            cancel();
            super.channelInactive(ctx);
        }

        @Override
        protected void handlerRemoved0(ChannelHandlerContext ctx) throws Exception {
            cancel();
            super.handlerRemoved0(ctx);
        }

        private void reading(ChannelHandlerContext ctx) {
            readingSince = nanoClock.getAsLong() | 1; // never 0 while reading
            if (check == null) {
                schedule(ctx, timeoutNanos);
            }
        }

        private void schedule(ChannelHandlerContext ctx, long delayNanos) {
            check = ctx.executor().schedule(() -> check(ctx), delayNanos, TimeUnit.NANOSECONDS);
        }

        private void cancel() {
            if (check != null) {
                check.cancel(false);
                check = null;
            }
        }

        private void check(ChannelHandlerContext ctx) {
            check = null;
            if (readingSince == 0 || ctx.isRemoved() || !ctx.channel().isActive()) {
                return;
            }
            if (!ctx.channel().config().isAutoRead()) {
                // Vert.x stopped reading until its earlier answers are out: our wait, not the client's slowness.
                pausedAtLastCheck = true;
                reading(ctx);
                return;
            }
            if (pausedAtLastCheck) {
                // Reading again since some moment after the last check, perhaps just now, with what the client sent
                // meanwhile still to decode: a whole timeout from here, not what was left of the one begun paused.
                pausedAtLastCheck = false;
                reading(ctx);
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
