package io.procgate.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Where {@code tcproc} connects: a unix socket, or TCP. The first rule that applies wins:
 *
 * <ol>
 *   <li>{@code -s PATH}: that socket.
 *   <li>{@code -H}, {@code -P}, {@code --tls}, {@code --ca} or {@code -u}: TCP (a user name is a TCP
 *       login; over a unix socket the peer's uid says who it is).
 *   <li>{@code TCPROC_SOCKET}: that socket.
 *   <li>{@code TCPROC_USER}: TCP, for the same reason as {@code -u}.
 *   <li>{@code data/tcprocd.sock} in the working directory, if it is a socket: the default
 *       configuration's socket of a gateway started from this directory (its data directory is
 *       {@code ./data}), where the gateway's own account is an admin.
 *   <li>TCP to {@code 127.0.0.1:20103}, the default TCP listener.
 * </ol>
 *
 * @param socket the unix socket, or null for TCP
 * @param host the TCP host (unused for a socket)
 * @param port the TCP port (unused for a socket)
 */
record Endpoint(Path socket, String host, int port) {
    // stat(2)'s file-type bits
    private static final int S_IFMT = 0170000;
    private static final int S_IFSOCK = 0140000;

    static final String DEFAULT_HOST = "127.0.0.1";
    static final int DEFAULT_PORT = 20103;

    /** The default configuration's socket, relative to the gateway's working directory. */
    static final Path DATA_DIR_SOCKET = Path.of("data", "tcprocd.sock");

    static final String SOCKET_ENV = "TCPROC_SOCKET";
    static final String USER_ENV = "TCPROC_USER";

    /**
     * @param socket {@code -s}, or null
     * @param host {@code -H}, or null
     * @param port {@code -P}, or null
     * @param tcpChosen whether another TCP-only option ({@code --tls}, {@code --ca}, {@code -u}) was given
     * @param workingDir the directory {@code data/tcprocd.sock} is looked up in
     */
    static Endpoint choose(
            Path socket, String host, Integer port, boolean tcpChosen, Map<String, String> env, Path workingDir) {
        Endpoint tcp = new Endpoint(null, host != null ? host : DEFAULT_HOST, port != null ? port : DEFAULT_PORT);
        if (socket != null) {
            return unix(socket);
        }
        if (host != null || port != null || tcpChosen) {
            return tcp;
        }
        String fromEnv = env.get(SOCKET_ENV);
        if (fromEnv != null && !fromEnv.isEmpty()) {
            return unix(Path.of(fromEnv));
        }
        if (env.get(USER_ENV) != null) {
            return tcp;
        }
        Path local = workingDir.resolve(DATA_DIR_SOCKET);
        if (isSocket(local)) {
            return unix(local);
        }
        return tcp;
    }

    static Endpoint unix(Path socket) {
        return new Endpoint(socket, null, 0);
    }

    boolean isUnix() {
        return socket != null;
    }

    @Override
    public String toString() {
        return isUnix() ? socket.toString() : host + ":" + port;
    }

    private static boolean isSocket(Path path) {
        // the "unix" attribute view exists on Linux and other Unixes; elsewhere there is no default socket
        if (!path.getFileSystem().supportedFileAttributeViews().contains("unix")) {
            return false;
        }
        try {
            return Files.getAttribute(path, "unix:mode") instanceof Integer mode && (mode & S_IFMT) == S_IFSOCK;
        } catch (IOException | IllegalArgumentException e) {
            return false;
        }
    }
}
