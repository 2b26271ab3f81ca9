package io.procgate.docker;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/** A minimal PCP consumer over a plain socket: waits for the {@code >} prompt, sends one payload, reads one answer line. */
final class PcpWire implements AutoCloseable {
    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;

    PcpWire(String host, int port) throws IOException {
        socket = new Socket(host, port);
        socket.setSoTimeout(15_000);
        in = socket.getInputStream();
        out = socket.getOutputStream();
    }

    /** Sends {@code payload} at the next prompt; returns the answer without its CRLF. */
    String request(String payload) throws IOException {
        int b;
        while ((b = in.read()) != '>') {
            if (b < 0) {
                throw new IOException("connection closed before the prompt");
            }
        }
        out.write((payload + "\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        while ((b = in.read()) != '\n') {
            if (b < 0) {
                throw new IOException("connection closed in the answer");
            }
            if (b != '\r') {
                line.write(b);
            }
        }
        return line.toString(StandardCharsets.US_ASCII);
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
