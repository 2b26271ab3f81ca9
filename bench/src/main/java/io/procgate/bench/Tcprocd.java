package io.procgate.bench;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/** The few tcprocd requests a benchmark needs to drive the gateway, on a blocking channel. */
final class Tcprocd {
    private static final String AUTH_REQUIRED = "23AUTHENTICATION_REQUIRED";
    private static final int START_ATTEMPTS = 100;

    private Tcprocd() {}

    static void authenticate(SocketChannel ch, String user, String password) throws IOException {
        String greeting = ascii(readExactly(ch, AUTH_REQUIRED.length()));
        if (!greeting.equals(AUTH_REQUIRED)) {
            throw new IOException("unexpected tcprocd greeting: " + greeting);
        }
        write(ch, field(2, user) + field(2, password));
        String status = readStatus(ch);
        if (!status.equals("OK")) {
            throw new IOException("tcprocd authentication: " + status);
        }
    }

    /**
     * Starts {@code name}; while the previous run is still being wound up ({@code EXISTS}), tries
     * again for a few seconds.
     */
    static void start(SocketChannel ch, String name, String commandLine) throws IOException {
        for (int attempt = 0; attempt < START_ATTEMPTS; attempt++) {
            write(ch, "05start" + field(2, name) + field(3, commandLine) + "000");
            String status = readStatus(ch);
            if (status.equals("OK")) {
                return;
            }
            if (!status.equals("EXISTS")) {
                throw new IOException("tcprocd start " + name + ": " + status);
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException(e);
            }
        }
        throw new IOException("tcprocd start " + name + ": still EXISTS");
    }

    static String field(int width, String value) {
        int length = value.getBytes(StandardCharsets.UTF_8).length;
        return String.format(Locale.ROOT, "%0" + width + "d", length) + value;
    }

    private static void write(SocketChannel ch, String request) throws IOException {
        ByteBuffer buf = ByteBuffer.wrap(request.getBytes(StandardCharsets.UTF_8));
        while (buf.hasRemaining()) {
            ch.write(buf);
        }
    }

    private static String readStatus(SocketChannel ch) throws IOException {
        int length = Integer.parseInt(ascii(readExactly(ch, 2)));
        return ascii(readExactly(ch, length));
    }

    private static String ascii(ByteBuffer buf) {
        return StandardCharsets.US_ASCII.decode(buf).toString();
    }

    private static ByteBuffer readExactly(SocketChannel ch, int n) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(n);
        while (buf.hasRemaining()) {
            if (ch.read(buf) < 0) {
                throw new IOException("closed by the server");
            }
        }
        return buf.flip();
    }
}
