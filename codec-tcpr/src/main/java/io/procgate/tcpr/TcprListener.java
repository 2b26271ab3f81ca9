package io.procgate.tcpr;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.procgate.core.auth.LoginThrottle;
import io.procgate.core.metrics.ProtocolMetrics;
import io.procgate.core.net.PeerAddresses;
import io.procgate.host.ExitStatus;
import io.procgate.host.LineSubscriber;
import io.procgate.host.ProcessHost;
import io.procgate.host.StdinResult;
import io.procgate.host.Subscription;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.LocalTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running state of one TCPR listener: the connections it admitted, the authenticated clients,
 * and the one subscription to its process's output that feeds them all.
 *
 * <p>Lifecycle of a client (tcpr spec, sections 2 and 8): a client that authenticates joins the
 * listener whether or not the process runs. It receives every line the process prints from then on,
 * in this run or, if the process is down, from its next start. When a run ends, every joined client
 * (those that watched it, and those that waited for it and then watched it) is sent the shutdown
 * line and closed, as a KAG server's clients are when it stops; a client waiting for a process that
 * has not started yet stays. When the gateway stops, every joined client gets the shutdown line too.
 *
 * <p>Thread-safe: connections come in on every event loop, output on the process's loop.
 */
final class TcprListener {
    private static final Logger LOG = LoggerFactory.getLogger(TcprListener.class);

    /** The size of a block that a read's lines are framed into (a pipe read is at most 64 KiB). */
    private static final int FRAME_BLOCK_BYTES = 64 * 1024;

    private final TcprListenerSettings settings;
    private final ProtocolMetrics metrics;
    private final ProcessHost host;
    private final LoginThrottle throttle;
    private final Clock clock;
    private final Executor verifier;
    private final String description;
    private final AtomicInteger connections = new AtomicInteger();
    private final Set<TcprClient> clients = ConcurrentHashMap.newKeySet();
    private volatile Subscription subscription;
    /** Set once the listener is closed: no subscription after that; guarded by {@code this}. */
    private boolean closed;

    /**
     * @param clock local time of the gateway, for the {@code [HH:MM:SS]} prefixes
     * @param verifier where password checks run, off the event loops (a slow hash must not stall them)
     */
    TcprListener(
            TcprListenerSettings settings, ProcessHost host, LoginThrottle throttle, Clock clock, Executor verifier) {
        this(settings, host, throttle, clock, verifier, ProtocolMetrics.noop(TcprPlugin.NAME));
    }

    /** As above, counting commands and failed logins in {@code metrics}. */
    TcprListener(
            TcprListenerSettings settings,
            ProcessHost host,
            LoginThrottle throttle,
            Clock clock,
            Executor verifier,
            ProtocolMetrics metrics) {
        this.metrics = metrics;
        this.settings = settings;
        this.host = host;
        this.throttle = throttle;
        this.clock = clock;
        this.verifier = verifier;
        this.description = "tcpr listener " + settings.bindAddress() + " (process " + settings.process() + ")";
    }

    /**
     * Subscribes to the process's output (the process need not exist yet), once. Called at the
     * first connection: the gateway opens its process host only after the plugins built their
     * listeners, and accepts nothing before.
     */
    void open() {
        if (subscription == null) {
            synchronized (this) {
                if (subscription == null && !closed) {
                    subscription = host.subscribe(settings.process(), new Output());
                }
            }
        }
    }

    /** Stops receiving output and ends every session with the shutdown line. */
    void close() {
        Subscription s;
        synchronized (this) {
            closed = true;
            s = subscription;
        }
        if (s != null) {
            s.close();
        }
        shutdownAll("listener closed");
    }

    private synchronized boolean isClosed() {
        return closed;
    }

    TcprListenerSettings settings() {
        return settings;
    }

    LoginThrottle throttle() {
        return throttle;
    }

    /** Commands by result ({@code OK}, {@code NOT_RUNNING}, {@code BUFFER_FULL}) and failed logins. */
    ProtocolMetrics metrics() {
        return metrics;
    }

    Executor verifier() {
        return verifier;
    }

    @Override
    public String toString() {
        return description;
    }

    /** The gateway's local time now, to the second. */
    LocalTime now() {
        return LocalTime.ofInstant(clock.instant(), clock.getZone()).truncatedTo(ChronoUnit.SECONDS);
    }

    /**
     * Admits a new connection, or closes it at once, before any byte: when its address is
     * throttled for failed logins, or when the listener already has {@code max-clients}
     * connections (authenticated or not).
     */
    boolean admit(Channel ch) {
        InetAddress address = inetAddress(ch.remoteAddress());
        if (address != null && throttle.isBlocked(address)) {
            LOG.warn("{}: refused {}: too many failed logins", description, peer(ch));
            ch.close();
            return false;
        }
        if (connections.incrementAndGet() > settings.maxClients()) {
            connections.decrementAndGet();
            LOG.warn("{}: refused {}: max-clients ({}) reached", description, peer(ch), settings.maxClients());
            ch.close();
            return false;
        }
        ch.closeFuture().addListener(f -> connections.decrementAndGet());
        open();
        return true;
    }

    int connections() {
        return connections.get();
    }

    int clientCount() {
        return clients.size();
    }

    void join(TcprClient client) {
        clients.add(client);
        // a client that joined as the listener closed must not be left behind
        if (isClosed()) {
            leave(client);
            client.shutdown(now());
        }
    }

