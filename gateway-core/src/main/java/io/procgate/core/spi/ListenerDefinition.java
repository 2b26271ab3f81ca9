package io.procgate.core.spi;

import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.procgate.core.net.BindAddress;
import io.procgate.core.net.TlsSettings;
import java.util.Objects;

/**
 * One listener a protocol asks the core to bind: where, and the initializer that builds the
 * pipeline of each accepted connection. The same initializer serves TCP and unix-socket channels.
 *
 * @param protocol the protocol name, for logs and metrics
 * @param address where to listen
 * @param initializer builds each accepted child channel's pipeline; must be {@code @Sharable}
 * @param tls TLS for a TCP listener, or null: the core then puts the {@code SslHandler} first in
 *     each child pipeline, so the protocol's handlers see plain bytes
 */
public record ListenerDefinition(
        String protocol, BindAddress address, ChannelInitializer<Channel> initializer, TlsSettings tls) {
    public ListenerDefinition {
        Objects.requireNonNull(protocol, "protocol");
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(initializer, "initializer");
        if (tls != null && !(address instanceof BindAddress.Tcp)) {
            throw new IllegalArgumentException("TLS is for TCP listeners only, not " + address);
        }
    }

    /** A listener without TLS. */
    public ListenerDefinition(String protocol, BindAddress address, ChannelInitializer<Channel> initializer) {
        this(protocol, address, initializer, null);
    }

    /** This listener with {@code tls} (null: without TLS). */
    public ListenerDefinition withTls(TlsSettings tls) {
        return new ListenerDefinition(protocol, address, initializer, tls);
    }
}
