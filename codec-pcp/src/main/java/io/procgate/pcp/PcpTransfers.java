package io.procgate.pcp;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoEventLoop;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import io.procgate.core.net.SocketErrors;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Server-to-consumer data transfers of one PCP listener (spec section 2, step 4): the consumer is
 * told a port and a size, connects, reads exactly {@code size} bytes and closes.
 *
 * <ul>
 *   <li>{@code data-port = 0}: every transfer binds a fresh ephemeral port on the listener's host,
 *       on the session's own event loop, and closes it after its one connection (or its timeout).
 *   <li>a fixed data port: bound once, on one worker event loop, when the listener is set up.
 *       Transfers for consumers at the same address are served one at a time in the order they were
 *       offered: the next one is announced only when the previous one is done, so a consumer can
 *       never read another's data. A connection while none is announced is closed without data.
 * </ul>
 *
 * A data connection is served only if it comes from the consumer's own address, only once, and
 * only within the transfer timeout after the announcement; any other connection is closed without
 * data. Each transfer's state lives on one event loop (its home); the session is told what happened
 * through a {@link Listener}, always on the session's event loop and never re-entrantly.
 */
final class PcpTransfers {
    private static final Logger log = LoggerFactory.getLogger(PcpTransfers.class);

    /** How a transfer ended. */
    enum Outcome {
        /** All bytes were written to the consumer's data connection. */
        DELIVERED,
        /** Nobody connected in time, or the data connection broke: the transfer is dropped. */
        EXPIRED,
        /** No data port could be opened: the transfer was never announced. */
        UNAVAILABLE
    }

    /** The session's side of a transfer; called on the session's event loop. */
    interface Listener {
        /** The transfer waits on {@code port}: send the response announcing it now. */
        void announced(int port);

        void finished(Outcome outcome);
    }

    /** A transfer as its session sees it. */
    interface Handle {
        /** Drops the transfer (the session closed): releases its data, frees its port. */
        void cancel();
    }

    private final String host;
    private final int dataPort;
    private final long timeoutNanos;

    // fixed data port only: its server channel lives on fixedLoop, and the queues are confined to it
    private final EventLoop fixedLoop;
    private volatile Channel fixedServer;
    private final Map<InetAddress, ArrayDeque<Transfer>> queues = new HashMap<>();

    private PcpTransfers(String host, int dataPort, Duration timeout, EventLoopGroup workers) {
        this.host = host;
        this.dataPort = dataPort;
        this.timeoutNanos = timeout.toNanos();
        this.fixedLoop = dataPort == 0 ? null : workers.next();
    }

    /**
     * The transfers of one listener. A fixed {@code dataPort} is bound here, at once and for the
     * listener's lifetime (until {@link #close}): a port in use fails the gateway's start
     * with one clear line instead of a later request, and no transfer ever waits for a re-bind.
     *
     * @throws IllegalStateException if the fixed data port cannot be bound
     */
    static PcpTransfers open(String host, int dataPort, Duration timeout, EventLoopGroup workers) {
        PcpTransfers transfers = new PcpTransfers(host, dataPort, timeout, workers);
        if (dataPort != 0) {
            transfers.bindFixed();
        }
        return transfers;
    }

    private void bindFixed() {
        ChannelFuture bind = bootstrap(fixedLoop, new DataConnectionHandler(this, null))
                .bind(host, dataPort)
                .awaitUninterruptibly();
        if (!bind.isSuccess()) {
            throw new IllegalStateException(
                    "cannot open the data port " + host + ":" + dataPort + ": " + SocketErrors.describe(bind.cause()),
                    bind.cause());
        }
        fixedServer = bind.channel();
        log.info("pcp data port on {}:{}", host, dataPort);
    }

    /** Closes the fixed data port, if any (the gateway is stopping); waiting transfers expire. */
    void close() {
        Channel server = fixedServer;
        if (server != null) {
            server.close().awaitUninterruptibly();
        }
    }

