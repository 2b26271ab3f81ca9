package io.procgate.core.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class BoundedLineSenderTest {

    /** Holds every write unsent until {@link #flushAll}, like a socket whose peer does not read. */
    private static final class StuckSocket extends ChannelOutboundHandlerAdapter {
        final List<Object> held = new ArrayList<>();
        final List<ChannelPromise> promises = new ArrayList<>();
        final List<String> sent = new ArrayList<>();

        @Override
        public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
            held.add(msg);
            promises.add(promise);
        }

        void flushAll() {
            for (int i = 0; i < held.size(); i++) {
                ByteBuf b = (ByteBuf) held.get(i);
                sent.add(b.toString(StandardCharsets.US_ASCII));
                b.release();
                promises.get(i).setSuccess();
            }
            held.clear();
            promises.clear();
        }
    }

    private static ByteBuf line(String s) {
        return Unpooled.copiedBuffer(s, StandardCharsets.US_ASCII);
    }

    private static void send(BoundedLineSender sender, long n, String text) {
        ByteBuf content = line(text);
        try {
            sender.send(n, content);
            assertThat(content.readableBytes()).isEqualTo(text.length()); // not consumed
        } finally {
            content.release();
        }
    }

    @Test
    void linesPassThroughWhileTheClientKeepsUp() {
        EmbeddedChannel ch = new EmbeddedChannel();
        BoundedLineSender sender = new BoundedLineSender(ch, BoundedLineSender.NEWLINE_TERMINATED, 100);
        for (int i = 0; i < 50; i++) {
            send(sender, i, "line " + i);
        }
        for (int i = 0; i < 50; i++) {
            ByteBuf out = ch.readOutbound();
            assertThat(out.toString(StandardCharsets.US_ASCII)).isEqualTo("line " + i + "\n");
            out.release();
        }
        assertThat(sender.missedTotal()).isZero();
        assertThat(sender.pendingBytes()).isZero();
        assertThat(ch.finish()).isFalse();
    }

    @Test
    void slowClientMissesLinesAndIsToldWhichOnce() {
        StuckSocket socket = new StuckSocket();
        EmbeddedChannel ch = new EmbeddedChannel(socket);
        BoundedLineSender sender = new BoundedLineSender(ch, BoundedLineSender.NEWLINE_TERMINATED, 40);
        // each line is 10 bytes with its \n: four fit in 40
        for (int i = 0; i < 10; i++) {
            send(sender, i, "line-000" + i);
        }
        assertThat(sender.pendingBytes()).isEqualTo(40);
        assertThat(sender.missedTotal()).isEqualTo(6);
        socket.flushAll();
        assertThat(sender.pendingBytes()).isZero();
        send(sender, 10, "line-0010");
        socket.flushAll();
        send(sender, 11, "line-0011");
        socket.flushAll();
        assertThat(socket.sent)
                .containsExactly(
                        "line-0000\n",
                        "line-0001\n",
                        "line-0002\n",
                        "line-0003\n",
                        "[gateway] missed 6 lines, next is line 10\n",
                        "line-0010\n",
                        "line-0011\n");
        assertThat(sender.missedTotal()).isEqualTo(6);
        assertThat(ch.finish()).isFalse();
    }

    @Test
    void staysQuietUntilPendingFallsBelowHalf() {
        StuckSocket socket = new StuckSocket();
        EmbeddedChannel ch = new EmbeddedChannel(socket);
        BoundedLineSender sender = new BoundedLineSender(ch, BoundedLineSender.NEWLINE_TERMINATED, 40);
        for (int i = 0; i < 5; i++) {
            send(sender, i, "line-000" + i);
        }
        assertThat(sender.missedTotal()).isEqualTo(1);
        // the peer takes two lines: 20 bytes remain pending, not below half of 40
        for (int i = 0; i < 2; i++) {
            ((ByteBuf) socket.held.remove(0)).release();
            socket.promises.remove(0).setSuccess();
        }
        send(sender, 5, "line-0005");
        assertThat(sender.missedTotal()).isEqualTo(2);
        ((ByteBuf) socket.held.remove(0)).release();
        socket.promises.remove(0).setSuccess();
        send(sender, 6, "line-0006");
        socket.flushAll();
        assertThat(socket.sent)
                .containsExactly("line-0003\n", "[gateway] missed 2 lines, next is line 6\n", "line-0006\n");
        assertThat(ch.finish()).isFalse();
    }

    @Test
    void aLineLongerThanTheBoundStillGoesOutAlone() {
        StuckSocket socket = new StuckSocket();
        EmbeddedChannel ch = new EmbeddedChannel(socket);
        BoundedLineSender sender = new BoundedLineSender(ch, BoundedLineSender.NEWLINE_TERMINATED, 8);
        send(sender, 0, "a very long line");
        send(sender, 1, "x");
        assertThat(sender.missedTotal()).isEqualTo(1);
        socket.flushAll();
        assertThat(socket.sent).containsExactly("a very long line\n");
        assertThat(ch.finish()).isFalse();
    }

    @Test
    void nothingIsWrittenToAClosedChannel() {
        EmbeddedChannel ch = new EmbeddedChannel();
        ch.close();
        BoundedLineSender sender = new BoundedLineSender(ch, BoundedLineSender.NEWLINE_TERMINATED, 100);
        send(sender, 0, "x");
        assertThat((Object) ch.readOutbound()).isNull();
        assertThat(sender.pendingBytes()).isZero();
    }

    @Test
    void realSocketWithNonReadingPeerStaysBounded() throws Exception {
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
        try {
            CompletableFuture<Channel> accepted = new CompletableFuture<>();
            Channel server = new ServerBootstrap()
                    .group(group)
                    .channel(NioServerSocketChannel.class)
                    .childOption(ChannelOption.SO_SNDBUF, 4096)
                    .childHandler(new ChannelInitializer<Channel>() {
                        @Override
                        protected void initChannel(Channel ch) {
                            accepted.complete(ch);
                        }
                    })
                    .bind(new InetSocketAddress("127.0.0.1", 0))
                    .sync()
                    .channel();
            ByteArrayOutputStream received = new ByteArrayOutputStream();
            Channel client = new Bootstrap()
                    .group(group)
                    .channel(NioSocketChannel.class)
                    .option(ChannelOption.AUTO_READ, false) // the slow client: reads nothing for now
                    .option(ChannelOption.SO_RCVBUF, 4096)
                    .handler(new ChannelInboundHandlerAdapter() {
                        @Override
                        public void channelRead(ChannelHandlerContext ctx, Object msg) {
                            ByteBuf b = (ByteBuf) msg;
                            synchronized (received) {
                                received.writeBytes(io.netty.buffer.ByteBufUtil.getBytes(b));
                            }
                            b.release();
                        }
                    })
                    .connect(server.localAddress())
                    .sync()
                    .channel();
            Channel toClient = accepted.get(5, TimeUnit.SECONDS);
            long bound = 64 * 1024;
            BoundedLineSender sender = new BoundedLineSender(toClient, BoundedLineSender.NEWLINE_TERMINATED, bound);
            byte[] payload = new byte[999];
            Arrays.fill(payload, (byte) 'x');
            // The process's loop is another loop than the client channel's.
            java.util.concurrent.ExecutorService processLoop = java.util.concurrent.Executors.newSingleThreadExecutor();
            int lines = 5000;
            processLoop
                    .submit(() -> {
                        for (int i = 0; i < lines; i++) {
                            ByteBuf content = Unpooled.wrappedBuffer(payload);
                            sender.send(i, content);
                            content.release();
                            assertThat(sender.pendingBytes()).isLessThanOrEqualTo(bound);
                        }
                    })
                    .get();
            assertThat(sender.missedTotal()).isGreaterThan(0);
            assertThat(sender.pendingBytes()).isLessThanOrEqualTo(bound);
            // The client starts reading: everything pending arrives, then the notice before the next line.
            client.config().setAutoRead(true);
            await().atMost(Duration.ofSeconds(10)).until(() -> sender.pendingBytes() == 0);
            processLoop
                    .submit(() -> {
                        ByteBuf content = Unpooled.copiedBuffer("last", StandardCharsets.US_ASCII);
                        sender.send(lines, content);
                        content.release();
                    })
                    .get();
            processLoop.shutdown();
            long missed = sender.missedTotal();
            String tail = "[gateway] missed " + missed + " lines, next is line " + lines + "\nlast\n";
            await().atMost(Duration.ofSeconds(10)).until(() -> {
                synchronized (received) {
                    return received.toString(StandardCharsets.US_ASCII).endsWith(tail);
                }
            });
            String all;
            synchronized (received) {
                all = received.toString(StandardCharsets.US_ASCII);
            }
            long payloadLines = 0;
            long announced = 0;
            for (String l : all.split("\n")) {
                if (l.length() == payload.length) {
                    payloadLines++;
                } else if (l.startsWith("[gateway] missed ")) {
                    announced += Long.parseLong(l.split(" ")[2]);
                }
            }
            assertThat(announced).isEqualTo(missed);
            assertThat(payloadLines + missed).isEqualTo(lines);
            client.close().sync();
            server.close().sync();
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
        }
    }

    /** Lines framed once into a buffer shared by several senders, as a fan-out does per read. */
    private static final class SharedRead {
        final ByteBuf shared = Unpooled.directBuffer(1024);
        final List<int[]> ranges = new ArrayList<>();

        SharedRead(String... framedLines) {
            for (String l : framedLines) {
                int start = shared.writerIndex();
                shared.writeCharSequence(l, StandardCharsets.US_ASCII);
                ranges.add(new int[] {start, shared.writerIndex() - start});
            }
        }

        void offerAll(BoundedLineSender sender, long firstNumber) {
            for (int i = 0; i < ranges.size(); i++) {
                sender.offer(firstNumber + i, shared, ranges.get(i)[0], ranges.get(i)[1]);
            }
        }
    }

    private static List<String> outbound(EmbeddedChannel ch) {
        List<String> out = new ArrayList<>();
        for (Object m; (m = ch.readOutbound()) != null; ) {
            ByteBuf b = (ByteBuf) m;
            out.add(b.toString(StandardCharsets.US_ASCII));
            b.release();
        }
        return out;
    }

    @Test
    void theLinesOfOneReadGoOutInOneWriteSharedNotCopied() {
        EmbeddedChannel a = new EmbeddedChannel();
        EmbeddedChannel b = new EmbeddedChannel();
        BoundedLineSender toA = new BoundedLineSender(a, BoundedLineSender.NEWLINE_TERMINATED, 1000);
        BoundedLineSender toB = new BoundedLineSender(b, BoundedLineSender.NEWLINE_TERMINATED, 1000);
        SharedRead read = new SharedRead("one\n", "two\n", "three\n");
        read.offerAll(toA, 0);
        read.offerAll(toB, 0);
        assertThat(a.outboundMessages()).isEmpty(); // nothing before the end of the read
        assertThat(toA.pendingBytes()).isEqualTo(14);
        toA.flushBatch();
        toB.flushBatch();
        ByteBuf toAWire = a.readOutbound();
        // one slice of the shared bytes, not a copy
        assertThat(toAWire.memoryAddress()).isEqualTo(read.shared.memoryAddress());
        assertThat(toAWire.toString(StandardCharsets.US_ASCII)).isEqualTo("one\ntwo\nthree\n");
        toAWire.release();
        assertThat(outbound(a)).isEmpty();
        assertThat(outbound(b)).containsExactly("one\ntwo\nthree\n");
        read.shared.release();
        assertThat(read.shared.refCnt()).isZero(); // every slice was released with its write
        assertThat(toA.pendingBytes()).isZero();
        assertThat(a.finish()).isFalse();
        assertThat(b.finish()).isFalse();
    }

    @Test
    void aLineReadAloneGoesOutAloneAndAnEmptyReadWritesNothing() {
        EmbeddedChannel ch = new EmbeddedChannel();
        BoundedLineSender sender = new BoundedLineSender(ch, BoundedLineSender.NEWLINE_TERMINATED, 1000);
        sender.flushBatch();
        assertThat(ch.outboundMessages()).isEmpty();
        for (int i = 0; i < 3; i++) {
            SharedRead read = new SharedRead("line " + i + "\n");
            read.offerAll(sender, i);
            sender.flushBatch();
            read.shared.release();
        }
        assertThat(outbound(ch)).containsExactly("line 0\n", "line 1\n", "line 2\n");
    }

    @Test
    void aClientTooFarBehindMissesLinesOfABatchAndIsToldBeforeTheNextItGets() {
        EmbeddedChannel ch = new EmbeddedChannel();
        StuckSocket socket = new StuckSocket();
        ch.pipeline().addFirst(socket);
        BoundedLineSender sender = new BoundedLineSender(ch, BoundedLineSender.NEWLINE_TERMINATED, 64);
        String[] eight = new String[8];
        for (int i = 0; i < 8; i++) {
            eight[i] = String.valueOf((char) ('a' + i)).repeat(9) + "\n";
        }
        SharedRead first = new SharedRead(eight);
        first.offerAll(sender, 0); // 60 bytes fit the bound of 64: the last two lines are dropped
        sender.flushBatch();
        assertThat(sender.missedTotal()).isEqualTo(2);
        socket.flushAll(); // the client caught up
        SharedRead second = new SharedRead("iiiiiiiii\n", "jjjjjjjjj\n");
        second.offerAll(sender, 8);
        sender.flushBatch();
        socket.flushAll();
        assertThat(String.join("", socket.sent))
                .isEqualTo(String.join("", Arrays.copyOf(eight, 6))
                        + "[gateway] missed 2 lines, next is line 8\niiiiiiiii\njjjjjjjjj\n");
        assertThat(socket.sent).hasSize(2); // one write per read, the notice in its read's write
        first.shared.release();
        second.shared.release();
        assertThat(first.shared.refCnt()).isZero();
        assertThat(second.shared.refCnt()).isZero();
        assertThat(sender.pendingBytes()).isZero();
    }

    @Test
    void aLineSentOnItsOwnFollowsWhatWasOfferedBeforeIt() {
        EmbeddedChannel ch = new EmbeddedChannel();
        BoundedLineSender sender = new BoundedLineSender(ch, BoundedLineSender.NEWLINE_TERMINATED, 1000);
        SharedRead read = new SharedRead("out\n");
        read.offerAll(sender, 0);
        send(sender, -1, "echo");
        sender.flushBatch();
        read.shared.release();
        assertThat(outbound(ch)).containsExactly("out\n", "echo\n");
    }

    @Test
    void aDiscardedBatchIsReleasedUnsent() {
        EmbeddedChannel ch = new EmbeddedChannel();
        BoundedLineSender sender = new BoundedLineSender(ch, BoundedLineSender.NEWLINE_TERMINATED, 1000);
        SharedRead read = new SharedRead("x\n", "y\n");
        read.offerAll(sender, 0);
        sender.discardBatch();
        sender.flushBatch();
        assertThat(ch.outboundMessages()).isEmpty();
        assertThat(sender.pendingBytes()).isZero();
        read.shared.release();
        assertThat(read.shared.refCnt()).isZero();
    }
}
