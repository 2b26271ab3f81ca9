package io.procgate.core.spi;

import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.procgate.core.net.BindAddress;
import java.util.Objects;

/**
 * One listener a protocol asks the core to bind: where, and the initializer that builds the
 * pipeline of each accepted connection. The same initializer serves TCP and unix-socket channels.
 *
 * @param protocol the protocol name, for logs and metrics
 * @param address where to listen
 * @param initializer builds each accepted child channel's pipeline; must be {@code @Sharable}
 */
public record ListenerDefinition(String protocol, BindAddress address, ChannelInitializer<Channel> initializer) {
    public ListenerDefinition {
        Objects.requireNonNull(protocol, "protocol");
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(initializer, "initializer");
    }
}
