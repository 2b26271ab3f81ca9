package io.procgate.core.control;

import io.procgate.core.auth.User;
import java.net.SocketAddress;
import java.util.Objects;

/**
 * Who asks for an action and from where: the authenticated user, its peer address and the
 * protocol, so that every action can be permitted and audited.
 *
 * @param peer the remote address (an {@code InetSocketAddress}, or a unix-socket address)
 * @param unixPeer true for a local unix-socket peer (its processes run as itself by default)
 */
public record Caller(User user, SocketAddress peer, String protocol, boolean unixPeer) {
    public Caller {
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(protocol, "protocol");
    }

    @Override
    public String toString() {
        return user.name() + "@" + peer + " (" + protocol + ")";
    }
}
