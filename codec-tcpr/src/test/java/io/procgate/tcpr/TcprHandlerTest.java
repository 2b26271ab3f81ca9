package io.procgate.tcpr;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.procgate.host.StdinResult;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The TCPR pipeline on embedded channels, with a fake process host and a fixed clock. */
class TcprHandlerTest {
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2024-05-01T12:34:56Z"), ZoneOffset.UTC);
    private static final String AUTHENTICATED =
            "[12:34:56] TCP RCON Connection from 127.0.0.1:46997 is now authenticated";

    private final FakeHost host = new FakeHost();
    private final FakeAuth.Throttle throttle = new FakeAuth.Throttle();

    private TcprListener listener(boolean timestamps, int maxClients, long clientBuffer) {
        TcprListenerSettings settings = new TcprListenerSettings(
                "test",
                "127.0.0.1",
                0,
                "kag",
                FakeAuth.password("secret", false),
                timestamps,
                maxClients,
                Duration.ofSeconds(10),
                clientBuffer);
        TcprListener listener = new TcprListener(settings, host, throttle, CLOCK, Runnable::run);
        listener.open();
        return listener;
    }

    private TcprListener listener() {
        return listener(true, 64, 1 << 20);
    }

    private static EmbeddedChannel connect(TcprListener listener, String ip, int port) {
        InetSocketAddress remote = new InetSocketAddress(ip, port);
        return new EmbeddedChannel(new TcprInitializer(listener)) {
            @Override
            protected SocketAddress remoteAddress0() {
                return remote;
            }
        };
    }

    private static EmbeddedChannel connect(TcprListener listener) {
        return connect(listener, "127.0.0.1", 46997);
    }

    private static void send(EmbeddedChannel ch, String text) {
        ch.writeInbound(Unpooled.copiedBuffer(text, UTF_8));
        ch.runPendingTasks();
    }

    private static List<String> received(EmbeddedChannel ch) {
        ch.runPendingTasks();
        List<String> out = new ArrayList<>();
        for (ByteBuf b; (b = ch.readOutbound()) != null; ) {
            out.add(b.toString(ISO_8859_1));
            b.release();
        }
        return out;
    }

    @Test
    void rightPasswordIsAnsweredWithTheAuthenticatedLineAndTheAuthStepLeaves() {
        EmbeddedChannel ch = connect(listener());
        assertThat(ch.pipeline().names()).contains(TcprInitializer.AUTH);
        send(ch, "secret\n");
        assertThat(received(ch)).containsExactly(AUTHENTICATED + "\n");
        assertThat(ch.pipeline().names()).doesNotContain(TcprInitializer.AUTH).contains(TcprInitializer.SESSION);
        assertThat(ch.isActive()).isTrue();
        assertThat(throttle.successes).hasSize(1);
        ch.finishAndReleaseAll();
    }

    @Test
    void crLfPasswordMakesEveryLineCrLf() {
        TcprListener listener = listener();
        EmbeddedChannel ch = connect(listener);
        send(ch, "secret\r\n");
        host.print("hello");
        host.exit();
        assertThat(received(ch))
                .containsExactly(
                        AUTHENTICATED + "\r\n", "[12:34:56] hello\r\n", "12:34:56TCPR: server shutting down.\r\n");
        assertThat(ch.isOpen()).isFalse();
        ch.finishAndReleaseAll();
    }

    @Test
    void nothingIsSentBeforeAuthenticationWhileTheProcessPrints() {
        EmbeddedChannel ch = connect(listener());
        host.print("secret stuff");
        send(ch, "secr");
        host.print("more");
        assertThat(received(ch)).isEmpty();
        send(ch, "et\n");
        host.print("now");
        assertThat(received(ch)).containsExactly(AUTHENTICATED + "\n", "[12:34:56] now\n");
        ch.finishAndReleaseAll();
    }

    @Test
    void wrongPasswordClosesWithoutAByteAndIsThrottled() {
        EmbeddedChannel ch = connect(listener());
        send(ch, "guess\n");
        assertThat(received(ch)).isEmpty();
        assertThat(ch.isOpen()).isFalse();
        assertThat(throttle.failures).containsExactly(InetAddress.getLoopbackAddress());
        ch.finishAndReleaseAll();
    }

