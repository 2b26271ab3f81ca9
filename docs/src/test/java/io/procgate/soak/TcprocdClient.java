package io.procgate.soak;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * The few tcprocd requests the soak sends (login, attach, cat), over a blocking socket. The codec's
 * own test client is package-private in codec-tcprocd, whose test classpath holds no other front-end.
 */
final class TcprocdClient implements AutoCloseable {
    private static final int READ_TIMEOUT_MS = 20_000;

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;

    private TcprocdClient(Socket socket) throws IOException {
        this.socket = socket;
        this.in = new java.io.BufferedInputStream(socket.getInputStream());
        this.out = socket.getOutputStream();
    }

    /** A connection logged in as {@code user}. */
    static TcprocdClient login(InetSocketAddress address, String user, String password) throws IOException {
        Socket s = new Socket();
        s.connect(address, READ_TIMEOUT_MS);
        s.setSoTimeout(READ_TIMEOUT_MS);
        TcprocdClient c = new TcprocdClient(s);
        c.expect("AUTHENTICATION_REQUIRED");
        c.send(field(2, user), field(2, password));
        c.expect("OK");
        return c;
    }

    /** Asks to attach to {@code name} and returns the status; after {@code OK} lines arrive through {@link #readLine}. */
    String attach(String name) throws IOException {
        send(field(2, "attach"), field(2, name));
        return status();
    }

    /** Sends {@code cat name from} and returns the status; the data follows. */
    String cat(String name, long from) throws IOException {
        send(field(2, "cat"), field(2, name), field(1, Long.toString(from)));
        return status();
    }

    /** Reads a few bytes of whatever comes next (to leave in the middle of a transfer). */
    int readSome(int max) throws IOException {
        return in.read(new byte[max]);
    }

    String readLine() throws IOException {
        return LineReader.readLine(in);
    }

    private String status() throws IOException {
        int length = Integer.parseInt(ascii(2));
        return ascii(length);
    }

    private void expect(String status) throws IOException {
        String got = status();
        if (!got.equals(status)) {
            throw new IOException("expected " + status + ", got " + got);
        }
    }

    private String ascii(int n) throws IOException {
        return new String(in.readNBytes(n), StandardCharsets.ISO_8859_1);
    }

    private void send(byte[]... parts) throws IOException {
        for (byte[] p : parts) {
            out.write(p);
        }
        out.flush();
    }

    private static byte[] field(int digits, String content) {
        byte[] bytes = content.getBytes(StandardCharsets.UTF_8);
        byte[] length = String.format("%0" + digits + "d", bytes.length).getBytes(StandardCharsets.ISO_8859_1);
        byte[] all = new byte[length.length + bytes.length];
        System.arraycopy(length, 0, all, 0, length.length);
        System.arraycopy(bytes, 0, all, length.length, bytes.length);
        return all;
    }

    /** Closes with a reset rather than a FIN: a client that vanishes mid-transfer. */
    void abort() throws IOException {
        socket.setSoLinger(true, 0);
        socket.close();
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