    /**
     * Offers {@code data} (now owned by the transfer) to the consumer of {@code session}. Call on the
     * session's event loop.
     */
    Handle offer(Channel session, ByteBuf data, Listener listener) {
        SocketAddress remote = session.remoteAddress();
        if (!(remote instanceof InetSocketAddress inet)) {
            ReferenceCountUtil.safeRelease(data);
            session.eventLoop().execute(() -> listener.finished(Outcome.UNAVAILABLE));
            return () -> {};
        }
        if (dataPort == 0) {
            Transfer t = new Transfer(session.eventLoop(), session, inet.getAddress(), data, listener);
            t.execute(() -> bindEphemeral(t));
            return t;
        }
        Transfer t = new Transfer(fixedLoop, session, inet.getAddress(), data, listener);
        t.execute(() -> enqueue(t));
        return t;
    }

    // ---- ephemeral ports: everything on the session's loop

    private void bindEphemeral(Transfer t) {
        if (t.state == TransferState.DONE) {
            return;
        }
        ServerBootstrap b = bootstrap(t.home, new DataConnectionHandler(this, t));
        b.bind(host, 0).addListener((ChannelFutureListener) f -> {
            if (!f.isSuccess()) {
                log.warn(
                        "pcp: cannot open a data port on {}: {}",
                        host,
                        f.cause().toString());
                t.finish(Outcome.UNAVAILABLE);
                return;
            }
            t.server = f.channel();
            if (t.state == TransferState.DONE) {
                t.server.close();
                return;
            }
            t.announce(((InetSocketAddress) f.channel().localAddress()).getPort());
        });
    }

    // ---- a fixed port: everything on fixedLoop

    private void enqueue(Transfer t) {
        if (t.state == TransferState.DONE) {
            return;
        }
        ArrayDeque<Transfer> queue = queues.computeIfAbsent(t.consumer, a -> new ArrayDeque<>());
        queue.add(t);
        if (queue.size() == 1) {
            startHead(t.consumer);
        }
    }

    /** Announces the oldest waiting transfer of {@code consumer}. */
    private void startHead(InetAddress consumer) {
        ArrayDeque<Transfer> queue = queues.get(consumer);
        if (queue == null || queue.isEmpty()) {
            return;
        }
        Transfer head = queue.peek();
        if (head.state == TransferState.WAITING) {
            head.announce(dataPort);
        }
    }

    /** A transfer of the fixed port is done: let the next one of its consumer go. */
    private void fixedDone(Transfer t) {
        ArrayDeque<Transfer> queue = queues.get(t.consumer);
        if (queue == null) {
            return;
        }
        boolean wasHead = queue.peek() == t;
        queue.remove(t);
        if (queue.isEmpty()) {
            queues.remove(t.consumer);
        } else if (wasHead) {
            startHead(t.consumer);
        }
    }

    /** A connection to the fixed port: the oldest announced transfer of its address, or nothing. */
    private Transfer fixedTransferFor(InetAddress address) {
        ArrayDeque<Transfer> queue = queues.get(address);
        Transfer head = queue == null ? null : queue.peek();
        return head != null && head.state == TransferState.ANNOUNCED ? head : null;
    }

    // ---- shared

