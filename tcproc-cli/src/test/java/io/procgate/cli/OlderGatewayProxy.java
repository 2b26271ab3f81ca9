package io.procgate.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A loopback proxy in front of a real gateway that makes it an older gateway, one without the
 * {@code stats} extension: it turns the command word {@code 05stats} into {@code 05stat_}, an
 * unknown word, so the gateway itself answers {@code 05ERROR} and closes, as one that never had
 * {@code stats} does. Everything else passes through untouched, whatever way the bytes are split.
 */
final class OlderGatewayProxy implements AutoCloseable {
    private static final byte[] WORD = "05stats".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] UNKNOWN = "05stat_".getBytes(StandardCharsets.US_ASCII);

    private final ServerSocket server;
    private final InetSocketAddress gateway;
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private final Thread acceptor;

    OlderGatewayProxy(InetSocketAddress gateway) throws IOException {
        this.gateway = gateway;
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        this.acceptor = new Thread(this::accept, "older-gateway-proxy");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    int port() {
        return server.getLocalPort();
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                Socket upstream = new Socket(gateway.getAddress(), gateway.getPort());
                sockets.add(client);
                sockets.add(upstream);
                pump(client, upstream, true);
                pump(upstream, client, false);
            } catch (IOException e) {
                return; // closed
            }
        }
    }

    /** Copies {@code from} to {@code to} until the end, then closes {@code to}'s output side. */
    private static void pump(Socket from, Socket to, boolean rewrite) {
        Thread pump = new Thread(
                () -> {
                    try (InputStream in = from.getInputStream()) {
                        OutputStream out = to.getOutputStream();
                        byte[] buffer = new byte[8192];
                        int matched = 0;
                        for (int n; (n = in.read(buffer)) >= 0; ) {
                            if (!rewrite) {
                                out.write(buffer, 0, n);
                                continue;
                            }
                            for (int i = 0; i < n; i++) {
                                byte b = buffer[i];
                                if (b == WORD[matched]) {
                                    if (++matched == WORD.length) {
                                        out.write(UNKNOWN);
                                        matched = 0;
                                    }
                                    continue;
                                }
                                // No proper suffix of a prefix of WORD starts it again but its first byte.
                                out.write(WORD, 0, matched);
                                matched = b == WORD[0] ? 1 : 0;
                                if (matched == 0) {
                                    out.write(b);
                                }
                            }
                            out.flush();
                        }
                        out.write(WORD, 0, matched);
                        to.shutdownOutput();
                    } catch (IOException e) {
                        // One side went away: so does the other.
                        closeQuietly(to);
                    }
                },
                "older-gateway-pump");
        pump.setDaemon(true);
        pump.start();
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException e) {
            // already closed
        }
    }

    @Override
    public void close() {
        try {
            server.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        sockets.forEach(OlderGatewayProxy::closeQuietly);
        try {
            acceptor.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
