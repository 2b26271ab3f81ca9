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
import io.netty.channel.IoEventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.locks.LockSupport;

/**
 * The fan-out ceiling of {@code bench/tcpr-fanout}: a bare Netty program doing only the unavoidable
 * work of a console fan-out, on the gateway's transport and loop count. A thread reads one child's
 * output pipe (a blocking read) and writes each read, unchanged (no timestamps, no line splitting,
 * no history, no per-client bound), to every connected client's epoll loop, one flush per read per
 * client. It stops reading while any client is unwritable, so it delivers every byte to every client
 * and holds a bounded amount for each (back-pressure slows the child instead).
 *
 * <p>The same client as the gateway's drives it: a client sends a password line and is answered
 * with the line {@code ... is now authenticated}; the line {@code start} on this program's stdin
 * starts the child ({@code stdbuf -oL -eL sh -c SCRIPT}, as the gateway's launcher does); when the
 * child's output ends every client is sent {@code HH:MM:SSTCPR: server shutting down.} and closed;
 * the program exits at the end of its stdin (after the benchmark has read its CPU time).
 *
 * <p>Usage: {@code BareFanoutServer SCRIPT}; prints {@code bare fan-out on PORT} once listening.
 */
public final class BareFanoutServer {
    private static final int READ_BYTES = 64 * 1024;
    /** While a client is behind, how often its writability is looked at again. */
    private static final long BEHIND_RECHECK_NANOS = 20_000;

    private static final byte[] AUTHENTICATED =
            "[00:00:00] TCP RCON Connection from bench is now authenticated\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] SHUTDOWN = "00:00:00TCPR: server shutting down.\n".getBytes(StandardCharsets.US_ASCII);

    private final List<Channel> clients = new CopyOnWriteArrayList<>();
    private final CountDownLatch finished = new CountDownLatch(1);

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
                    start(script);
                    finished.await();
                }
                // then stdin's end ends the program: the benchmark reads its CPU time before
            }
        } finally {
            boss.shutdownGracefully();
            workers.shutdownGracefully().syncUninterruptibly();
        }
    }

    private void start(String script) throws IOException {
        Process child = new ProcessBuilder("stdbuf", "-oL", "-eL", "sh", "-c", script)
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectErrorStream(true)
                .start();
        Thread reader = new Thread(() -> pump(child.getInputStream()), "bare-pipe");
        reader.setDaemon(true);
        reader.start();
    }

    /** Each read of the pipe goes to every client as it is; no more while any client is behind. */
    private void pump(InputStream pipe) {
        byte[] buf = new byte[READ_BYTES];
        try (pipe) {
            for (int n; (n = pipe.read(buf)) > 0; ) {
                // the one copy, shared by every client
                ByteBuf chunk = ByteBufAllocator.DEFAULT.directBuffer(n).writeBytes(buf, 0, n);
                for (Channel client : clients) {
                    client.writeAndFlush(chunk.retainedDuplicate(), client.voidPromise());
                }
                chunk.release();
                while (anyBehind()) {
                    LockSupport.parkNanos(BEHIND_RECHECK_NANOS);
                }
            }
        } catch (IOException e) {
            System.err.println("bare fan-out: reading the pipe failed: " + e);
        }
        end();
    }

    private boolean anyBehind() {
        for (Channel client : clients) {
            if (client.isActive() && !client.isWritable()) {
                return true;
            }
        }
        return false;
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
        public void channelInactive(ChannelHandlerContext ctx) {
            clients.remove(ctx.channel());
        }
    }
}
