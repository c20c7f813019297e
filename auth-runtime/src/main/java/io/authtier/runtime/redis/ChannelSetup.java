package io.authtier.runtime.redis;

import io.lettuce.core.resource.NettyCustomizer;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import java.util.List;

/** Lettuce takes one {@link NettyCustomizer}; this one applies several, in order. */
record ChannelSetup(List<NettyCustomizer> steps) implements NettyCustomizer {

    ChannelSetup {
        steps = List.copyOf(steps);
    }

    @Override
    public void afterBootstrapInitialized(Bootstrap bootstrap) {
        steps.forEach(step -> step.afterBootstrapInitialized(bootstrap));
    }

    @Override
    public void afterChannelInitialized(Channel channel) {
        steps.forEach(step -> step.afterChannelInitialized(channel));
    }
}
