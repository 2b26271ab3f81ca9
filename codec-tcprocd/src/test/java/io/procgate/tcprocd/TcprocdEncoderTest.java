package io.procgate.tcprocd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class TcprocdEncoderTest {

    private static String written(EmbeddedChannel channel) {
        StringBuilder sb = new StringBuilder();
        for (ByteBuf buf; (buf = channel.readOutbound()) != null; ) {
            sb.append(buf.toString(StandardCharsets.ISO_8859_1));
            buf.release();
        }
        return sb.toString();
    }

    @ParameterizedTest
    @EnumSource(TcprocdStatus.class)
    void statusIsFramedLikeAField(TcprocdStatus status) {
        EmbeddedChannel channel = new EmbeddedChannel(TcprocdEncoder.INSTANCE);
        channel.writeOutbound(TcprocdResponse.of(status));
        assertThat(written(channel))
                .isEqualTo(String.format("%02d%s", status.name().length(), status.name()));
        assertFalse(channel.finish());
    }

    @Test
    void theEightStatusWords() {
        StringBuilder sb = new StringBuilder();
        for (TcprocdStatus status : TcprocdStatus.values()) {
            sb.append(new String(status.framedBytes(), StandardCharsets.US_ASCII))
                    .append(' ');
        }
        assertThat(sb.toString().trim())
                .isEqualTo("02OK 07OFFLINE 06EXISTS 07UNKNOWN 17PERMISSION_DENIED 05ERROR 23AUTHENTICATION_REQUIRED"
                        + " 20AUTHENTICATION_ERROR");
    }

    @Test
    void listAnswerFromTheSpec() {
        EmbeddedChannel channel = new EmbeddedChannel(TcprocdEncoder.INSTANCE);
        ByteBuf data = Unpooled.copiedBuffer("myserver\nlobby\n", StandardCharsets.US_ASCII);
        channel.writeOutbound(new TcprocdDataResponse(data));
        assertThat(written(channel))
                .isEqualTo("02OK215myserver\nlobby\n"); // the spec's example says 16; the data has 15 bytes
        assertThat(data.refCnt()).isZero();
        assertFalse(channel.finish());
    }

    @Test
    void emptyDataIsOneZero() {
        EmbeddedChannel channel = new EmbeddedChannel(TcprocdEncoder.INSTANCE);
        channel.writeOutbound(new TcprocdDataResponse(Unpooled.EMPTY_BUFFER));
        assertThat(written(channel)).isEqualTo("02OK10");
        assertFalse(channel.finish());
    }

    @Test
    void lengthDigitsGrowWithTheData() {
        for (int length : new int[] {9, 10, 99, 100, 12345, 123_456}) {
            EmbeddedChannel channel = new EmbeddedChannel(TcprocdEncoder.INSTANCE);
            channel.writeOutbound(new TcprocdDataResponse(Unpooled.wrappedBuffer(new byte[length])));
            String digits = Integer.toString(length);
            assertThat(written(channel))
                    .startsWith("02OK" + digits.length() + digits)
                    .hasSize(5 + digits.length() + length);
            assertFalse(channel.finish());
        }
    }

    @Test
    void statsAnswerIsKeyValueLinesFramedLikeAList() {
        EmbeddedChannel channel = new EmbeddedChannel(TcprocdEncoder.INSTANCE);
        channel.writeOutbound(new TcprocdStatsResponse(List.of(
                new TcprocdStatsResponse.Field("state", "exited"),
                new TcprocdStatsResponse.Field("error", "no such file:\n/x\u00e9"))));
        // a line break in a value would end its line: it is sent as a space; lengths count UTF-8 bytes
        assertThat(written(channel)).isEqualTo("02OK238state exited\nerror no such file: /x\u00c3\u00a9\n");
        assertFalse(channel.finish());
    }

    @Test
    void rawLinesPassThrough() {
        EmbeddedChannel channel = new EmbeddedChannel(TcprocdEncoder.INSTANCE);
        channel.writeOutbound(Unpooled.copiedBuffer("a line\n", StandardCharsets.US_ASCII));
        assertThat(written(channel)).isEqualTo("a line\n");
        assertFalse(channel.finish());
    }
}
