package io.procgate.tcprocd;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * A plain JDK test client for tcprocd over TCP or a unix socket: writes raw bytes, reads the
 * answers with a timeout, and tells a closed connection from a silent one.
 */
final class WireClient implements Closeable {
    static final Duration TIMEOUT = Duration.ofSeconds(10);

    private final SocketChannel channel;
    private final Selector selector;
    private final ByteBuffer buffer = ByteBuffer.allocate(64 * 1024).flip();

    private WireClient(SocketChannel channel) throws IOException {
        this.channel = channel;
        channel.configureBlocking(false);
        this.selector = Selector.open();
        channel.register(selector, SelectionKey.OP_READ);
    }

    /** Connects to a {@link io.procgate.core.Gateway#boundAddresses} entry. */
    static WireClient connect(SocketAddress address) {
        return connect(address, 0);
    }

    /** Connects with a receive buffer of {@code receiveBuffer} bytes (0: the default). */
    static WireClient connect(SocketAddress address, int receiveBuffer) {
        try {
            SocketChannel channel;
            if (address instanceof InetSocketAddress) {
                channel = SocketChannel.open(StandardProtocolFamily.INET);
                if (receiveBuffer > 0) {
                    channel.setOption(StandardSocketOptions.SO_RCVBUF, receiveBuffer);
                }
                channel.connect(address);
            } else {
                channel = SocketChannel.open(StandardProtocolFamily.UNIX);
                if (receiveBuffer > 0) {
                    channel.setOption(StandardSocketOptions.SO_RCVBUF, receiveBuffer);
                }
                channel.connect(UnixDomainSocketAddress.of(unixPath(address)));
            }
            return new WireClient(channel);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The path of a Netty or JDK unix socket address. */
    static String unixPath(SocketAddress address) {
        if (address instanceof UnixDomainSocketAddress) {
            return ((UnixDomainSocketAddress) address).getPath().toString();
        }
        if (address instanceof io.netty.channel.unix.DomainSocketAddress) {
            return ((io.netty.channel.unix.DomainSocketAddress) address).path();
        }
        throw new IllegalArgumentException("not a unix socket address: " + address);
    }

    WireClient send(byte[] bytes) {
        try {
            ByteBuffer out = ByteBuffer.wrap(bytes);
            long deadline = System.nanoTime() + TIMEOUT.toNanos();
            while (out.hasRemaining()) {
                if (channel.write(out) == 0) {
                    if (System.nanoTime() > deadline) {
                        throw new IOException("cannot write: the server does not read");
                    }
                    Thread.onSpinWait();
                    Thread.sleep(1);
                }
            }
            return this;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    WireClient send(String ascii) {
        return send(ascii.getBytes(StandardCharsets.UTF_8));
    }

    /** Reads exactly {@code n} bytes. */
    byte[] read(int n) {
        byte[] out = new byte[n];
        int at = 0;
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (at < n) {
            if (!buffer.hasRemaining()) {
                if (!fill(deadline)) {
                    throw new UncheckedIOException(new EOFException("closed after " + at + " of " + n + " bytes: "
                            + new String(out, 0, at, StandardCharsets.ISO_8859_1)));
                }
                continue;
            }
            int chunk = Math.min(buffer.remaining(), n - at);
            buffer.get(out, at, chunk);
            at += chunk;
        }
        return out;
    }

    String readString(int n) {
        return new String(read(n), StandardCharsets.UTF_8);
    }

    /** Reads one framed status, e.g. {@code OK}. */
    String readStatus() {
        int length = Integer.parseInt(readString(2));
        return readString(length);
    }

    /** Reads the data part of an OK answer. */
    String readData() {
        int digits = Integer.parseInt(readString(1));
        int length = digits == 0 ? 0 : Integer.parseInt(readString(digits));
        return readString(length);
    }

    /** Reads one {@code \n}-terminated line (attach), without the terminator. */
    String readLine() {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        for (; ; ) {
            byte b = read(1)[0];
            if (b == '\n') {
                return line.toString(StandardCharsets.UTF_8);
            }
            line.write(b);
        }
    }

    /** Asserts that the server closes the connection without sending anything more. */
    void assertClosed() {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (true) {
            if (buffer.hasRemaining()) {
                byte[] rest = new byte[buffer.remaining()];
                buffer.get(rest);
                throw new AssertionError("expected the close, got: " + new String(rest, StandardCharsets.ISO_8859_1));
            }
            if (!fill(deadline)) {
                return;
            }
        }
    }

    /** Reads until the server closes; returns everything. */
    String readToEnd() {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        long deadline = System.nanoTime() + TIMEOUT.toNanos() * 3;
        while (true) {
            if (buffer.hasRemaining()) {
                byte[] rest = new byte[buffer.remaining()];
                buffer.get(rest);
                all.writeBytes(rest);
            }
            if (!fill(deadline)) {
                return all.toString(StandardCharsets.UTF_8);
            }
        }
    }

    /** Asserts that nothing arrives for {@code quiet} (the server waits for more). */
    void assertSilent(Duration quiet) {
        long deadline = System.nanoTime() + quiet.toNanos();
        try {
            if (buffer.hasRemaining() || fill(deadline)) {
                throw new AssertionError("expected silence, got " + buffer.remaining() + " bytes");
            }
            throw new AssertionError("expected silence, the connection was closed");
        } catch (UncheckedIOException e) {
            if (!(e.getCause() instanceof java.io.InterruptedIOException)) {
                throw e;
            }
        }
    }

    /** Logs in over TCP and checks the greeting and the answer. */
    WireClient login(String user, String password) {
        assertThat(readStatus()).isEqualTo("AUTHENTICATION_REQUIRED");
        send(TcprocdWire.credentials(user, password));
        assertThat(readStatus()).isEqualTo("OK");
        return this;
    }

    /** False at end of stream; throws an {@link java.io.InterruptedIOException} at the deadline. */
    private boolean fill(long deadline) {
        try {
            buffer.compact();
            try {
                while (true) {
                    int n = channel.read(buffer);
                    if (n < 0) {
                        return false;
                    }
                    if (n > 0) {
                        return true;
                    }
                    long left = deadline - System.nanoTime();
                    if (left <= 0) {
                        throw new java.io.InterruptedIOException("timed out");
                    }
                    selector.select(Math.max(1, left / 1_000_000));
                    selector.selectedKeys().clear();
                }
            } finally {
                buffer.flip();
            }
        } catch (java.net.SocketException e) {
            // A reset is an end, too.
            return false;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Shuts the client's sending side, as {@code nc -N} does at the end of its input. */
    WireClient shutdownOutput() {
        try {
            channel.shutdownOutput();
            return this;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    boolean isOpen() {
        return channel.isOpen();
    }

    @Override
    public void close() {
        try {
            selector.close();
            channel.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
