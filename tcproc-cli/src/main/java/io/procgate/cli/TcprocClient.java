package io.procgate.cli;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;

/**
 * A small blocking tcprocd client (docs/tcprocd.md) over TCP or a unix socket, on plain JDK
 * channels. One request at a time; every method waits for its answer and throws a
 * {@link TcprocException} for any status but {@code OK}.
 */
final class TcprocClient implements Closeable {
    private static final Pattern MISSED = Pattern.compile("\\[gateway] missed (\\d+) lines, next is line (\\d+)");
    /** The notice line is short; a first line longer than this is program output. */
    private static final int MAX_NOTICE = 128;

    private static final int MAX_START_LINE = 999_999_999;

    private final Closeable connection;
    private final boolean unix;
    private final InputStream in;
    private final OutputStream out;

    private TcprocClient(SocketChannel channel, boolean unix) {
        this(channel, ChannelStreams.input(channel), ChannelStreams.output(channel), unix);
    }

    private TcprocClient(Closeable connection, InputStream in, OutputStream out, boolean unix) {
        this.connection = connection;
        this.unix = unix;
        this.in = new BufferedInputStream(in, 64 * 1024);
        this.out = out;
    }

    static TcprocClient tcp(String host, int port) throws IOException {
        return new TcprocClient(SocketChannel.open(new InetSocketAddress(host, port)), false);
    }

    /**
     * Over TLS (1.2 or 1.3): the server's certificate must chain to one in {@code caFile} (PEM), or
     * to the JDK's trusted authorities when it is null, and name {@code host}.
     */
    static TcprocClient tls(String host, int port, Path caFile) throws IOException {
        SSLSocket socket = (SSLSocket) Tls.context(caFile).getSocketFactory().createSocket();
        try {
            socket.connect(new InetSocketAddress(host, port));
            SSLParameters params = socket.getSSLParameters();
            params.setProtocols(Tls.PROTOCOLS);
            params.setEndpointIdentificationAlgorithm("HTTPS"); // the certificate must name the host
            socket.setSSLParameters(params);
            socket.startHandshake();
        } catch (IOException | RuntimeException e) {
            socket.close();
            throw e;
        }
        return new TcprocClient(socket, socket.getInputStream(), socket.getOutputStream(), false);
    }

