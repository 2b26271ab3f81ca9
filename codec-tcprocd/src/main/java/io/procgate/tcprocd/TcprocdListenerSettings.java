package io.procgate.tcprocd;

import io.procgate.core.net.BindAddress;
import io.procgate.core.net.TlsSettings;
import java.time.Duration;
import java.util.Objects;

/**
 * One validated {@code gateway.tcprocd.listeners} entry: where to listen and how long a client may
 * take to authenticate. Unix-socket listeners also carry their file mode and whether unknown local
 * users are let in (in {@link BindAddress.Unix}). A TCP listener may have TLS ({@code tls { cert, key }};
 * null without).
 */
public record TcprocdListenerSettings(BindAddress address, Duration authTimeout, TlsSettings tls) {
    public TcprocdListenerSettings {
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(authTimeout, "authTimeout");
    }

    /** A listener without TLS. */
    public TcprocdListenerSettings(BindAddress address, Duration authTimeout) {
        this(address, authTimeout, null);
    }

    public boolean isUnix() {
        return address instanceof BindAddress.Unix;
    }

    /** Unix socket only: peers whose login is not a configured user are non-admin users. */
    public boolean allowUnknownUsers() {
        return address instanceof BindAddress.Unix && ((BindAddress.Unix) address).allowUnknownUsers();
    }
}
