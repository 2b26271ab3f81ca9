package io.procgate.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocket13FrameDecoder;
import io.netty.handler.codec.http.websocketx.WebSocket13FrameEncoder;
import io.netty.handler.codec.http.websocketx.WebSocketDecoderConfig;
import io.procgate.core.auth.User;
import io.procgate.core.control.Caller;
import io.procgate.core.control.HostProcessControl;
import io.procgate.core.testing.FakeProcessHost;
import io.procgate.host.ExitStatus;
import io.procgate.host.HistorySlice;
import io.procgate.host.LineSubscriber;
import io.procgate.host.ProcessSpec;
import io.procgate.host.ProcessStatus;
import io.procgate.host.Subscription;
import io.procgate.host.os.Passwd;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.LongConsumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The seams of the shared live feed, driven step by step: a host whose history and output this test
 * writes, consoles on {@link EmbeddedChannel}s, every frame they send decoded as a browser would.
 * Lines live and lines from the history meet exactly once; the bound drops lines and says so.
 */
class ConsoleFeedTest {
    private static final String NAME = "echo";
    /** Lines one history read returns, so that catching up takes several reads. */
    private static final int LINES_PER_READ = 4;

    private final ScriptedHost host = new ScriptedHost();
    private final HostProcessControl control = new HostProcessControl(host, null, Passwd.system());
    private final User user = new User("alice", null, false, null);
    private final WebSessions sessions = new WebSessions(Duration.ofMinutes(5), 10);
    private final ConsoleFeeds feeds = new ConsoleFeeds(host);
    private final List<EmbeddedChannel> channels = new ArrayList<>();

    ConsoleFeedTest() {
        host.start(NAME, ProcessSpec.of("cat"), "alice");
    }

    @AfterEach
    void release() {
        for (EmbeddedChannel ch : channels) {
            ch.finishAndReleaseAll();
        }
    }

    private EmbeddedChannel open(Long from, long bufferBytes) {
        Caller caller = new Caller(user, new InetSocketAddress("127.0.0.1", 1), "http", false);
        ConsoleHandler console =
                new ConsoleHandler(control, sessions, sessions.create(user), caller, NAME, bufferBytes, feeds);
        EmbeddedChannel ch = new EmbeddedChannel(new WebSocket13FrameEncoder(false), console);
        channels.add(ch);
        console.start(ch, from);
        return ch;
    }

    /** What the console sent so far, as a browser reads it: "n" per line, "missed A B", "state". */
    private static List<String> frames(EmbeddedChannel console) {
        EmbeddedChannel browser = new EmbeddedChannel(new WebSocket13FrameDecoder(WebSocketDecoderConfig.newBuilder()
                .expectMaskedFrames(false)
                .maxFramePayloadLength(1 << 20)
                .build()));
        console.runPendingTasks();
        for (ByteBuf out; (out = console.readOutbound()) != null; ) {
            browser.writeInbound(out);
        }
        List<String> seen = new ArrayList<>();
        for (TextWebSocketFrame f; (f = browser.readInbound()) != null; ) {
            try {
                JsonNode json = Json.MAPPER.readTree(f.text());
                seen.add(
                        switch (json.get("t").asText()) {
                            case "line" ->
                                json.get("n").asText() + "=" + json.get("text").asText();
                            case "missed" -> "missed " + json.get("from") + " " + json.get("to");
                            default -> json.get("t").asText();
                        });
            } catch (IOException e) {
                throw new AssertionError(e);
            } finally {
                f.release();
            }
        }
        assertThat(browser.finish()).isFalse();
        return seen;
    }

    private static List<String> lines(long from, long to) {
        List<String> out = new ArrayList<>();
        for (long n = from; n < to; n++) {
            out.add(n + "=line " + n);
        }
        return out;
    }

    @Test
    void linesLiveWhileTheHistoryIsReadOnceMoreAreSentOnceEvenInTheMiddleOfABatch() {
        host.print(8, true);
        // at the console's last history read: lines 8 and 9 are in the history and already handed to
        // the feed (their read not over yet); line 10 follows in the same read
        host.beforeRead = from -> {
            if (from == 8 && host.readsFrom8++ == 1) {
                host.print(2, false);
            }
        };
        EmbeddedChannel console = open(0L, 1 << 20);
        host.print(1, true);
        host.print(2, true);
        List<String> expected = new ArrayList<>(List.of("state"));
        expected.addAll(lines(0, 13));
        assertThat(frames(console)).isEqualTo(expected);
    }