    @Test
    void overLongPasswordClosesAndIsThrottled() {
        EmbeddedChannel ch = connect(listener());
        send(ch, "x".repeat(TcprConstants.MAX_LINE_BYTES + 2));
        assertThat(received(ch)).isEmpty();
        assertThat(ch.isOpen()).isFalse();
        assertThat(throttle.failures).hasSize(1);
        ch.finishAndReleaseAll();
    }

    @Test
    void silenceUntilTheAuthTimeoutCloses() {
        EmbeddedChannel ch = connect(listener());
        send(ch, "secre");
        ch.advanceTimeBy(9, TimeUnit.SECONDS);
        ch.runScheduledPendingTasks();
        assertThat(ch.isOpen()).isTrue();
        ch.advanceTimeBy(1, TimeUnit.SECONDS);
        ch.runScheduledPendingTasks();
        assertThat(ch.isOpen()).isFalse();
        assertThat(received(ch)).isEmpty();
        assertThat(throttle.failures).hasSize(1);
        ch.finishAndReleaseAll();
    }

    @Test
    void blockedAddressIsClosedAtOnce() {
        throttle.blocked.add(InetAddress.getLoopbackAddress());
        TcprListener listener = listener();
        EmbeddedChannel ch = connect(listener);
        assertThat(ch.isOpen()).isFalse();
        assertThat(ch.pipeline().get(TcprInitializer.DECODER)).isNull();
        assertThat(listener.connections()).isZero();
        ch.finishAndReleaseAll();
    }

    @Test
    void connectionsOverMaxClientsAreClosedAtOnceAuthenticatedOrNot() {
        TcprListener listener = listener(true, 2, 1 << 20);
        EmbeddedChannel a = connect(listener);
        send(a, "secret\n");
        EmbeddedChannel b = connect(listener, "127.0.0.1", 2);
        EmbeddedChannel c = connect(listener, "127.0.0.1", 3);
        assertThat(a.isOpen()).isTrue();
        assertThat(b.isOpen()).isTrue();
        assertThat(c.isOpen()).isFalse();
        assertThat(received(c)).isEmpty();
        b.close();
        EmbeddedChannel d = connect(listener, "127.0.0.1", 4);
        assertThat(d.isOpen()).isTrue();
        for (EmbeddedChannel ch : List.of(a, b, c, d)) {
            ch.finishAndReleaseAll();
        }
    }

    @Test
    void commandsGoToStdinAndAreEchoedToEveryClientOfTheListener() {
        TcprListener listener = listener();
        EmbeddedChannel a = connect(listener);
        EmbeddedChannel b = connect(listener, "::1", 5000);
        send(a, "secret\n");
        send(b, "secret\r\n");
        received(a);
        received(b);
        send(a, "/players\r\n");
        assertThat(host.stdin).containsExactly("kag:/players");
        assertThat(received(a))
                .containsExactly("[12:34:56] RCON command from 127.0.0.1:46997 :\n", "[12:34:56] /players\n");
        assertThat(received(b))
                .containsExactly("[12:34:56] RCON command from 127.0.0.1:46997 :\r\n", "[12:34:56] /players\r\n");
        send(b, "say hi\n");
        assertThat(received(a)).containsExactly("[12:34:56] RCON command from [::1]:5000 :\n", "[12:34:56] say hi\n");
        a.finishAndReleaseAll();
        b.finishAndReleaseAll();
    }

    @Test
    void linesPipelinedAfterThePasswordArriveAfterTheAuthenticatedLine() {
        EmbeddedChannel ch = connect(listener());
        send(ch, "secret\none\ntwo\n");
        assertThat(host.stdin).containsExactly("kag:one", "kag:two");
        assertThat(received(ch))
                .containsExactly(
                        AUTHENTICATED + "\n",
                        "[12:34:56] RCON command from 127.0.0.1:46997 :\n",
                        "[12:34:56] one\n",
                        "[12:34:56] RCON command from 127.0.0.1:46997 :\n",
                        "[12:34:56] two\n");
        ch.finishAndReleaseAll();
    }