    void leave(TcprClient client) {
        clients.remove(client);
    }

    /**
     * Writes a client's line to the process and tells every client of this listener who sent what,
     * as KAG does; the sender alone hears when the line could not be delivered.
     */
    void command(TcprClient from, byte[] line) {
        StdinResult result = host.writeStdin(settings.process(), line);
        metrics.request(result == StdinResult.WRITTEN ? "OK" : result.name());
        switch (result) {
            case WRITTEN -> {
                LOG.debug("{}: {} sent {} bytes", description, from.peer(), line.length);
                ByteBuf header = Unpooled.wrappedBuffer(
                        (TcprConstants.COMMAND_FROM_BEFORE + from.peer() + TcprConstants.COMMAND_FROM_AFTER)
                                .getBytes(StandardCharsets.UTF_8));
                ByteBuf echo = Unpooled.wrappedBuffer(line);
                try {
                    for (TcprClient client : clients) {
                        client.echo(header, echo);
                    }
                } finally {
                    header.release();
                    echo.release();
                }
            }
            case NOT_RUNNING -> from.text(TcprConstants.notRunning(settings.process()));
            case BUFFER_FULL -> from.text(TcprConstants.stdinFull(settings.process()));
        }
    }

    private void shutdownAll(String why) {
        LocalTime time = now();
        int n = 0;
        for (TcprClient client : clients) {
            clients.remove(client);
            if (client.shutdown(time)) {
                n++;
            }
        }
        if (n > 0) {
            LOG.info("{}: {}, closed {} client(s)", description, why, n);
        }
    }

    /** The address as KAG prints it: dotted IPv4, or compressed IPv6 in brackets, and the port. */
    static String peer(Channel ch) {
        return PeerAddresses.format(ch.remoteAddress());
    }

    static InetAddress inetAddress(SocketAddress remote) {
        return remote instanceof InetSocketAddress inet ? inet.getAddress() : null;
    }

    /**
     * The process's output, fanned out to every joined client; called on the process's loop. Each
     * line is framed once per newline in use ({@code [HH:MM:SS] } prefix, split, newline), into a
     * buffer of its read that every client of that newline shares; at the end of the read each
     * client is handed its share in one write (tcpr spec, section 2.4), through its own bound.
     */
    private final class Output implements LineSubscriber {
        /**
         * Per {@link TcprNewline}: the block this read's lines are framed into, or null. A block
         * never grows (a client's loop may be sending an earlier part of it while later lines are
         * framed): a frame that does not fit starts a new block.
         */
        private final ByteBuf[] frames = new ByteBuf[TcprNewline.values().length];
        /** Every block of this read, released at its end (clients hold retained slices). */
        private final List<ByteBuf> blocks = new ArrayList<>();
        /** Per newline: where the current line's frame starts in its block, and its length. */
        private final int[] offsets = new int[frames.length];

        private final int[] lengths = new int[frames.length];
        /** Per newline: the line whose frame {@link #offsets} holds. */
        private final long[] framedLine = new long[frames.length];
        /** The time of this read, for every line of it; null between reads. */
        private LocalTime readTime;

        @Override
        public void onLine(long lineNumber, ByteBuf content) {
            if (clients.isEmpty()) {
                return;
            }
            if (readTime == null) {
                readTime = now();
                Arrays.fill(framedLine, -1);
            }
            for (TcprClient client : clients) {
                int n = client.newline().ordinal();
                if (framedLine[n] != lineNumber) {
                    frame(n, lineNumber, content);
                }
                client.offer(lineNumber, frames[n], offsets[n], lengths[n]);
            }
        }

        private void frame(int n, long lineNumber, ByteBuf content) {
            TcprNewline newline = TcprNewline.values()[n];
            int pieces = Math.max(
                    1, (content.readableBytes() + TcprConstants.MAX_LINE_BYTES - 1) / TcprConstants.MAX_LINE_BYTES);
            int needed = content.readableBytes() + pieces * (TcprConstants.TIMESTAMP_PREFIX_LENGTH + newline.length());
            ByteBuf block = frames[n];
            if (block == null || block.writableBytes() < needed) {
                int size = Math.max(FRAME_BLOCK_BYTES, needed);
                block = frames[n] = ByteBufAllocator.DEFAULT.directBuffer(size, size);
                blocks.add(block);
            }
            int start = block.writerIndex();
            TcprEncoder.appendFrame(
                    block, settings.timestamps(), readTime, content, newline, TcprConstants.MAX_LINE_BYTES);
            offsets[n] = start;
            lengths[n] = block.writerIndex() - start;
            framedLine[n] = lineNumber;
        }

        @Override
        public void onLinesEnd() {
            if (readTime == null) {
                return;
            }
            readTime = null;
            for (TcprClient client : clients) {
                client.flushBatch();
            }
            Arrays.fill(frames, null);
            for (ByteBuf block : blocks) {
                block.release();
            }
            blocks.clear();
        }

        @Override
        public void onStart(long pid) {
            if (!clients.isEmpty()) {
                LOG.info(
                        "{}: process started (pid {}), {} waiting client(s) now attached",
                        description,
                        pid,
                        clients.size());
            }
        }

        @Override
        public void onExit(ExitStatus status) {
            onLinesEnd(); // a host delivers every line, and the end of its read, before this
            shutdownAll("process exited (" + status + ")");
        }
    }
}
