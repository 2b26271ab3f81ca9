package io.procgate.tcprocd;

import static io.procgate.tcprocd.TcprocdWire.ascii;
import static io.procgate.tcprocd.TcprocdWire.concat;
import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.procgate.core.control.ControlStatus;
import io.procgate.core.net.BindAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The tcprocd pipeline in an {@link EmbeddedChannel}: the authentication stage, ordering, the attach switch. */
class TcprocdPipelineTest {
    private final FakeContext context = new FakeContext();

    private EmbeddedChannel connect(Duration authTimeout) {
        TcprocdSettings settings = TcprocdSettings.from(context.config());
        TcprocdListenerSettings listener =
                new TcprocdListenerSettings(new BindAddress.Tcp("127.0.0.1", 0), authTimeout);
        return new EmbeddedChannel(new TcprocdInitializer(context, settings, listener, Runnable::run));
    }

    private EmbeddedChannel connect() {
        return connect(Duration.ofSeconds(10));
    }

    private static List<String> handlers(EmbeddedChannel channel) {
        return channel.pipeline().names().stream()
                .filter(n -> !n.startsWith("DefaultChannelPipeline$"))
                .collect(Collectors.toList());
    }

    private static String written(EmbeddedChannel channel) {
        channel.runPendingTasks();
        StringBuilder sb = new StringBuilder();
        for (Object m; (m = channel.readOutbound()) != null; ) {
            ByteBuf buf = (ByteBuf) m;
            sb.append(buf.toString(StandardCharsets.ISO_8859_1));
            buf.release();
        }
        return sb.toString();
    }

    private static void send(EmbeddedChannel channel, byte[] bytes) {
        channel.writeInbound(Unpooled.wrappedBuffer(bytes));
        channel.runPendingTasks();
    }

    @Test
    void theAuthenticationStageRemovesItselfAfterOk() {
        EmbeddedChannel channel = connect();
        assertThat(handlers(channel))
                .containsExactly("flushes", "auth-decoder", "decoder", "encoder", "auth", "commands", "exceptions");
        assertThat(written(channel)).isEqualTo("23AUTHENTICATION_REQUIRED");
        assertThat(channel.attr(TcprocdPipeline.CALLER).get()).isNull();

        send(channel, TcprocdWire.credentials("alice", "alice-pw"));
        assertThat(written(channel)).isEqualTo("02OK");
        assertThat(handlers(channel)).containsExactly("flushes", "decoder", "encoder", "commands", "exceptions");
        assertThat(channel.pipeline().names()).hasSize(6);
        assertThat(channel.attr(TcprocdPipeline.CALLER).get().user().name()).isEqualTo("alice");
        assertThat(channel.config().isAutoRead()).isTrue();

        send(channel, TcprocdWire.list());
        assertThat(written(channel)).isEqualTo("02OK16known\n");
        assertThat(channel.finish()).isFalse();
    }

    @Test
    void requestsSentWithTheCredentialsAreHeldUntilOkThenAnsweredInOrder() {
        EmbeddedChannel channel = connect();
        written(channel);
        context.pendingStart = new CompletableFuture<>();
        // Everything in one read: the credentials decoder must not let the requests through early.
        send(
                channel,
                concat(
                        TcprocdWire.credentials("alice", "alice-pw"),
                        ascii("\n"),
                        TcprocdWire.start("p", "sleep 1", ""),
                        TcprocdWire.list(),
                        TcprocdWire.kill("known")));
        // The start is under way: list and kill wait behind it, and reading stops.
        assertThat(written(channel)).isEqualTo("02OK");
        assertThat(context.calls).containsExactly("start p sleep 1 []");
        assertThat(channel.config().isAutoRead()).isFalse();

        context.pendingStart.complete(ControlStatus.EXISTS);
        assertThat(written(channel)).isEqualTo("06EXISTS02OK16known\n02OK");
        assertThat(context.calls).containsExactly("start p sleep 1 []", "list alice", "kill known");
        assertThat(channel.config().isAutoRead()).isTrue();
        assertThat(channel.finish()).isFalse();
    }

