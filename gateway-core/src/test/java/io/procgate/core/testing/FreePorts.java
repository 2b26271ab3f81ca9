package io.procgate.core.testing;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

/** Free loopback ports for tests that must name a fixed port in a configuration. */
public final class FreePorts {
    private static final int LOWEST = 10000;
    private static final int DEFAULT_EPHEMERAL_START = 32768;
    private static final int ATTEMPTS = 200;

    private FreePorts() {}

    /**
     * A free port below the ephemeral range. A fixed port that the gateway binds and releases again
     * and again (a PCP data port, a port handed to a child process) must not come from that range:
     * meanwhile it could become some client socket's local port, and the next bind would fail.
     */
    public static int belowEphemeralRange() throws IOException {
        int low = DEFAULT_EPHEMERAL_START;
        try {
            low = Integer.parseInt(Files.readString(Path.of("/proc/sys/net/ipv4/ip_local_port_range"))
                    .trim()
                    .split("\\s+")[0]);
        } catch (IOException | RuntimeException e) {
            // not Linux, or unreadable: the usual default
        }
        Random random = new Random();
        for (int attempt = 0; attempt < ATTEMPTS && low > LOWEST + 1000; attempt++) {
            int port = LOWEST + random.nextInt(low - LOWEST);
            try (ServerSocket s = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
                return s.getLocalPort();
            } catch (IOException taken) {
                // try another
            }
        }
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