    @Test
    void consolesThatJoinedAtDifferentLinesShareOneFeedAndEachGetsItsOwnStream() {
        host.print(5, true);
        EmbeddedChannel fromStart = open(0L, 1 << 20);
        EmbeddedChannel fromNow = open(null, 1 << 20);
        EmbeddedChannel lastTwo = open(-2L, 1 << 20);
        assertThat(feeds.size()).isEqualTo(1);
        host.print(3, true);
        host.print(1, false);
        host.print(1, true);
        List<String> all = new ArrayList<>(List.of("state"));
        all.addAll(lines(0, 10));
        assertThat(frames(fromStart)).isEqualTo(all);
        List<String> live = new ArrayList<>(List.of("state"));
        live.addAll(lines(5, 10));
        assertThat(frames(fromNow)).isEqualTo(live);
        List<String> tail = new ArrayList<>(List.of("state"));
        tail.addAll(lines(3, 10));
        assertThat(frames(lastTwo)).isEqualTo(tail);
    }

    @Test
    void aConsoleBehindItsBoundIsToldWhatItMissedAndGoesOnFromTheNewest() {
        // a line frame here is 36 bytes: three fit in 110, the fourth does not while they are queued
        EmbeddedChannel console = open(null, 110);
        frames(console);
        host.print(4, true); // lines 0..3 in one read: 3 is dropped
        assertThat(frames(console)).containsExactly("0=line 0", "1=line 1", "2=line 2", "missed 3 4");
        host.print(5, true); // 4..8: 7 and 8 are dropped
        host.print(1, true);
        assertThat(frames(console)).containsExactly("4=line 4", "5=line 5", "6=line 6", "missed 7 9", "9=line 9");
    }

    @Test
    void theLastLinesOfARunComeBeforeTheStateFrameOfItsExit() {
        EmbeddedChannel console = open(null, 1 << 20);
        host.print(3, true);
        host.exitAll();
        assertThat(frames(console)).containsExactly("state", "0=line 0", "1=line 1", "2=line 2", "state");
    }

    @Test
    void aFeedWithNoConsoleLeftUnsubscribesAtItsNextRead() {
        EmbeddedChannel console = open(null, 1 << 20);
        assertThat(host.subscribers).hasSize(2); // the console's own watch, and the feed
        console.close();
        host.print(1, true);
        assertThat(feeds.size()).isZero();
        assertThat(host.subscribers).isEmpty();
        EmbeddedChannel again = open(null, 1 << 20);
        host.print(1, true);
        assertThat(frames(again)).containsExactly("state", "1=line 1");
    }

    /**
     * A host whose history this test writes: {@link #print} appends lines and hands them to the
     * subscribers as the real host does (history first), ending the read or not.
     */
    private static final class ScriptedHost extends FakeProcessHost {
        final List<LineSubscriber> subscribers = new CopyOnWriteArrayList<>();
        final List<String> history = new ArrayList<>();
        LongConsumer beforeRead = from -> {};
        int readsFrom8;

        void print(int count, boolean endOfRead) {
            for (int i = 0; i < count; i++) {
                long n = history.size();
                String text = "line " + n;
                history.add(text);
                ByteBuf content = Unpooled.copiedBuffer(text, StandardCharsets.UTF_8);
                for (LineSubscriber s : subscribers) {
                    s.onLine(n, content);
                }
                content.release();
            }
            if (endOfRead) {
                for (LineSubscriber s : subscribers) {
                    s.onLinesEnd();
                }
            }
        }

        /** The process ends, as the host reports it: after the end of its last read. */
        void exitAll() {
            exit(NAME);
            ExitStatus status = status(NAME).orElseThrow().lastExit();
            for (LineSubscriber s : subscribers) {
                s.onExit(status);
            }
        }

        @Override
        public synchronized Optional<HistorySlice> read(String name, long fromLine, long maxBytes) {
            beforeRead.accept(fromLine);
            long to = Math.min(history.size(), fromLine + LINES_PER_READ);
            ByteBuf data = Unpooled.buffer();
            for (long n = fromLine; n < to; n++) {
                data.writeCharSequence(history.get((int) n) + "\n", StandardCharsets.UTF_8);
            }
            return Optional.of(new HistorySlice(fromLine, fromLine, Math.max(0, to - fromLine), data));
        }

        @Override
        public Subscription subscribe(String name, LineSubscriber subscriber) {
            subscribers.add(subscriber);
            return () -> subscribers.remove(subscriber);
        }

        @Override
        public synchronized Optional<ProcessStatus> status(String name) {
            return super.status(name)
                    .map(s -> new ProcessStatus(
                            s.name(),
                            s.state(),
                            s.pid(),
                            s.lastExit(),
                            history.size(),
                            s.owner(),
                            s.lastError(),
                            s.since(),
                            s.restarts()));
        }
    }
}
