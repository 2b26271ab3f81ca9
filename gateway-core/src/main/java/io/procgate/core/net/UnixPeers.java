package io.procgate.core.net;

import io.netty.channel.Channel;
import io.netty.channel.epoll.EpollDomainSocketChannel;
import io.procgate.host.os.Passwd;
import java.io.IOException;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Who is at the other end of a unix domain socket: the peer's uid from SO_PEERCRED (epoll
 * channels only), mapped to its login name through {@code /etc/passwd}.
 */
public final class UnixPeers {
    private UnixPeers() {}

    /** The peer's uid, or empty when {@code channel} is not an epoll unix-socket channel. */
    public static OptionalInt peerUid(Channel channel) {
        if (channel instanceof EpollDomainSocketChannel domain) {
            try {
                return OptionalInt.of(domain.peerCredentials().uid());
            } catch (IOException e) {
                return OptionalInt.empty();
            }
        }
        return OptionalInt.empty();
    }

    /** The uid the gateway itself runs as. */
    public static int gatewayUid() {
        return Passwd.currentUid();
    }

    /** The login name of a uid, from the system's {@code /etc/passwd}. */
    public static Optional<String> loginName(int uid) {
        return Passwd.system().loginName(uid);
    }

    /** The login name of the peer of a unix-socket {@code channel}. */
    public static Optional<String> loginName(Channel channel) {
        OptionalInt uid = peerUid(channel);
        return uid.isPresent() ? loginName(uid.getAsInt()) : Optional.empty();
    }
}
