package io.procgate.soak;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
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
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        for (int b; (b = in.read()) != '\n'; ) {
            if (b < 0) {
                throw new EOFException("closed in a line");
            }
            line.write(b);
        }
        return line.toString(StandardCharsets.UTF_8);
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
