package io.procgate.pcp;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import java.net.InetSocketAddress;
import java.time.Duration;

/** A PCP listener on loopback over {@link FakeProcessControl}, on epoll loops like the gateway's. */
final class PcpTestServer implements AutoCloseable {
    final FakeProcessControl control = new FakeProcessControl();
    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(2, EpollIoHandler.newFactory());
    private final Channel server;

    PcpTestServer(int dataPort, boolean prompt, Duration transferTimeout) throws InterruptedException {
        PcpRequestHandler requests = new PcpRequestHandler(control, control, FakeProcessControl.USER);
        PcpTransfers transfers = PcpTransfers.open("127.0.0.1", dataPort, transferTimeout, group);
        server = new ServerBootstrap()
                .group(group)
                .channel(EpollServerSocketChannel.class)
                .childHandler(new PcpChannelInitializer(requests, transfers, prompt))
                .bind("127.0.0.1", 0)
                .sync()
                .channel();
    }

    InetSocketAddress address() {
        return (InetSocketAddress) server.localAddress();
    }

    PcpConsumer connect() throws java.io.IOException {
        PcpConsumer c = new PcpConsumer(address());
        c.expectPrompt();
        return c;
    }

    @Override
    public void close() {
        server.close().syncUninterruptibly();
        group.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS).syncUninterruptibly();
    }
}
