package io.procgate.core.net;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.file.Path;
import java.util.Objects;

/** Where a listener binds: a TCP host and port, or a unix domain socket path with its file mode. */
public sealed interface BindAddress permits BindAddress.Tcp, BindAddress.Unix {

    /** The default bind host of every listener: loopback, unless configured otherwise. */
    String DEFAULT_HOST = "127.0.0.1";

    /** Port 0 means any free port; the bound port is logged. */
    record Tcp(String host, int port) implements BindAddress {
        public Tcp {
            Objects.requireNonNull(host, "host");
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("port out of range 0-65535: " + port);
            }
        }

        public SocketAddress socketAddress() {
            return new InetSocketAddress(host, port);
        }

        @Override
        public String toString() {
            return host.indexOf(':') >= 0 ? "[" + host + "]:" + port : host + ":" + port;
        }
    }

    /**
     * @param mode the socket file's permission bits, e.g. {@code 0660}
     * @param allowUnknownUsers peers whose login is not a configured user are non-admin users
     */
    record Unix(Path path, int mode, boolean allowUnknownUsers) implements BindAddress {
        public static final int DEFAULT_MODE = 0660;

        public Unix {
            Objects.requireNonNull(path, "path");
            if (mode < 0 || mode > 0777) {
                throw new IllegalArgumentException(
                        "socket mode out of range 0000-0777: " + Integer.toOctalString(mode));
            }
        }

        @Override
        public String toString() {
            return "unix:" + path;
        }
    }
}
