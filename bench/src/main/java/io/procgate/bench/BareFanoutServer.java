package io.procgate.bench;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.IoEvent;
import io.netty.channel.IoEventLoop;
import io.netty.channel.IoEventLoopGroup;
import io.netty.channel.IoRegistration;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandle;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollIoOps;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.unix.FileDescriptor;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;

/**
 * The fan-out ceiling of {@code bench/tcpr-fanout}: a bare Netty program doing only the unavoidable
 * work of a console fan-out, on the gateway's transport and loop count. One of its epoll loops reads
 * one child's output pipe (non-blocking, level-triggered, as the gateway's process host does) and
 * writes each read, unchanged (no timestamps, no line splitting, no history, no per-client bound),
 * to every connected client, one flush per read per client. It stops reading while any client is
 * unwritable, so it delivers every byte to every client and holds a bounded amount for each
 * (back-pressure slows the child instead).
 *
 * <p>The same client as the gateway's drives it: a client sends a password line and is answered
 * with the line {@code ... is now authenticated}; the line {@code start} on this program's stdin
 * starts the child ({@code stdbuf -oL -eL sh -c SCRIPT}, as the gateway's launcher does); when the
 * child's output ends every client is sent {@code HH:MM:SSTCPR: server shutting down.} and closed.
 * Each further {@code start} runs the child again for new clients (the first run warms the JIT up, as
 * the gateway's is); the program exits at the end of its stdin (after the benchmark has read its CPU
 * time).
 *
 * <p>Usage: {@code BareFanoutServer SCRIPT}; prints {@code bare fan-out on PORT} once listening.
 */
public final class BareFanoutServer {
    /** A pipe holds 64 KiB by default: one read empties it (as the gateway's OutputPipe). */
    private static final int READ_BYTES = 64 * 1024;
    /** Reads per wake-up before the loop serves its sockets (as the gateway's OutputPipe). */
    private static final int READS_PER_WAKEUP = 4;
    /** Bytes a client may have queued before the child is slowed (the gateway's default client-buffer). */
    private static final int CLIENT_BUFFER_BYTES = 1024 * 1024;

    private static final byte[] AUTHENTICATED =
            "[00:00:00] TCP RCON Connection from bench is now authenticated\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] SHUTDOWN = "00:00:00TCPR: server shutting down.\n".getBytes(StandardCharsets.US_ASCII);

    private final List<Channel> clients = new CopyOnWriteArrayList<>();
    /** The current run's end: every client closed. */
    private volatile CountDownLatch finished;
    /** The child's pipe, once started. */
    private volatile PipeReader reader;

    private BareFanoutServer() {}

    public static void main(String[] args) throws Exception {
        Epoll.ensureAvailability();
        new BareFanoutServer().run(args[0]);
    }

