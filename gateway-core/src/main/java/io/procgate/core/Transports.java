package io.procgate.core;

import io.netty.channel.IoHandlerFactory;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerDomainSocketChannel;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.procgate.core.config.Transport;

/** The Netty transport in use: epoll (Linux, the default) or NIO (elsewhere, or when asked). */
enum Transports {
    EPOLL,
    NIO;

    static Transports choose(Transport configured) {
        return switch (configured) {
            case NIO -> NIO;
            case AUTO -> Epoll.isAvailable() ? EPOLL : NIO;
            case EPOLL -> {
                if (!Epoll.isAvailable()) {
                    Throwable cause = Epoll.unavailabilityCause();
                    throw new GatewayException(
                            "transport = epoll, but epoll is not available: "
                                    + (cause == null ? "?" : cause.getMessage()),
                            cause);
                }
                yield EPOLL;
            }
        };
    }

    IoHandlerFactory ioHandlerFactory() {
        return this == EPOLL ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
    }

    Class<? extends ServerChannel> tcpServerChannel() {
        return this == EPOLL ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
    }

    /** Unix sockets need epoll: NIO cannot read the peer's credentials. */
    Class<? extends ServerChannel> unixServerChannel() {
        if (this != EPOLL) {
            throw new GatewayException("unix-socket listeners need the epoll transport (gateway.transport)");
        }
        return EpollServerDomainSocketChannel.class;
    }
}
