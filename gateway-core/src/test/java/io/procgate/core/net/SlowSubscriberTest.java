package io.procgate.core.net;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.procgate.host.ExitStatus;
import io.procgate.host.LineSubscriber;
import io.procgate.host.ProcessSpec;
import io.procgate.host.Subscription;
import io.procgate.host.testing.TestHost;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A live subscriber whose client stops reading while the child writes 100 MB: the gateway's
 * buffering stays within the bound, the child runs to its end unhindered, and the client is told
 * how many lines it missed.
 */
class SlowSubscriberTest {
    private static final long BOUND = 1 << 20;
    private static final long LINES = 1_000_000; // of 100 bytes: 100 MB
    private static final String LINE = "x".repeat(99);
    private static final Pattern MISSED = Pattern.compile("\\[gateway] missed (\\d+) lines, next is line (\\d+)");

    @TempDir
    Path data;

    @Test
    void aClientThatStopsReadingNeitherBlocksTheChildNorGrowsMemory() throws Exception {
        ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor();
        try (TestHost t = TestHost.open(data)) {
            CompletableFuture<Channel> accepted = new CompletableFuture<>();
            Channel server = new ServerBootstrap()
                    .group(t.loops())
                    .channel(EpollServerSocketChannel.class)
                    .childOption(ChannelOption.SO_SNDBUF, 64 * 1024)
                    .childHandler(new ChannelInitializer<Channel>() {
                        @Override
                        protected void initChannel(Channel ch) {
                            accepted.complete(ch);
                        }
                    })
                    .bind("127.0.0.1", 0)
                    .sync()
                    .channel();
            try (Socket client = new Socket()) {
                client.setReceiveBufferSize(16 * 1024);
                client.connect(server.localAddress());
                Channel ch = accepted.get(10, TimeUnit.SECONDS);
                BoundedLineSender sender = new BoundedLineSender(ch, BoundedLineSender.NEWLINE_TERMINATED, BOUND);
                CompletableFuture<ExitStatus> exited = new CompletableFuture<>();
                Subscription subscription = t.host().subscribe("flood", new LineSubscriber() {
                    @Override
                    public void onLine(long lineNumber, ByteBuf content) {
                        sender.send(lineNumber, content);
                    }

                    @Override
                    public void onExit(ExitStatus status) {
                        sender.announceMissed();
                        ch.writeAndFlush(io.netty.buffer.Unpooled.EMPTY_BUFFER)
                                .addListener(io.netty.channel.ChannelFutureListener.CLOSE);
                        exited.complete(status);
                    }
                });
                AtomicLong maxPending = new AtomicLong();
                sampler.scheduleAtFixedRate(
                        () -> maxPending.accumulateAndGet(sender.pendingBytes(), Math::max),
                        0,
                        1,
                        TimeUnit.MILLISECONDS);

                // 100-byte lines (99 x and a newline), as fast as yes(1) can write them.
                String script = "yes " + LINE + " | head -n " + LINES;
                t.host()
                        .start("flood", ProcessSpec.of(List.of("sh", "-c", script)), "t")
                        .join();
                // The client has not read a byte, and the child still runs to its end.
                assertThat(exited.get(60, TimeUnit.SECONDS).success()).isTrue();
                assertThat(t.host().status("flood").orElseThrow().nextLine()).isEqualTo(LINES);
                assertThat(maxPending.get()).isLessThanOrEqualTo(BOUND + 101);
                assertThat(sender.missedTotal()).isPositive();
                String history = t.readAll("flood");
                assertThat(history.length()).isEqualTo(100 * LINES);
                assertThat(history.replace(LINE + "\n", "")).isEmpty();

                long received = 0;
                long announced = 0;
                long expectedNext = 0;
                try (BufferedReader in =
                        new BufferedReader(new InputStreamReader(client.getInputStream(), StandardCharsets.US_ASCII))) {
                    for (String line; (line = in.readLine()) != null; ) {
                        Matcher m = MISSED.matcher(line);
                        if (m.matches()) {
                            long missed = Long.parseLong(m.group(1));
                            announced += missed;
                            expectedNext += missed;
                            assertThat(Long.parseLong(m.group(2))).isEqualTo(expectedNext);
                        } else {
                            assertThat(line).isEqualTo(LINE);
                            received++;
                            expectedNext++;
                        }
                    }
                }
                // Every line was either received or announced as missed, up to the last.
                assertThat(received + announced).isEqualTo(LINES);
                assertThat(announced).isEqualTo(sender.missedTotal());
                subscription.close();
            } finally {
                server.close().sync();
            }
        } finally {
            sampler.shutdownNow();
        }
    }
}