    @Test
    void wrongCredentialsAreAnErrorCountedAgainstTheAddressAndClose() {
        EmbeddedChannel channel = connect();
        written(channel);
        send(channel, concat(TcprocdWire.credentials("alice", "nope"), TcprocdWire.list()));
        assertThat(written(channel)).isEqualTo("20AUTHENTICATION_ERROR");
        assertThat(channel.isActive()).isFalse();
        assertThat(context.calls).isEmpty();
        assertThat(channel.finish()).isFalse();
    }

    @Test
    void anUnauthenticatedConnectionIsClosedAtTheDeadline() throws Exception {
        EmbeddedChannel channel = connect(Duration.ofMillis(50));
        written(channel);
        send(channel, ascii("05ali"));
        Thread.sleep(80); // the embedded loop's clock is the real one; nothing else to wait for
        channel.runScheduledPendingTasks();
        assertThat(channel.isActive()).isFalse();
        assertThat(channel.finish()).isFalse();
    }

    @Test
    void malformedInputIsErrorThenClose() {
        EmbeddedChannel channel = connect();
        written(channel);
        send(channel, concat(TcprocdWire.credentials("alice", "alice-pw"), ascii("04lisp04list")));
        assertThat(written(channel)).isEqualTo("02OK05ERROR");
        assertThat(channel.isActive()).isFalse();
        assertThat(context.calls).isEmpty();
        assertThat(channel.finish()).isFalse();
    }

    @Test
    void catAnswersWithTheMissedLineWhenRetentionDroppedLines() {
        EmbeddedChannel channel = connect();
        written(channel);
        send(
                channel,
                concat(
                        TcprocdWire.credentials("alice", "alice-pw"),
                        TcprocdWire.cat("known", 2),
                        TcprocdWire.cat("known", 5)));
        String missed = "[gateway] missed 3 lines, next is line 5\na\nb\n";
        assertThat(written(channel)).isEqualTo("02OK" + "02OK2" + missed.length() + missed + "02OK14a\nb\n");
        assertThat(channel.finish()).isFalse();
    }

    @Test
    void anAcceptedAttachMakesTheConnectionLineBased() {
        EmbeddedChannel channel = connect();
        written(channel);
        send(
                channel,
                concat(
                        TcprocdWire.credentials("alice", "alice-pw"),
                        TcprocdWire.attach("known"),
                        ascii("first\r\nsecond\n04list")));
        assertThat(written(channel)).isEqualTo("02OK02OK");
        assertThat(handlers(channel)).containsExactly("flushes", "attach-decoder", "encoder", "attach", "exceptions");
        // Everything after the attach went to stdin as lines, the unfinished one waits.
        assertThat(context.calls).containsExactly("attach known", "command known first", "command known second");
        send(channel, ascii("\n"));
        assertThat(context.calls).endsWith("command known 04list");

        // the lines of one pipe read go out together, at its end, as the host calls it
        context.subscriber.onLine(7, Unpooled.copiedBuffer("out", StandardCharsets.US_ASCII));
        context.subscriber.onLine(8, Unpooled.copiedBuffer("more", StandardCharsets.US_ASCII));
        assertThat(written(channel)).isEmpty();
        context.subscriber.onLinesEnd();
        assertThat(written(channel)).isEqualTo("out\nmore\n");
        context.subscriber.onExit(null);
        assertThat(written(channel)).isEmpty();
        assertThat(channel.isActive()).isFalse();
        assertThat(context.subscriptionClosed).isTrue();
        assertThat(channel.finish()).isFalse();
    }

    @Test
    void aRefusedAttachGoesOnWithRequests() {
        EmbeddedChannel channel = connect();
        written(channel);
        send(
                channel,
                concat(TcprocdWire.credentials("alice", "alice-pw"), TcprocdWire.attach("other"), TcprocdWire.list()));
        assertThat(written(channel)).isEqualTo("02OK07OFFLINE02OK16known\n");
        assertThat(handlers(channel)).containsExactly("flushes", "decoder", "encoder", "commands", "exceptions");
        assertThat(channel.finish()).isFalse();
    }
}
