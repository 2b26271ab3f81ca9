package io.procgate.soak;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/** A TCPR (KAG remote console) client as the soak uses it: the password, then the console's lines. */
final class TcprClient implements AutoCloseable {
    private static final int TIMEOUT_MS = 20_000;

    private final Socket socket = new Socket();
    private final InputStream in;

    /** Connects and authenticates; returns once the server said so. */
    TcprClient(InetSocketAddress address, String password) throws IOException {
        socket.connect(address, TIMEOUT_MS);
        socket.setSoTimeout(TIMEOUT_MS);
        in = new java.io.BufferedInputStream(socket.getInputStream());
        socket.getOutputStream().write((password + "\n").getBytes(StandardCharsets.UTF_8));
        String greeting = readLine();
        if (!greeting.contains("is now authenticated")) {
            throw new IOException("TCPR greeting: " + greeting);
        }
    }

    String readLine() throws IOException {
        return LineReader.readLine(in);
    }

    /** Leaves with a reset: a client that vanishes while lines are on their way. */
    void abort() throws IOException {
        socket.setSoLinger(true, 0);
        socket.close();
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
