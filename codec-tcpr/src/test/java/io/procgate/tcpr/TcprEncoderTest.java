package io.procgate.tcpr;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class TcprEncoderTest {
    private static final LocalTime TIME = LocalTime.of(7, 5, 9);
    private static final int MAX = TcprConstants.MAX_LINE_BYTES;

    @Test
    void lineWithTimestampAndLf() {
        EmbeddedChannel ch = new EmbeddedChannel(new TcprEncoder(true));
        ch.writeOutbound(TcprLine.of(TIME, "Player joined"));
        assertThat(drain(ch)).containsExactly("[07:05:09] Player joined\n");
        assertFalse(ch.finish());
    }

    @Test
    void lineWithTimestampAndCrLf() {
        TcprEncoder encoder = new TcprEncoder(true);
        encoder.newline(TcprNewline.CRLF);
        EmbeddedChannel ch = new EmbeddedChannel(encoder);
        ch.writeOutbound(TcprLine.of(LocalTime.of(23, 59, 59), "x"));
        assertThat(drain(ch)).containsExactly("[23:59:59] x\r\n");
        assertFalse(ch.finish());
    }

    @Test
    void lineWithoutTimestamp() {
        EmbeddedChannel ch = new EmbeddedChannel(new TcprEncoder(false));
        ch.writeOutbound(TcprLine.of(TIME, "plain"), TcprLine.of(TIME, ""));
        assertThat(drain(ch)).containsExactly("plain\n", "\n");
        assertFalse(ch.finish());
    }

    @Test
    void emptyLineKeepsItsPrefix() {
        EmbeddedChannel ch = new EmbeddedChannel(new TcprEncoder(true));
        ch.writeOutbound(TcprLine.of(TIME, ""));
        assertThat(drain(ch)).containsExactly("[07:05:09] \n");
        assertFalse(ch.finish());
    }

    @Test
    void shutdownLineIsByteExactWhateverTheTimestampSetting() {
        for (boolean timestamps : new boolean[] {true, false}) {
            TcprEncoder encoder = new TcprEncoder(timestamps);
            EmbeddedChannel ch = new EmbeddedChannel(encoder);
            ch.writeOutbound(new TcprShutdown(LocalTime.of(0, 0, 1)));
            encoder.newline(TcprNewline.CRLF);
            ch.writeOutbound(new TcprShutdown(LocalTime.of(12, 34, 56)));
            assertThat(drain(ch))
                    .containsExactly(
                            "00:00:01TCPR: server shutting down.\n", "12:34:56TCPR: server shutting down.\r\n");
            assertFalse(ch.finish());
        }
    }

    @Test
    void longLinesAreSplitIntoLinesOfTheLimitEachItsOwnBuffer() {
        String content = "a".repeat(MAX) + "b".repeat(MAX) + "c";
        TcprEncoder encoder = new TcprEncoder(true);
        encoder.newline(TcprNewline.CRLF);
        EmbeddedChannel ch = new EmbeddedChannel(encoder);
        ch.writeOutbound(TcprLine.of(TIME, content));
        assertThat(drain(ch))
                .containsExactly(
                        "[07:05:09] " + "a".repeat(MAX) + "\r\n",
                        "[07:05:09] " + "b".repeat(MAX) + "\r\n",
                        "[07:05:09] c\r\n");
        assertFalse(ch.finish());
    }

    @Test
    void aLineOfExactlyTheLimitIsNotSplit() {
        EmbeddedChannel ch = new EmbeddedChannel(new TcprEncoder(false));
        ch.writeOutbound(TcprLine.of(TIME, "a".repeat(MAX)), TcprLine.of(TIME, "a".repeat(2 * MAX)));
        assertThat(drain(ch)).hasSize(3).allSatisfy(line -> assertThat(line).hasSize(MAX + 1));
        assertFalse(ch.finish());
    }

    @Test
    void invalidUtf8PassesThroughByteForByte() {
        byte[] raw = {(byte) 0xff, (byte) 0xfe, 'o', 'k', (byte) 0xc3, 0};
        EmbeddedChannel ch = new EmbeddedChannel(new TcprEncoder(false));
        ch.writeOutbound(new TcprLine(TIME, Unpooled.wrappedBuffer(raw)));
        ByteBuf out = ch.readOutbound();
        byte[] expected = {(byte) 0xff, (byte) 0xfe, 'o', 'k', (byte) 0xc3, 0, '\n'};
        assertThat(ByteBufBytes.of(out)).isEqualTo(expected);
        out.release();
        assertFalse(ch.finish());
    }

    @Test
    void readerIndexOfTheContentIsRespected() {
        ByteBuf content = Unpooled.copiedBuffer("skipme:keep", UTF_8);
        content.skipBytes("skipme:".length());
        EmbeddedChannel ch = new EmbeddedChannel(new TcprEncoder(false));
        ch.writeOutbound(new TcprLine(TIME, content));
        assertThat(drain(ch)).containsExactly("keep\n");
        assertThat(content.refCnt()).isZero();
        assertFalse(ch.finish());
    }

    @Test
    void inboundMessagesCannotBeEncoded() {
        EmbeddedChannel ch = new EmbeddedChannel(new TcprEncoder(true));
        assertThatThrownBy(() -> ch.writeOutbound(new TcprCommand(new byte[0])))
                .hasRootCauseInstanceOf(TcprCodecException.class)
                .hasMessageContaining("TcprCommand");
        assertFalse(ch.finish());
    }

    static List<String> drain(EmbeddedChannel ch) {
        List<String> out = new ArrayList<>();
        for (ByteBuf b; (b = ch.readOutbound()) != null; ) {
            out.add(b.toString(ISO_8859_1));
            b.release();
        }
        return out;
    }
}
