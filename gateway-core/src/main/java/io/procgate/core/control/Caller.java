package io.procgate.core.control;

import io.procgate.core.auth.User;
import io.procgate.core.net.PeerAddresses;
import java.net.SocketAddress;
import java.util.Objects;

/**
 * Who asks for an action and from where: the authenticated user, its peer address and the
 * protocol, so that every action can be permitted and audited.
 *
 * <p>One is made per authenticated connection (or per HTTP session's request), so it also holds the
 * audit line's {@code user=... peer=... protocol=...} part, formatted once: a pipelined client's
 * requests each write an audit line, and formatting the address for each was a measurable share of
 * a request's cost (docs/benchmarks.md).
 */
public final class Caller {
    private final User user;
    private final SocketAddress peer;
    private final String protocol;
    private final boolean unixPeer;
    /** {@code user=NAME peer=ADDRESS protocol=NAME}, made at the first audit line. */
    private String auditText;

    /**
     * @param peer the remote address (an {@code InetSocketAddress}, or a unix-socket address)
     * @param unixPeer true for a local unix-socket peer (its processes run as itself by default)
     */
    public Caller(User user, SocketAddress peer, String protocol, boolean unixPeer) {
        this.user = Objects.requireNonNull(user, "user");
        this.peer = peer;
        this.protocol = Objects.requireNonNull(protocol, "protocol");
        this.unixPeer = unixPeer;
    }

    public User user() {
        return user;
    }

    /** The remote address (an {@code InetSocketAddress}, or a unix-socket address), or null. */
    public SocketAddress peer() {
        return peer;
    }

    public String protocol() {
        return protocol;
    }

    /** True for a local unix-socket peer (its processes run as itself by default). */
    public boolean unixPeer() {
        return unixPeer;
    }

    /**
     * {@code user=NAME peer=ADDRESS protocol=NAME} as the audit trail shows them. A benign race: two
     * threads may both format it, to equal strings.
     */
    String auditText() {
        String text = auditText;
        if (text == null) {
            text = "user=" + user.name() + " peer=" + PeerAddresses.format(peer) + " protocol=" + protocol;
            auditText = text;
        }
        return text;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Caller other
                && user.equals(other.user)
                && Objects.equals(peer, other.peer)
                && protocol.equals(other.protocol)
                && unixPeer == other.unixPeer;
    }

    @Override
    public int hashCode() {
        return Objects.hash(user, peer, protocol, unixPeer);
    }

    @Override
    public String toString() {
        return user.name() + "@" + peer + " (" + protocol + ")";
    }
}