    private void run(String script) throws Exception {
        IoEventLoopGroup boss = new MultiThreadIoEventLoopGroup(
                1, new DefaultThreadFactory("bare-accept", true), EpollIoHandler.newFactory());
        IoEventLoopGroup workers = new MultiThreadIoEventLoopGroup(
                Runtime.getRuntime().availableProcessors(),
                new DefaultThreadFactory("bare-io", true),
                EpollIoHandler.newFactory());
        try {
            Channel server = new ServerBootstrap()
                    .group(boss, workers)
                    .channel(EpollServerSocketChannel.class)
                    .childOption(ChannelOption.TCP_NODELAY, true)
                    // The gateway's per-client bound (TCPR client-buffer, 1 MiB; resumes at half):
                    // the ceiling may hold as much for a client before it slows the child.
                    .childOption(
                            ChannelOption.WRITE_BUFFER_WATER_MARK,
                            new WriteBufferWaterMark(CLIENT_BUFFER_BYTES / 2, CLIENT_BUFFER_BYTES))
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            ch.pipeline().addLast(new Client());
                        }
                    })
                    .bind(new InetSocketAddress("127.0.0.1", 0))
                    .sync()
                    .channel();
            System.out.println("bare fan-out on " + ((InetSocketAddress) server.localAddress()).getPort());
            BufferedReader stdin = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.US_ASCII));
            for (String line; (line = stdin.readLine()) != null; ) {
                if (line.equals("start")) {
                    finished = new CountDownLatch(1);
                    start(script, workers);
                    finished.await();
                    reader = null;
                }
                // then stdin's end ends the program: the benchmark reads its CPU time before
            }
        } finally {
            boss.shutdownGracefully();
            workers.shutdownGracefully().syncUninterruptibly();
        }
    }

    private void start(String script, IoEventLoopGroup workers) throws IOException {
        // A non-blocking pipe, as the gateway's launcher makes; the child gets the write end.
        FileDescriptor[] pipe = FileDescriptor.pipe();
        Process child;
        try {
            child = new ProcessBuilder("stdbuf", "-oL", "-eL", "sh", "-c", script)
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .redirectOutput(new File("/proc/self/fd/" + pipe[1].intValue()))
                    .redirectErrorStream(true)
                    .start();
        } finally {
            pipe[1].close();
        }
        child.getOutputStream().close();
        IoEventLoop loop = (IoEventLoop) workers.next();
        PipeReader reader = new PipeReader(pipe[0], loop);
        loop.execute(reader::register);
    }

    /**
     * The child's output pipe on an epoll loop (level-triggered), read as the gateway's host reads
     * it: a bounded number of reads per wake-up. Each read goes to every client as it is. While a
     * client is behind, the pipe is taken off the loop (no reads, so the child blocks on its full
     * pipe); a client's loop puts it back once that client can take more. A registration with no
     * interest would not do: epoll reports a hung-up pipe regardless, and the loop would spin.
     */
    private final class PipeReader implements EpollIoHandle {
        private final FileDescriptor fd;
        private final IoEventLoop loop;
        private final ByteBuf readBuffer = ByteBufAllocator.DEFAULT.directBuffer(READ_BYTES, READ_BYTES);
        private IoRegistration registration;
        /** Registered, or being registered, for reading. */
        private boolean reading;

        private boolean closed;

        PipeReader(FileDescriptor fd, IoEventLoop loop) {
            this.fd = fd;
            this.loop = loop;
        }

        @Override
        public FileDescriptor fd() {
            return fd;
        }

        /** On the loop: reading (again). */
        void register() {
            reader = this;
            reading = true;
            loop.register(this).addListener(f -> {
                if (!f.isSuccess()) {
                    System.err.println("bare fan-out: cannot register the pipe: " + f.cause());
                    close();
                    return;
                }
                registration = (IoRegistration) f.getNow();
                if (closed) {
                    registration.cancel();
                } else {
                    registration.submit(EpollIoOps.EPOLLIN);
                }
            });
        }

        /** On the loop, when a client caught up or left: read again if nobody is behind. */
        void resume() {
            if (!closed && !reading && !anyBehind()) {
                register();
            }
        }

        @Override
        public void handle(IoRegistration registration, IoEvent event) {
            for (int i = 0; i < READS_PER_WAKEUP && !closed && this.registration != null; i++) {
                readBuffer.clear();
                int n;
                try {
                    ByteBuffer nio = readBuffer.internalNioBuffer(0, READ_BYTES);
                    n = fd.read(nio, nio.position(), nio.limit());
                } catch (IOException e) {
                    System.err.println("bare fan-out: reading the pipe failed: " + e);
                    n = -1;
                }
                if (n == 0) {
                    return; // EAGAIN
                }
                if (n < 0) {
                    close();
                    end();
                    return;
                }
                readBuffer.writerIndex(n);
                // the one copy, shared by every client
                ByteBuf chunk = ByteBufAllocator.DEFAULT.directBuffer(n).writeBytes(readBuffer);
                for (Channel client : clients) {
                    client.writeAndFlush(chunk.retainedDuplicate(), client.voidPromise());
                }
                chunk.release();
                if (anyBehind()) {
                    pause();
                }
            }
        }

        private void pause() {
            reading = false;
            this.registration.cancel();
            this.registration = null;
        }

        @Override
        public void close() {
            if (closed) {
                return;
            }
            closed = true;
            if (registration != null) {
                registration.cancel();
                registration = null;
            }
            readBuffer.release();
            try {
                fd.close();
            } catch (IOException ignored) {
                // the child is gone; nothing to do
            }
        }
    }

    private boolean anyBehind() {
        for (Channel client : clients) {
            if (client.isActive() && !client.isWritable()) {
                return true;
            }
        }
        return false;
    }

    /** A client caught up or left: the pipe's loop looks whether to read again. */
    private void clientMoved() {
        PipeReader r = reader;
        if (r != null) {
            r.loop.execute(r::resume);
        }
    }

    /** The shutdown line to every client, then close them; the program ends when all are closed. */
    private void end() {
        int[] left = {clients.size()};
        if (left[0] == 0) {
            finished.countDown();
        }
        for (Channel client : clients) {
            client.writeAndFlush(Unpooled.wrappedBuffer(SHUTDOWN))
                    .addListener(ChannelFutureListener.CLOSE)
                    .addListener(f -> {
                        synchronized (left) {
                            if (--left[0] == 0) {
                                finished.countDown();
                            }
                        }
                    });
        }
    }

    /** A client: authenticated by its first bytes (any password), then only written to. */
    private final class Client extends ChannelInboundHandlerAdapter {
        private boolean authenticated;

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ReferenceCountUtil.release(msg);
            if (!authenticated) {
                authenticated = true;
                ctx.writeAndFlush(Unpooled.wrappedBuffer(AUTHENTICATED));
                clients.add(ctx.channel());
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            System.err.println("bare fan-out: " + ctx.channel() + ": " + cause);
            ctx.close();
        }

        @Override
        public void channelWritabilityChanged(ChannelHandlerContext ctx) {
            if (ctx.channel().isWritable()) {
                clientMoved();
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            clients.remove(ctx.channel());
            clientMoved();
        }
    }
}