    @Test
    void linesSentJustBeforeAHalfCloseAreCarriedOutAndOutputGoesOn() {
        EmbeddedChannel ch = connect(listener());
        ch.writeInbound(Unpooled.copiedBuffer("secret\n/players\n", UTF_8));
        // the client shuts down its sending side while the password is being checked
        ch.pipeline().fireUserEventTriggered(ChannelInputShutdownEvent.INSTANCE);
        ch.runPendingTasks();
        assertThat(host.stdin).containsExactly("kag:/players");
        host.print("answer");
        assertThat(received(ch))
                .containsExactly(
                        AUTHENTICATED + "\n",
                        "[12:34:56] RCON command from 127.0.0.1:46997 :\n",
                        "[12:34:56] /players\n",
                        "[12:34:56] answer\n");
        assertThat(ch.isOpen()).isTrue();
        ch.finishAndReleaseAll();
    }

    @Test
    void aHalfCloseBeforeThePasswordClosesWithoutCountingAsAFailure() {
        EmbeddedChannel ch = connect(listener());
        ch.writeInbound(Unpooled.copiedBuffer("secr", UTF_8));
        ch.pipeline().fireUserEventTriggered(ChannelInputShutdownEvent.INSTANCE);
        assertThat(ch.isOpen()).isFalse();
        assertThat(throttle.failures).isEmpty();
        assertThat(received(ch)).isEmpty();
        ch.finishAndReleaseAll();
    }

    @Test
    void pipelinedLinesAfterAWrongPasswordNeverReachTheProcess() {
        EmbeddedChannel ch = connect(listener());
        send(ch, "guess\n/shutdown\n");
        assertThat(host.stdin).isEmpty();
        assertThat(ch.isOpen()).isFalse();
        ch.finishAndReleaseAll();
    }

    @Test
    void aLineWhileTheProcessIsDownIsAnsweredToTheSenderOnly() {
        TcprListener listener = listener();
        EmbeddedChannel a = connect(listener);
        EmbeddedChannel b = connect(listener, "127.0.0.1", 2);
        send(a, "secret\n");
        send(b, "secret\n");
        received(a);
        received(b);
        host.stdinResult = StdinResult.NOT_RUNNING;
        send(a, "/players\n");
        assertThat(received(a))
                .containsExactly("[12:34:56] [gateway] process kag is not running, line not delivered\n");
        assertThat(received(b)).isEmpty();
        host.stdinResult = StdinResult.BUFFER_FULL;
        send(a, "/players\n");
        assertThat(received(a))
                .containsExactly("[12:34:56] [gateway] process kag is not reading its input, line not delivered\n");
        a.finishAndReleaseAll();
        b.finishAndReleaseAll();
    }

    @Test
    void aWaitingClientGetsOutputOnceTheProcessStartsAndIsClosedWhenItExits() {
        TcprListener listener = listener();
        EmbeddedChannel ch = connect(listener);
        send(ch, "secret\n");
        received(ch);
        host.started();
        host.print("booting");
        assertThat(received(ch)).containsExactly("[12:34:56] booting\n");
        assertThat(ch.isOpen()).isTrue();
        host.exit();
        assertThat(received(ch)).containsExactly("12:34:56TCPR: server shutting down.\n");
        assertThat(ch.isOpen()).isFalse();
        assertThat(listener.clientCount()).isZero();
        ch.finishAndReleaseAll();
    }

    @Test
    void overLongInputIsAnsweredAndTheConnectionStaysUp() {
        EmbeddedChannel ch = connect(listener());
        send(ch, "secret\n");
        received(ch);
        send(ch, "y".repeat(TcprConstants.MAX_LINE_BYTES + 1) + "\nok\n");
        assertThat(received(ch))
                .containsExactly(
                        "[12:34:56] [gateway] line too long (more than 16384 bytes), not delivered\n",
                        "[12:34:56] RCON command from 127.0.0.1:46997 :\n",
                        "[12:34:56] ok\n");
        assertThat(host.stdin).containsExactly("kag:ok");
        assertThat(ch.isActive()).isTrue();
        ch.finishAndReleaseAll();
    }

