package io.procgate.core.net;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerDomainSocketChannel;
import io.netty.channel.unix.DomainSocketAddress;
import io.procgate.host.os.Passwd;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PeerAddressesTest {
    @TempDir
    Path tmp;

    @Test
    void formatsInetAndUnixAddresses() throws Exception {
        assertThat(PeerAddresses.format(new InetSocketAddress(InetAddress.getByName("1.2.3.4"), 5)))
                .isEqualTo("1.2.3.4:5");
        assertThat(PeerAddresses.format(new InetSocketAddress(InetAddress.getByName("::1"), 5)))
                .isEqualTo("[::1]:5");
        assertThat(PeerAddresses.format(new InetSocketAddress(InetAddress.getByName("2001:db8:0:0:0:0:0:1"), 80)))
                .isEqualTo("[2001:db8::1]:80");
        assertThat(PeerAddresses.format(InetSocketAddress.createUnresolved("example.org", 7)))
                .isEqualTo("example.org:7");
        assertThat(PeerAddresses.format(new DomainSocketAddress("/run/x.sock"))).isEqualTo("unix:/run/x.sock");
        assertThat(PeerAddresses.format(UnixDomainSocketAddress.of("/run/y.sock")))
                .isEqualTo("unix:/run/y.sock");
        assertThat(PeerAddresses.format((java.net.SocketAddress) null)).isEqualTo("-");
    }

    @Test
    void unixPeerIsKnownByUidAndLogin() throws Exception {
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
        Path socket = tmp.resolve("peer.sock");
        try {
            CompletableFuture<Channel> accepted = new CompletableFuture<>();
            Channel server = new ServerBootstrap()
                    .group(group)
                    .channel(EpollServerDomainSocketChannel.class)
                    .childHandler(new ChannelInitializer<Channel>() {
                        @Override
                        protected void initChannel(Channel ch) {
                            accepted.complete(ch);
                        }
                    })
                    .bind(new DomainSocketAddress(socket.toString()))
                    .sync()
                    .channel();
            try (SocketChannel client = SocketChannel.open(UnixDomainSocketAddress.of(socket))) {
                Channel peer = accepted.get(5, TimeUnit.SECONDS);
                int uid = (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
                assertThat(UnixPeers.peerUid(peer)).hasValue(uid);
                assertThat(UnixPeers.loginName(peer)).isEqualTo(Passwd.system().loginName(uid));
                assertThat(UnixPeers.loginName(peer)).contains(System.getProperty("user.name"));
                assertThat(PeerAddresses.format(peer)).isEqualTo("unix:uid=" + uid);
            }
            server.close().sync();
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
        }
    }

    @Test
    void passwdFileIsParsedAndReread() throws Exception {
        Path file = tmp.resolve("passwd");
        Files.writeString(
                file,
                "root:x:0:0:root:/root:/bin/bash\n# comment\nbroken line\nknoppo:x:1000:1000::/home/knoppo:/bin/sh\n");
        Passwd passwd = new Passwd(file);
        assertThat(passwd.loginName(1000)).contains("knoppo");
        assertThat(passwd.home("knoppo")).contains(Path.of("/home/knoppo"));
        assertThat(passwd.loginName(4242)).isEmpty();
        Files.writeString(file, "alice:x:4242:4242::/home/alice:/bin/sh\n");
        Files.setLastModifiedTime(file, java.nio.file.attribute.FileTime.fromMillis(System.currentTimeMillis() + 5000));
        assertThat(passwd.loginName(4242)).contains("alice");
        assertThat(passwd.loginName(1000)).isEmpty();
    }
}
