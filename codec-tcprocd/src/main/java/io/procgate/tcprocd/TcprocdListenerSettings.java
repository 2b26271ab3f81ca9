package io.procgate.tcprocd;

import io.procgate.core.net.BindAddress;
import io.procgate.core.net.TlsSettings;
import java.time.Duration;
import java.util.Objects;

/**
 * One validated {@code gateway.tcprocd.listeners} entry: where to listen and how long a client may
 * take to authenticate. Unix-socket listeners also carry their file mode and whether unknown local
 * users are let in (in {@link BindAddress.Unix}), and whether a peer of the gateway's own uid is an
 * admin ({@code gateway-uid-admin}). A TCP listener may have TLS ({@code tls { cert, key }}; null
 * without).
 *
 * @param gatewayUidAdmin unix socket only: a peer running as the gateway's own uid is an admin
 *     without a password, whatever the user table says
 */
public record TcprocdListenerSettings(
        BindAddress address, Duration authTimeout, TlsSettings tls, boolean gatewayUidAdmin) {
    public TcprocdListenerSettings {
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(authTimeout, "authTimeout");
        if (gatewayUidAdmin && !(address instanceof BindAddress.Unix)) {
            throw new IllegalArgumentException("gateway-uid-admin needs a unix socket: a TCP peer has no uid");
        }
    }

    /** A listener without TLS, where the gateway's uid is an ordinary peer. */
    public TcprocdListenerSettings(BindAddress address, Duration authTimeout) {
        this(address, authTimeout, null, false);
    }

    /** A TCP listener, with TLS or not ({@code tls} null). */
    public TcprocdListenerSettings(BindAddress address, Duration authTimeout, TlsSettings tls) {
        this(address, authTimeout, tls, false);
    }

    public boolean isUnix() {
        return address instanceof BindAddress.Unix;
    }

    /** Unix socket only: peers whose login is not a configured user are non-admin users. */
    public boolean allowUnknownUsers() {
        return address instanceof BindAddress.Unix && ((BindAddress.Unix) address).allowUnknownUsers();
    }
}