    @Test
    void withoutTimestampsNoLineIsPrefixedButTheShutdownLineIsUnchanged() {
        EmbeddedChannel ch = connect(listener(false, 64, 1 << 20));
        send(ch, "secret\n");
        host.print("plain");
        send(ch, "cmd\n");
        host.exit();
        assertThat(received(ch))
                .containsExactly(
                        "TCP RCON Connection from 127.0.0.1:46997 is now authenticated\n",
                        "plain\n",
                        "RCON command from 127.0.0.1:46997 :\n",
                        "cmd\n",
                        "12:34:56TCPR: server shutting down.\n");
        ch.finishAndReleaseAll();
    }

    @Test
    void aClientThatDoesNotReadMissesLinesAndIsToldHowMany() {
        TcprListener listener = listener(true, 64, 1000);
        EmbeddedChannel slow = connect(listener);
        EmbeddedChannel fast = connect(listener, "127.0.0.1", 2);
        send(slow, "secret\n");
        send(fast, "secret\n");
        received(slow);
        received(fast);
        // the slow client's socket takes nothing: its writes stay pending
        Stall stall = new Stall();
        slow.pipeline().addFirst(stall);
        for (int i = 0; i < 100; i++) {
            host.print("line " + i + " " + "x".repeat(40));
            assertThat(received(fast)).hasSize(1);
        }
        assertThat(received(slow)).isEmpty();
        stall.release();
        List<String> backlog = received(slow);
        int kept = backlog.size();
        assertThat(kept).isBetween(1, 99);
        assertThat(backlog.get(0)).startsWith("[12:34:56] line 0 ");
        assertThat(backlog.get(kept - 1)).startsWith("[12:34:56] line " + (kept - 1) + " ");
        host.print("newest");
        // the notice and the line it precedes leave in the one write of that read (tcpr spec 2.4)
        assertThat(received(slow))
                .containsExactly("[12:34:56] [gateway] missed " + (100 - kept) + " lines\n[12:34:56] newest\n");
        assertThat(slow.isActive()).isTrue();
        slow.finishAndReleaseAll();
        fast.finishAndReleaseAll();
    }

    /** Holds every write (the socket does not take it) until released. */
    private static final class Stall extends ChannelOutboundHandlerAdapter {
        private final List<Object[]> held = new ArrayList<>();
        private ChannelHandlerContext ctx;
        private boolean stalled = true;

        @Override
        public void handlerAdded(ChannelHandlerContext context) {
            ctx = context;
        }

        @Override
        public void write(ChannelHandlerContext context, Object msg, ChannelPromise promise) {
            if (stalled) {
                held.add(new Object[] {msg, promise});
            } else {
                context.write(msg, promise);
            }
        }

        @Override
        public void flush(ChannelHandlerContext context) {
            if (!stalled) {
                context.flush();
            }
        }

        void release() {
            stalled = false;
            for (Object[] w : held) {
                ctx.write(w[0], (ChannelPromise) w[1]);
            }
            held.clear();
            ctx.flush();
        }
    }

    @Test
    void closingAnAuthenticatedConnectionFromOutsideSendsTheShutdownLineOnce() {
        TcprListener listener = listener();
        EmbeddedChannel ch = connect(listener);
        send(ch, "secret\n");
        received(ch);
        ch.close();
        host.exit();
        assertThat(received(ch)).containsExactly("12:34:56TCPR: server shutting down.\n");
        assertThat(listener.clientCount()).isZero();
        ch.finishAndReleaseAll();
    }

    @Test
    void closingAConnectionBeforeAuthenticationSendsNothing() {
        EmbeddedChannel ch = connect(listener());
        ch.close();
        assertThat(received(ch)).isEmpty();
        ch.finishAndReleaseAll();
    }

    @Test
    void closingTheListenerEndsEverySession() {
        TcprListener listener = listener();
        EmbeddedChannel ch = connect(listener);
        send(ch, "secret\n");
        received(ch);
        listener.close();
        assertThat(received(ch)).containsExactly("12:34:56TCPR: server shutting down.\n");
        assertThat(ch.isOpen()).isFalse();
        assertThat(host.subscribers).isEmpty();
        ch.finishAndReleaseAll();
    }
}