    private static ServerBootstrap bootstrap(EventLoop loop, DataConnectionHandler handler) {
        return new ServerBootstrap()
                .group(loop, loop)
                .channel(serverChannelType(loop))
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.AUTO_READ, false)
                .childHandler(handler);
    }

    /** The server channel that fits the workers' transport: epoll where the gateway runs on it. */
    static Class<? extends ServerChannel> serverChannelType(EventLoop loop) {
        if (loop instanceof IoEventLoop io && io.isIoType(EpollIoHandler.class)) {
            return EpollServerSocketChannel.class;
        }
        return NioServerSocketChannel.class;
    }

    private void accepted(Channel data, Transfer ephemeral) {
        InetAddress from = ((InetSocketAddress) data.remoteAddress()).getAddress();
        Transfer t = ephemeral != null ? ephemeral : fixedTransferFor(from);
        if (t == null || t.state != TransferState.ANNOUNCED || !t.consumer.equals(from)) {
            log.debug("pcp: data connection from {} refused", data.remoteAddress());
            data.close();
            return;
        }
        t.send(data);
    }

    private enum TransferState {
        /** Waiting for a port (being bound, or behind another transfer of the same address). */
        WAITING,
        /** The consumer was told the port; the timeout runs. */
        ANNOUNCED,
        /** The consumer connected; the data is being written. */
        SENDING,
        DONE
    }

    /** One transfer; its fields are confined to {@link #home}. */
    private final class Transfer implements Handle {
        final EventLoop home;
        final Channel session;
        final InetAddress consumer;
        final Listener listener;
        final int size;
        ByteBuf data;
        TransferState state = TransferState.WAITING;
        ScheduledFuture<?> timeout;
        /** The ephemeral port's server channel. */
        Channel server;

        Transfer(EventLoop home, Channel session, InetAddress consumer, ByteBuf data, Listener listener) {
            this.home = home;
            this.session = session;
            this.consumer = consumer;
            this.data = data;
            this.listener = listener;
            this.size = data.readableBytes();
        }

        void execute(Runnable task) {
            try {
                home.execute(task);
            } catch (RejectedExecutionException e) {
                // the gateway is stopping: nobody will collect the data
                state = TransferState.DONE;
                ReferenceCountUtil.safeRelease(data);
                data = null;
            }
        }

        void announce(int port) {
            state = TransferState.ANNOUNCED;
            timeout = home.schedule(this::expire, timeoutNanos, TimeUnit.NANOSECONDS);
            tellSession(() -> listener.announced(port));
        }

        private void expire() {
            if (state == TransferState.ANNOUNCED) {
                log.debug("pcp: nobody collected {} bytes for {}", size, session.remoteAddress());
                finish(Outcome.EXPIRED);
            }
        }

        void send(Channel connection) {
            state = TransferState.SENDING;
            timeout.cancel(false);
            closeServer();
            ByteBuf d = data;
            data = null;
            connection.writeAndFlush(d).addListener((ChannelFutureListener) f -> {
                connection.close();
                finish(f.isSuccess() ? Outcome.DELIVERED : Outcome.EXPIRED);
            });
        }

        void finish(Outcome outcome) {
            if (state == TransferState.DONE) {
                return;
            }
            boolean cancelled = outcome == null;
            state = TransferState.DONE;
            if (timeout != null) {
                timeout.cancel(false);
            }
            ReferenceCountUtil.safeRelease(data);
            data = null;
            closeServer();
            if (dataPort != 0) {
                fixedDone(this);
            }
            if (!cancelled) {
                tellSession(() -> listener.finished(outcome));
            }
        }

        private void closeServer() {
            if (server != null) {
                server.close();
                server = null;
            }
        }

        private void tellSession(Runnable r) {
            try {
                session.eventLoop().execute(r);
            } catch (RejectedExecutionException e) {
                log.debug("pcp: session loop gone, transfer event dropped");
            }
        }

        @Override
        public void cancel() {
            execute(() -> finish(null));
        }
    }

    /** Serves (or refuses) each connection to a data port. */
    @Sharable
    private static final class DataConnectionHandler extends ChannelInboundHandlerAdapter {
        private final PcpTransfers transfers;
        private final Transfer ephemeral;

        DataConnectionHandler(PcpTransfers transfers, Transfer ephemeral) {
            this.transfers = transfers;
            this.ephemeral = ephemeral;
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            transfers.accepted(ctx.channel(), ephemeral);
            ctx.fireChannelActive();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            // the consumer's connection broke; the write's listener reports it
            log.debug("pcp: data connection {}: {}", ctx.channel().remoteAddress(), cause.toString());
            ctx.close();
        }
    }
}
