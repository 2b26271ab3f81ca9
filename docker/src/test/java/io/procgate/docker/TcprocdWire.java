package io.procgate.docker;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/** A minimal tcprocd client over a plain socket: length-prefixed fields, status words, data. */
final class TcprocdWire implements AutoCloseable {
    private final Socket socket;
    private final DataInputStream in;
    private final OutputStream out;

    TcprocdWire(String host, int port) throws IOException {
        socket = new Socket(host, port);
        socket.setSoTimeout(15_000);
        in = new DataInputStream(socket.getInputStream());
        out = socket.getOutputStream();
    }

    /** {@code 2} and {@code "ab"} make {@code "02ab"}: the field's UTF-8 length in {@code width} digits, then it. */
    static String field(int width, String value) {
        int length = value.getBytes(StandardCharsets.UTF_8).length;
        return String.format("%0" + width + "d", length) + value;
    }

    /** Reads the greeting, logs in; returns the status word of the answer. */
    String login(String user, String password) throws IOException {
        String greeting = status();
        if (!greeting.equals("AUTHENTICATION_REQUIRED")) {
            throw new IOException("expected AUTHENTICATION_REQUIRED, got " + greeting);
        }
        send(field(2, user) + field(2, password));
        return status();
    }

    void send(String request) throws IOException {
        out.write(request.getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    /** One status, e.g. {@code OK}. */
    String status() throws IOException {
        int length = Integer.parseInt(new String(in.readNBytes(2), StandardCharsets.US_ASCII));
        return new String(in.readNBytes(length), StandardCharsets.US_ASCII);
    }

    /** The data part after an {@code OK} to list or cat. */
    String data() throws IOException {
        int digits = in.readUnsignedByte() - '0';
        int length = Integer.parseInt(new String(in.readNBytes(digits), StandardCharsets.US_ASCII));
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        buf.write(in.readNBytes(length));
        return buf.toString(StandardCharsets.UTF_8);
    }

    String list() throws IOException {
        send("04list");
        String s = status();
        return s.equals("OK") ? data() : s;
    }

    String cat(String name, long from) throws IOException {
        String line = Long.toString(from);
        send("03cat" + field(2, name) + field(1, line));
        String s = status();
        return s.equals("OK") ? data() : s;
    }

    String command(String name, String line) throws IOException {
        send("07command" + field(2, name) + field(3, line));
        return status();
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
