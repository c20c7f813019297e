package io.authtier.runtime.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.local.LocalAddress;
import io.netty.channel.local.LocalChannel;
import io.netty.channel.local.LocalIoHandler;
import io.netty.channel.local.LocalServerChannel;
import java.time.Duration;
import java.util.List;
import java.util.Queue;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** On a real event loop (Netty's in-process transport): EmbeddedChannel runs queued tasks at every write, so it cannot show a turn. */
@DisplayName("CoalescedFlushes: commands flushed in one event-loop turn leave in one write")
class CoalescedFlushesTest {

    private final EventLoopGroup loop = new MultiThreadIoEventLoopGroup(1, LocalIoHandler.newFactory());
    private final Queue<Object> received = new ConcurrentLinkedQueue<>();
    private final AtomicInteger socketFlushes = new AtomicInteger();
    private Channel server;
    private Channel client;

    @BeforeEach
    void connect() throws InterruptedException {
        LocalAddress address = new LocalAddress("coalesced-flushes-" + UUID.randomUUID());
        server = new ServerBootstrap().group(loop).channel(LocalServerChannel.class)
                .childHandler(new ChannelInboundHandlerAdapter() {
                    @Override
                    public void channelRead(ChannelHandlerContext ctx, Object msg) {
                        received.add(msg);
                    }
                })
                .bind(address).sync().channel();
        client = new Bootstrap().group(loop).channel(LocalChannel.class)
                .handler(new ChannelInitializer<>() {
                    @Override
                    protected void initChannel(Channel channel) {
                        // Nearest the socket: counts the flushes that reach it.
                        channel.pipeline().addLast(new ChannelOutboundHandlerAdapter() {
                            @Override
                            public void flush(ChannelHandlerContext ctx) {
                                socketFlushes.incrementAndGet();
                                ctx.flush();
                            }
                        });
                        new CoalescedFlushes().afterChannelInitialized(channel);
                    }
                })
                .connect(address).sync().channel();
    }

    @AfterEach
    void close() throws InterruptedException {
        client.close().sync();
        server.close().sync();
        loop.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
    }

    @Test
    @DisplayName("Three commands each written and flushed in one turn of the loop reach the socket with one flush")
    void flushesOfOneTurnBecomeOne() throws Exception {
        int flushesInTheTurn = client.eventLoop().submit(() -> {
            client.writeAndFlush("GET a");
            client.writeAndFlush("GET b");
            client.writeAndFlush("GET c");
            return socketFlushes.get();
        }).get(5, TimeUnit.SECONDS);

        await().atMost(Duration.ofSeconds(5)).until(() -> received.size() == 3);
        assertThat(flushesInTheTurn).isZero();
        assertThat(socketFlushes).hasValue(1);
        assertThat(List.copyOf(received)).containsExactly("GET a", "GET b", "GET c");
    }

    @Test
    @DisplayName("A lone command is not held back for a timer: it leaves at the loop's next task")
    void loneCommandLeaves() {
        client.writeAndFlush("PING");

        await().atMost(Duration.ofSeconds(5)).until(() -> received.size() == 1);
        assertThat(List.copyOf(received)).containsExactly("PING");
        assertThat(socketFlushes).hasValue(1);
    }
}
