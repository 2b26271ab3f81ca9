package io.procgate.core.net;

import io.netty.channel.Channel;
import io.netty.channel.unix.DomainSocketAddress;
import io.netty.util.NetUtil;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.util.OptionalInt;

/**
 * Peer addresses as logs and audit lines show them: {@code 1.2.3.4:5}, {@code [::1]:5} (IPv6 in
 * its compressed form), {@code unix:/path/of.sock}, or for a unix-socket peer whose socket has no
 * name (the usual client), {@code unix:uid=1000} when the channel is known.
 */
public final class PeerAddresses {
    private PeerAddresses() {}

    public static String format(SocketAddress address) {
        if (address == null) {
            return "-";
        }
        if (address instanceof InetSocketAddress inet) {
            if (inet.isUnresolved()) {
                return hostPort(inet.getHostString(), inet.getPort());
            }
            String host = NetUtil.toAddressString(inet.getAddress());
            return inet.getAddress() instanceof Inet6Address
                    ? "[" + host + "]:" + inet.getPort()
                    : host + ":" + inet.getPort();
        }
        if (address instanceof DomainSocketAddress domain) {
            return "unix:" + domain.path();
        }
        if (address instanceof UnixDomainSocketAddress unix) {
            return "unix:" + unix.getPath();
        }
        return address.toString();
    }

    /** The channel's remote address; an unnamed unix-socket peer is shown by its uid. */
    public static String format(Channel channel) {
        SocketAddress remote = channel.remoteAddress();
        if (remote instanceof DomainSocketAddress domain && domain.path().isEmpty()
                || remote == null && channel instanceof io.netty.channel.unix.DomainSocketChannel) {
            OptionalInt uid = UnixPeers.peerUid(channel);
            return uid.isPresent() ? "unix:uid=" + uid.getAsInt() : "unix:";
        }
        return format(remote);
    }

    /** {@code host:port}, with brackets around an IPv6 literal. */
    public static String hostPort(String host, int port) {
        return host.indexOf(':') >= 0 ? "[" + host + "]:" + port : host + ":" + port;
    }
}
