package io.procgate.tcpr;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.procgate.core.auth.Authenticator;
import io.procgate.core.auth.LoginThrottle;
import io.procgate.core.auth.PasswordHasher;
import io.procgate.core.control.ProcessControl;
import io.procgate.core.net.BindAddress;
import io.procgate.core.spi.ListenerDefinition;
import io.procgate.core.spi.PluginContext;
import io.procgate.host.ProcessHost;
import io.procgate.host.testing.TestHost;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The TCPR plugin bound by hand on a real process host's epoll loops, without gateway-core's
 * runtime: the listeners come from {@link TcprPlugin#listeners} exactly as the gateway builds them.
 */
final class StandaloneTcprServer implements TcprServer {
    final FakeAuth.Throttle throttle = new FakeAuth.Throttle();
    private final TestHost testHost;
    private final List<Channel> servers = new ArrayList<>();
    private boolean closed;

    StandaloneTcprServer(Path dataDir, String listenersHocon) {
        testHost = TestHost.open(dataDir);
        try {
            Config tcpr = ConfigFactory.parseString("listeners = " + listenersHocon);
            List<ListenerDefinition> defs = new TcprPlugin().listeners(context(tcpr));
            for (ListenerDefinition def : defs) {
                BindAddress.Tcp address = (BindAddress.Tcp) def.address();
                Channel server = new ServerBootstrap()
                        .group(testHost.loops())
                        .channel(EpollServerSocketChannel.class)
                        .childHandler(def.initializer())
                        .bind(address.host(), address.port())
                        .syncUninterruptibly()
                        .channel();
                servers.add(server);
            }
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    @Override
    public int port(int index) {
        return ((InetSocketAddress) servers.get(index).localAddress()).getPort();
    }

    @Override
    public ProcessHost host() {
        return testHost.host();
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (Channel server : servers) {
            server.close().syncUninterruptibly();
        }
        testHost.close();
    }

    private PluginContext context(Config tcpr) {
        ProcessHost host = testHost.host();
        EventLoopGroup loops = testHost.loops();
        return new PluginContext() {
            @Override
            public Config config() {
                return tcpr;
            }

            @Override
            public ProcessControl processes() {
                return null;
            }

            @Override
            public ProcessHost host() {
                return host;
            }

            @Override
            public Authenticator authenticator() {
                return null;
            }

            @Override
            public LoginThrottle loginThrottle() {
                return throttle;
            }

            @Override
            public PasswordHasher passwordHasher() {
                return FakeAuth.HASHER;
            }

            @Override
            public EventLoopGroup workerGroup() {
                return loops;
            }
        };
    }
}