    static TcprocClient unix(Path socket) throws IOException {
        SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            channel.connect(UnixDomainSocketAddress.of(socket));
        } catch (IOException e) {
            channel.close();
            throw e;
        }
        return new TcprocClient(channel, true);
    }

    /**
     * Logs in. Over TCP the server always asks ({@code NN user NN password}); over a unix socket it
     * asks ({@code NN password}) only when the user has a password, so {@code password} is only
     * called when needed.
     */
    void authenticate(String user, Supplier<byte[]> password) throws IOException, TcprocException {
        Status greeting = readStatus();
        if (unix && greeting == Status.OK) {
            return;
        }
        if (greeting != Status.AUTHENTICATION_REQUIRED) {
            throw new TcprocException(greeting);
        }
        byte[] secret = password.get();
        try {
            send(
                    unix
                            ? field(2, secret, "password")
                            : concat(field(2, utf8(user), "user name"), field(2, secret, "password")));
        } finally {
            java.util.Arrays.fill(secret, (byte) 0);
        }
        expectOk();
    }

    /** Names of the running processes, one per line. */
    void list(OutputStream sink) throws IOException, TcprocException {
        send(word("list"));
        expectOk();
        copyData(sink, -1);
    }

    /** The names {@link #list} prints. */
    List<String> names() throws IOException, TcprocException {
        ByteArrayOutputStream data = new ByteArrayOutputStream();
        list(data);
        String text = data.toString(StandardCharsets.UTF_8);
        return text.isEmpty() ? List.of() : List.of(text.split("\n"));
    }

    /**
     * Whether the gateway has ever known {@code name} (and lets this user see it): a {@code cat}
     * past any possible end answers {@code OK} with no data for a known process, {@code OFFLINE} for
     * an unknown one, {@code PERMISSION_DENIED} for another user's (thrown).
     */
    boolean known(String name) throws IOException, TcprocException {
        String number = Integer.toString(MAX_START_LINE);
        send(concat(word("cat"), name(name), ascii(number.length() + number)));
        Status status = readStatus();
        if (status == Status.OFFLINE) {
            return false;
        }
        if (status != Status.OK) {
            throw new TcprocException(status);
        }
        copyData(OutputStream.nullOutputStream(), MAX_START_LINE);
        return true;
    }

    /**
     * The state and live figures of {@code name} ({@code stats}, an extension of this gateway beyond
     * the original manual), as the {@code key value} lines of the answer, in their order. A gateway
     * without it answers {@code ERROR} (thrown) and closes the connection: ask last.
     */
    Map<String, String> stats(String name) throws IOException, TcprocException {
        send(concat(word("stats"), name(name)));
        expectOk();
        ByteArrayOutputStream data = new ByteArrayOutputStream();
        copyData(data, -1);
        Map<String, String> fields = new LinkedHashMap<>();
        for (String line : data.toString(StandardCharsets.UTF_8).split("\n")) {
            int space = line.indexOf(' ');
            if (space > 0) {
                fields.putIfAbsent(line.substring(0, space), line.substring(space + 1));
            }
        }
        return fields;
    }

    void start(String name, String commandLine, String path) throws IOException, TcprocException {
        send(concat(
                word("start"),
                name(name),
                field(3, utf8(commandLine), "command line"),
                field(3, utf8(path == null ? "" : path), "path")));
        expectOk();
    }

    void kill(String name) throws IOException, TcprocException {
        send(concat(word("kill"), name(name)));
        expectOk();
    }

    void command(String name, String line) throws IOException, TcprocException {
        send(concat(word("command"), name(name), field(3, utf8(line), "line")));
        expectOk();
    }

    /**
     * Writes the output of {@code name} from line {@code from} to the last complete line into
     * {@code sink}, asking again after each capped answer, until an answer is empty.
     */
    void cat(String name, long from, OutputStream sink) throws IOException, TcprocException {
        long next = from;
        while (next <= MAX_START_LINE) {
            String number = Long.toString(next);
            send(concat(word("cat"), name(name), ascii(number.length() + number)));
            expectOk();
            Page page = copyData(sink, next);
            if (page.lines() == 0) {
                return;
            }
            next = page.next();
        }
    }

    /**
     * Attaches: after {@code OK}, copies {@code stdin} to the process and its output to
     * {@code stdout} until the server closes the connection (the process exited). The end of
     * {@code stdin} does not detach: the output goes on until the process ends.
     */
    void attach(String name, InputStream stdin, OutputStream stdout) throws IOException, TcprocException {
        send(concat(word("attach"), name(name)));
        expectOk();
        Thread pump = new Thread(
                () -> {
                    byte[] buffer = new byte[8192];
                    try {
                        for (int n; (n = stdin.read(buffer)) >= 0; ) {
                            out.write(buffer, 0, n);
                        }
                    } catch (IOException e) {
                        // The connection closed: the main thread sees it too.
                    }
                },
                "tcproc-stdin");
        pump.setDaemon(true);
        pump.start();
        byte[] buffer = new byte[8192];
        try {
            for (int n; (n = in.read(buffer)) >= 0; ) {
                stdout.write(buffer, 0, n);
                stdout.flush();
            }
        } catch (IOException e) {
            // A reset at the end is an end too.
        }
    }

    @Override
    public void close() throws IOException {
        connection.close();
    }

    // ---- wire

    /** What one data answer held: how many lines, and (for cat) the line after the last one. */
    private record Page(long lines, long next) {}

    /**
     * Copies the data part of an {@code OK} answer ({@code D}, D digits of length, the bytes) to
     * {@code sink}. For a cat from {@code from}, works out where to read on, minding the
     * {@code [gateway] missed N lines, next is line L} notice that may come first.
     */
    private Page copyData(OutputStream sink, long from) throws IOException, TcprocException {
        int digits = readDigit();
        if (digits == 0) {
            throw new TcprocException("malformed answer: data length without digits");
        }
        long length = 0;
        for (int i = 0; i < digits; i++) {
            length = length * 10 + readDigit();
        }
        long lines = 0;
        long first = from;
        byte[] buffer = new byte[8192];
        // The first line, kept back until it is known whether it is the notice.
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        boolean inHead = true;
        long left = length;
        while (left > 0) {
            int n = in.read(buffer, 0, (int) Math.min(buffer.length, left));
            if (n < 0) {
                throw new EOFException("the server closed the connection in the middle of an answer");
            }
            left -= n;
            int start = 0;
            for (int i = 0; i < n; i++) {
                if (buffer[i] != '\n') {
                    continue;
                }
                lines++;
                if (inHead) {
                    head.write(buffer, start, i + 1 - start);
                    first = noticeNext(head.toString(StandardCharsets.UTF_8), from);
                    head.writeTo(sink);
                    start = i + 1;
                    inHead = false;
                }
            }
            if (inHead) {
                head.write(buffer, start, n - start);
                if (head.size() > MAX_NOTICE) {
                    head.writeTo(sink);
                    inHead = false;
                }
            } else {
                sink.write(buffer, start, n - start);
            }
        }
        if (inHead) {
            head.writeTo(sink);
        }
        sink.flush();
        // After a notice the data is the notice, then lines first..; else lines from..
        return new Page(lines, first != from ? first + lines - 1 : from + lines);
    }

    /** L if {@code line} is the notice for a read from {@code from}, else {@code from}. */
    private static long noticeNext(String line, long from) {
        if (from < 0) {
            return from;
        }
        Matcher m = MISSED.matcher(line.endsWith("\n") ? line.substring(0, line.length() - 1) : line);
        if (m.matches()) {
            try {
                long missed = Long.parseLong(m.group(1));
                long next = Long.parseLong(m.group(2));
                if (missed > 0 && next - missed == from) {
                    return next;
                }
            } catch (NumberFormatException e) {
                return from;
            }
        }
        return from;
    }

    private void expectOk() throws IOException, TcprocException {
        Status status = readStatus();
        if (status != Status.OK) {
            throw new TcprocException(status);
        }
    }

    private Status readStatus() throws IOException, TcprocException {
        int length = readDigit() * 10 + readDigit();
        byte[] word = in.readNBytes(length);
        if (word.length < length) {
            throw new EOFException("the server closed the connection");
        }
        Status status = Status.of(new String(word, StandardCharsets.US_ASCII));
        if (status == null) {
            throw new TcprocException("malformed answer: unknown status");
        }
        return status;
    }

    private int readDigit() throws IOException, TcprocException {
        int b = in.read();
        if (b < 0) {
            throw new EOFException("the server closed the connection");
        }
        if (b < '0' || b > '9') {
            throw new TcprocException("malformed answer: a non-digit where a length belongs");
        }
        return b - '0';
    }

    private void send(byte[] request) throws IOException {
        out.write(request, 0, request.length);
    }

    private static byte[] word(String command) {
        return field(2, ascii(command), "command");
    }

    private static byte[] name(String name) {
        return field(2, utf8(name), "process name");
    }

    /** {@code LEN FIELD} with a {@code digits}-digit length; refuses what the width cannot say. */
    static byte[] field(int digits, byte[] content, String what) {
        int max = digits == 2 ? 99 : 999;
        if (content.length > max) {
            throw new IllegalArgumentException("the " + what + " is longer than " + max + " bytes");
        }
        return concat(ascii(String.format("%0" + digits + "d", content.length)), content);
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            all.writeBytes(part);
        }
        return all.toByteArray();
    }
}
