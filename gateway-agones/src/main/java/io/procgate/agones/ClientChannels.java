package io.procgate.agones;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoEventLoopGroup;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;

/** The client socket channel that the gateway's worker loops can carry (epoll or NIO, as configured). */
final class ClientChannels {
    private ClientChannels() {}

    static Class<? extends SocketChannel> socketChannelFor(EventLoopGroup group) {
        if (group instanceof IoEventLoopGroup io) {
            if (io.isIoType(EpollIoHandler.class)) {
                return EpollSocketChannel.class;
            }
            if (io.isIoType(NioIoHandler.class)) {
                return NioSocketChannel.class;
            }
        }
        throw new IllegalStateException("no client socket channel for the event loops " + group);
    }
}
