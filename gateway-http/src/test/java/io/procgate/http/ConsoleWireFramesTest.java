package io.procgate.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocket13FrameDecoder;
import io.netty.handler.codec.http.websocketx.WebSocket13FrameEncoder;
import io.netty.handler.codec.http.websocketx.WebSocketDecoderConfig;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The shared line frames are the bytes Netty's own encoder writes, and a client's decoder reads them. */
class ConsoleWireFramesTest {

    private static String payload(int length) {
        StringBuilder s = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            s.append((char) ('a' + i % 26));
        }
        return s.toString();
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 125, 126, 127, 65535, 65536, 200_000})
    void aFrameIsWhatNettysEncoderWritesAndItsLengthIsRead(int length) {
        String text = payload(length);
        ByteBuf ours = Unpooled.buffer();
        ConsoleWireFrames.append(ours, Unpooled.copiedBuffer(text, StandardCharsets.UTF_8));
        assertThat(ours.readableBytes()).isEqualTo(ConsoleWireFrames.frameBytes(length));
        assertThat(ConsoleWireFrames.frameLength(ours)).isEqualTo(ours.readableBytes());

        EmbeddedChannel server = new EmbeddedChannel(new WebSocket13FrameEncoder(false));
        server.writeOutbound(new TextWebSocketFrame(text));
        ByteBuf netty = Unpooled.buffer();
        for (ByteBuf part; (part = server.readOutbound()) != null; ) {
            netty.writeBytes(part);
            part.release();
        }
        assertThat(ByteBufUtil.equals(ours, netty)).isTrue();
        server.finishAndReleaseAll();
        netty.release();
        ours.release();
    }

    @Test
    void aRunOfFramesIsReadFrameByFrameByAClient() {
        ByteBuf run = Unpooled.buffer();
        for (int n = 0; n < 3; n++) {
            ByteBuf json = Unpooled.buffer();
            ConsoleFrames.writeLine(
                    json, n, Unpooled.copiedBuffer("line " + n + " \u00e9 <b>", StandardCharsets.UTF_8));
            ConsoleWireFrames.append(run, json);
            json.release();
        }
        // a console that resumed at line 1 skips line 0's frame
        run.skipBytes(ConsoleWireFrames.frameLength(run));
        EmbeddedChannel client = new EmbeddedChannel(new WebSocket13FrameDecoder(WebSocketDecoderConfig.newBuilder()
                .expectMaskedFrames(false)
                .maxFramePayloadLength(1024)
                .build()));
        client.writeInbound(run);
        for (int n = 1; n < 3; n++) {
            TextWebSocketFrame frame = client.readInbound();
            assertThat(frame.text())
                    .isEqualTo("{\"t\":\"line\",\"n\":" + n + ",\"text\":\"line " + n + " \u00e9 <b>\"}");
            frame.release();
        }
        assertThat((Object) client.readInbound()).isNull();
        assertThat(client.finish()).isFalse();
    }
}
