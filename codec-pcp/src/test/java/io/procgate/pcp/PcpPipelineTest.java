package io.procgate.pcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.DefaultEventLoopGroup;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The whole pipeline in an {@link EmbeddedChannel}: no sockets, so no transfers can be opened. */
class PcpPipelineTest {
    private final FakeProcessControl control = new FakeProcessControl();
    private final DefaultEventLoopGroup group = new DefaultEventLoopGroup(1);
    private final EmbeddedChannel channel = new EmbeddedChannel(new PcpChannelInitializer(
            new PcpRequestHandler(control, control, FakeProcessControl.USER),
            PcpTransfers.open("127.0.0.1", 0, Duration.ofSeconds(1), group),
            true));

    @AfterEach
    void close() {
        assertFalse(channel.finish());
        group.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS).syncUninterruptibly();
    }

    private String output() {
        StringBuilder sb = new StringBuilder();
        for (ByteBuf b; (b = channel.readOutbound()) != null; ) {
            sb.append(b.toString(StandardCharsets.ISO_8859_1));
            b.release();
        }
        return sb.toString();
    }

    private void input(String s) {
        channel.writeInbound(Unpooled.copiedBuffer(s, StandardCharsets.ISO_8859_1));
        channel.runPendingTasks();
    }

    @Test
    void buildsTheNamedPipelineAndPromptsOnConnect() {
        assertThat(channel.pipeline().names())
                .containsSubsequence(
                        PcpChannelInitializer.DECODER,
                        PcpChannelInitializer.ENCODER,
                        PcpChannelInitializer.SESSION,
                        PcpChannelInitializer.EXCEPTIONS);
        assertThat(output()).isEqualTo(">");
    }

    @Test
    void answersByteAtATimeInput() {
        output();
        for (byte b : "request=list\r\n$nonsense\n".getBytes(StandardCharsets.US_ASCII)) {
            input(new String(new byte[] {b}, StandardCharsets.ISO_8859_1));
        }
        assertThat(output()).isEqualTo("response=list&result=OK&count=0\r\n>?\r\n>");
        assertThat(channel.isActive()).isTrue();
    }

    @Test
    void aTransferWithoutAnInternetPeerIsUnprocessable() {
        output();
        input("request=start&name=lobby&command=x\r\n");
        channel.runScheduledPendingTasks();
        await(() -> output().equals("response=start&result=OK\r\n>"));
        control.addLines("lobby", 1);
        input("request=cat&name=lobby\r\n");
        await(() -> output().equals("?\r\n>"));
    }

    private void await(java.util.function.BooleanSupplier done) {
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> {
            channel.runPendingTasks();
            return done.getAsBoolean();
        });
    }
}
