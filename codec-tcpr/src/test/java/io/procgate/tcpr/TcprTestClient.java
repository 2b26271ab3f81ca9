package io.procgate.tcpr;

import static java.nio.charset.StandardCharsets.ISO_8859_1;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.function.Predicate;

/**
 * A TCPR client over a real socket that keeps every byte: lines come back with their terminators,
 * so tests can check the newline style and the exact shutdown line. Reads block at most
 * {@link #TIMEOUT_MILLIS}.
 */
final class TcprTestClient implements AutoCloseable {
    static final int TIMEOUT_MILLIS = 20_000;

    private final Socket socket;
    private final InputStream raw;
    private final InputStream in;
    private final OutputStream out;

    TcprTestClient(Socket socket) throws IOException {
        this.socket = socket;
        socket.setSoTimeout(TIMEOUT_MILLIS);
        this.raw = socket.getInputStream();
        this.in = new BufferedInputStream(raw);
        this.out = socket.getOutputStream();
    }

    static TcprTestClient connect(int port) throws IOException {
        return new TcprTestClient(connectSocket(port, 0));
    }

    /** @param receiveBuffer a small receive buffer for a client meant to fall behind (0: default) */
    static Socket connectSocket(int port, int receiveBuffer) throws IOException {
        Socket s = new Socket();
        if (receiveBuffer > 0) {
            s.setReceiveBufferSize(receiveBuffer);
        }
        s.connect(new InetSocketAddress("127.0.0.1", port), TIMEOUT_MILLIS);
        return s;
    }

    Socket socket() {
        return socket;
    }

    void send(String text) throws IOException {
        out.write(text.getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    /** The next line with its terminator, or {@code null} at end of stream (a partial line is returned as is). */
    String line() throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        for (int b; (b = in.read()) >= 0; ) {
            line.write(b);
            if (b == '\n') {
                return line.toString(ISO_8859_1);
            }
        }
        return line.size() == 0 ? null : line.toString(ISO_8859_1);
    }

    /** Skips lines until one matches; returns it (terminator included). */
    String lineMatching(Predicate<String> wanted) throws IOException {
        for (String l; (l = line()) != null; ) {
            if (wanted.test(l)) {
                return l;
            }
        }
        throw new AssertionError("stream ended before the expected line");
    }

    String lineContaining(String text) throws IOException {
        return lineMatching(l -> l.contains(text));
    }

    /** Whether the server closed the connection (reads until end of stream, skipping lines). */
    boolean closedByServer() throws IOException {
        try {
            while (in.read() >= 0) {
                // skip
            }
            return true;
        } catch (IOException e) {
            return e.getMessage() != null && e.getMessage().contains("reset");
        }
    }

    /** The connection ends (end of stream, or reset) before any byte arrives. */
    boolean endsWithoutAByte() throws IOException {
        try {
            return in.read() < 0;
        } catch (IOException e) {
            if (e.getMessage() != null && e.getMessage().contains("reset")) {
                return true;
            }
            throw e;
        }
    }

    /** Everything received until (and including) the line containing {@code text}, read in large chunks. */
    String rawUntil(String text) throws IOException {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        byte[] buf = new byte[1 << 16];
        String window = "";
        for (; ; ) {
            int n = in.read(buf);
            if (n < 0) {
                throw new AssertionError("stream ended before " + text);
            }
            all.write(buf, 0, n);
            // look only at the new bytes and enough of the old ones for a match across reads
            window = window.substring(Math.max(0, window.length() - text.length())) + new String(buf, 0, n, ISO_8859_1);
            int at = window.indexOf(text);
            if (at >= 0 && window.indexOf('\n', at) >= 0) {
                return all.toString(ISO_8859_1);
            }
        }
    }

    /** Nothing arrives within {@code millis} (a negative check needs a time limit). */
    boolean silentFor(int millis) throws IOException {
        socket.setSoTimeout(millis);
        try {
            in.read();
            return false;
        } catch (SocketTimeoutException e) {
            return true;
        } finally {
            socket.setSoTimeout(TIMEOUT_MILLIS);
        }
    }

    /**
     * The next raw chunk one {@code read} call on the socket returns, or {@code null} at end of
     * stream. Do not mix with {@link #line()} on one client (that one reads ahead).
     */
    String chunk() throws IOException {
        byte[] buf = new byte[65536];
        int n = raw.read(buf);
        return n < 0 ? null : new String(buf, 0, n, ISO_8859_1);
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
