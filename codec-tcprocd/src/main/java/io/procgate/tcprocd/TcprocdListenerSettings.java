package io.procgate.tcprocd;

import io.procgate.core.net.BindAddress;
import java.time.Duration;
import java.util.Objects;

/**
 * One validated {@code gateway.tcprocd.listeners} entry: where to listen and how long a client may
 * take to authenticate. Unix-socket listeners also carry their file mode and whether unknown local
 * users are let in (in {@link BindAddress.Unix}).
 */
public record TcprocdListenerSettings(BindAddress address, Duration authTimeout) {
    public TcprocdListenerSettings {
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(authTimeout, "authTimeout");
    }

    public boolean isUnix() {
        return address instanceof BindAddress.Unix;
    }

    /** Unix socket only: peers whose login is not a configured user are non-admin users. */
    public boolean allowUnknownUsers() {
        return address instanceof BindAddress.Unix && ((BindAddress.Unix) address).allowUnknownUsers();
    }
}
