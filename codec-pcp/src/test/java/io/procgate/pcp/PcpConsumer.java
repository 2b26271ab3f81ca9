package io.procgate.pcp;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;

/** A PCP consumer over a plain {@link Socket}, as a Ring-style client would talk. */
final class PcpConsumer implements AutoCloseable {
    static final int TIMEOUT_MILLIS = 15_000;

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;

    PcpConsumer(SocketAddress server) throws IOException {
        this(server, null);
    }

    /** Connects from {@code localAddress} (null: any). */
    PcpConsumer(SocketAddress server, InetAddress localAddress) throws IOException {
        socket = new Socket();
        if (localAddress != null) {
            socket.bind(new InetSocketAddress(localAddress, 0));
        }
        socket.connect(server, TIMEOUT_MILLIS);
        socket.setSoTimeout(TIMEOUT_MILLIS);
        socket.setTcpNoDelay(true);
        in = socket.getInputStream();
        out = socket.getOutputStream();
    }

    String host() {
        return ((InetSocketAddress) socket.getRemoteSocketAddress()).getHostString();
    }

    /** Sends raw bytes, no line end added. */
    void sendRaw(String s) throws IOException {
        sendRaw(s.getBytes(StandardCharsets.ISO_8859_1));
    }

    void sendRaw(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
    }

    /** Sends one payload with CRLF. */
    void send(String payload) throws IOException {
        sendRaw(payload + "\r\n");
    }

    void ack() throws IOException {
        sendRaw("$");
    }

    int read() throws IOException {
        int b = in.read();
        if (b < 0) {
            throw new IOException("server closed the connection");
        }
        return b;
    }

    /** Reads exactly as many bytes as {@code expected} has and checks they are those. */
    void expect(String expected) throws IOException {
        byte[] got = new byte[expected.length()];
        for (int i = 0; i < got.length; i++) {
            got[i] = (byte) read();
        }
        assertThat(new String(got, StandardCharsets.ISO_8859_1)).isEqualTo(expected);
    }

    void expectPrompt() throws IOException {
        int b = read();
        assertThat((char) b).as("expected the prompt '>'").isEqualTo('>');
    }

    /** Reads one line up to CRLF (which must be CRLF) and returns it without. */
    String readLine() throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        for (; ; ) {
            int b = read();
            if (b == '\r') {
                assertThat((char) read()).as("CR must be followed by LF").isEqualTo('\n');
                String s = line.toString(StandardCharsets.ISO_8859_1);
                assertThat(s.length() + 2).as("response length").isLessThanOrEqualTo(256);
                return s;
            }
            assertThat((char) b).as("bare LF in a response").isNotEqualTo('\n');
            line.write(b);
        }
    }

    /** Sends {@code payload}, reads the one-line answer and the prompt after it. */
    String request(String payload) throws IOException {
        send(payload);
        String answer = readLine();
        if (!answer.contains("&port=")) {
            expectPrompt();
        }
        return answer;
    }

    /** Whether nothing arrives within {@code millis}. */
    boolean silentFor(int millis) throws IOException {
        socket.setSoTimeout(millis);
        try {
            int b = in.read();
            if (b >= 0) {
                throw new AssertionError("unexpected byte from the server: '" + (char) b + "'");
            }
            return false;
        } catch (SocketTimeoutException expected) {
            return true;
        } finally {
            socket.setSoTimeout(TIMEOUT_MILLIS);
        }
    }

    /** Connects to a data port and reads until the server closes. */
    static byte[] fetch(String host, int port, InetAddress localAddress) throws IOException {
        try (Socket data = new Socket()) {
            if (localAddress != null) {
                data.bind(new InetSocketAddress(localAddress, 0));
            }
            data.connect(new InetSocketAddress(host, port), TIMEOUT_MILLIS);
            data.setSoTimeout(TIMEOUT_MILLIS);
            return data.getInputStream().readAllBytes();
        }
    }

    byte[] fetch(int port) throws IOException {
        return fetch(host(), port, null);
    }

    /** The value of {@code key} in a response line, or null. */
    static String field(String response, String key) {
        for (String pair : response.split("&")) {
            int eq = pair.indexOf('=');
            if (pair.substring(0, eq).equals(key)) {
                return pair.substring(eq + 1);
            }
        }
        return null;
    }

    /** Collects a transfer announced by {@code response}, sends {@code $} and expects the prompt. */
    String collect(String response) throws IOException {
        int port = Integer.parseInt(field(response, "port"));
        int size = Integer.parseInt(field(response, "size"));
        byte[] data = fetch(port);
        assertThat(data).as("transfer of " + response).hasSize(size);
        ack();
        expectPrompt();
        return new String(data, StandardCharsets.UTF_8);
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
