package io.authtier.runtime.redis;

import io.lettuce.core.resource.NettyCustomizer;
import io.netty.channel.Channel;
import io.netty.handler.flush.FlushConsolidationHandler;

/**
 * Commands sent together leave in one write. Lettuce flushes every command on its own, so under load the
 * connection's event loop made one {@code sendto} per command and Redis one {@code read} per command or
 * few; with the flushes of one event-loop turn coalesced, the commands queued in that turn go out as one
 * pipeline, which costs the runtime and Redis fewer system calls per command (docs/benchmarks.md, "Eighth
 * session"). A lone command waits for one queued task at most, not for a timer.
 *
 * <p>Last in the pipeline, nearest the application: lettuce writes its commands to the channel (the tail),
 * so every flush passes here first, and with TLS the coalesced commands are encrypted as one record.
 */
final class CoalescedFlushes implements NettyCustomizer {

    static final String NAME = "authtier-coalesced-flushes";

    @Override
    public void afterChannelInitialized(Channel channel) {
        channel.pipeline().addLast(NAME, new FlushConsolidationHandler(FlushConsolidationHandler.DEFAULT_EXPLICIT_FLUSH_AFTER_FLUSHES, true));
    }
}
