package io.procgate.core.testing;

import java.io.BufferedReader;
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
    /** Ranges that leave less than this below them are not believed: the default is used instead. */
    private static final int MIN_SPAN = 1000;

    private FreePorts() {}

    /**
     * A free port below the ephemeral range. A fixed port that the gateway binds and releases again
     * and again (a PCP data port, a port handed to a child process) must not come from that range:
     * meanwhile it could become some client socket's local port, and the next bind would fail.
     */
    public static int belowEphemeralRange() throws IOException {
        int low = ephemeralRangeStart();
        Random random = new Random();
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            int port = LOWEST + random.nextInt(low - LOWEST);
            try (ServerSocket s = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
                return s.getLocalPort();
            } catch (IOException taken) {
                // try another
            }
        }
        throw new IOException("no free loopback port between " + LOWEST + " and " + low);
    }

    /**
     * The first port of the kernel's ephemeral range. Read through a buffered reader: {@code
     * Files.readString} of a {@code /proc/sys} file returns only its first byte (seen on JDK 17 and
     * 25), which once made every "fixed" test port an ephemeral one.
     */
    static int ephemeralRangeStart() {
        try (BufferedReader range = Files.newBufferedReader(Path.of("/proc/sys/net/ipv4/ip_local_port_range"))) {
            int start = Integer.parseInt(range.readLine().trim().split("\\s+")[0]);
            return start > LOWEST + MIN_SPAN ? start : DEFAULT_EPHEMERAL_START;
        } catch (IOException | RuntimeException e) {
            // not Linux, or unreadable: the usual default
            return DEFAULT_EPHEMERAL_START;
        }
    }
}
