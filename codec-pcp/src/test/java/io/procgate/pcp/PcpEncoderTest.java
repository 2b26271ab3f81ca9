package io.procgate.pcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.netty.buffer.ByteBuf;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.EncoderException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class PcpEncoderTest {

    private static String encode(PcpMessage... messages) {
        EmbeddedChannel channel = new EmbeddedChannel(PcpEncoder.INSTANCE);
        for (PcpMessage m : messages) {
            channel.writeOutbound(m);
        }
        StringBuilder sb = new StringBuilder();
        for (ByteBuf b; (b = channel.readOutbound()) != null; ) {
            sb.append(b.toString(StandardCharsets.ISO_8859_1));
            b.release();
        }
        assertFalse(channel.finish());
        return sb.toString();
    }

    @Test
    void encodesEveryMessage() {
        assertThat(encode(
                        PcpPrompt.INSTANCE,
                        PcpPayload.builder()
                                .add("response", "cat")
                                .add("result", "OK")
                                .add("lines", 2)
                                .build(),
                        PcpPrompt.INSTANCE,
                        PcpUnprocessable.INSTANCE,
                        PcpAck.INSTANCE))
                .isEqualTo(">response=cat&result=OK&lines=2\r\n>?\r\n$");
    }

    @Test
    void keepsAResponseOnOneLine() {
        assertThat(encode(PcpPayload.builder()
                        .add("error", "line one\r\nline two")
                        .build()))
                .isEqualTo("error=line%20one%0D%0Aline%20two\r\n");
    }

    @Test
    void refusesAPayloadItWouldRejectAndWritesNothing() {
        EmbeddedChannel channel = new EmbeddedChannel(PcpEncoder.INSTANCE);
        PcpPayload tooLong = PcpPayload.builder().add("error", "x".repeat(250)).build();
        assertThatThrownBy(() -> channel.writeOutbound(tooLong)).isInstanceOf(EncoderException.class);
        assertThat((Object) channel.readOutbound()).isNull();
        assertFalse(channel.finish());
    }

    @Test
    void decodesWhatItEncodes() {
        PcpPayload p = PcpPayload.builder()
                .add("request", "command")
                .add("name", "lobby")
                .add("line", "say hello & goodbye #1 = 100%")
                .build();
        EmbeddedChannel decoder = new EmbeddedChannel(new PcpDecoder());
        decoder.writeInbound(io.netty.buffer.Unpooled.copiedBuffer(encode(p), StandardCharsets.US_ASCII));
        assertThat((Object) decoder.readInbound()).isEqualTo(p);
        assertFalse(decoder.finish());
    }
}
