package io.procgate.tcpr;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.io.ByteArrayOutputStream;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Fuzz targets for the codec. In a normal build they run as regression tests on the inputs under
 * {@code src/test/resources/io/procgate/tcpr/TcprFuzzTestInputs/}; {@code JAZZER_FUZZ=1} fuzzes.
 */
class TcprFuzzTest {

    /** Any bytes, cut into any chunks, decode exactly as the whole-input model says. */
    @FuzzTest(maxDuration = "10s")
    void decoderMatchesReference(FuzzedDataProvider data) {
        int max = data.consumeInt(1, 12);
        int chunkCount = data.consumeInt(1, 8);
        int[] cuts = new int[chunkCount];
        for (int i = 0; i < chunkCount; i++) {
            cuts[i] = data.consumeInt(0, 64);
        }
        byte[] input = data.consumeRemainingAsBytes();
        List<byte[]> chunks = new ArrayList<>();
        int at = 0;
        for (int cut : cuts) {
            int end = Math.min(input.length, at + cut);
            chunks.add(Arrays.copyOfRange(input, at, end));
            at = end;
        }
        chunks.add(Arrays.copyOfRange(input, at, input.length));
        assertThat(Reference.feed(chunks, max)).isEqualTo(Reference.decode(input, max));
    }

    /** Any content comes back whole from the encoded pieces, each piece a well-formed line. */
    @FuzzTest(maxDuration = "10s")
    void encoderLinesCarryTheContentExactly(FuzzedDataProvider data) {
        int max = data.consumeInt(1, 40);
        boolean timestamps = data.consumeBoolean();
        TcprNewline newline = data.consumeBoolean() ? TcprNewline.CRLF : TcprNewline.LF;
        LocalTime time = LocalTime.ofSecondOfDay(data.consumeInt(0, 86399));
        byte[] content = data.consumeRemainingAsBytes();

        TcprEncoder encoder = new TcprEncoder(timestamps, max);
        encoder.newline(newline);
        EmbeddedChannel ch = new EmbeddedChannel(encoder);
        ch.writeOutbound(new TcprLine(time, Unpooled.wrappedBuffer(content)));

        byte[] prefix = timestamps
                ? String.format("[%tT] ", time).getBytes(java.nio.charset.StandardCharsets.US_ASCII)
                : new byte[0];
        ByteArrayOutputStream joined = new ByteArrayOutputStream();
        int lines = 0;
        for (ByteBuf b; (b = ch.readOutbound()) != null; lines++) {
            byte[] line = ByteBufUtil.getBytes(b);
            b.release();
            assertThat(Arrays.copyOfRange(line, 0, prefix.length)).isEqualTo(prefix);
            assertThat(Arrays.copyOfRange(line, line.length - newline.length(), line.length))
                    .isEqualTo(newline.bytes());
            int payload = line.length - prefix.length - newline.length();
            assertThat(payload).isBetween(content.length == 0 ? 0 : 1, max);
            joined.write(line, prefix.length, payload);
        }
        assertThat(lines).isEqualTo(Math.max(1, (content.length + max - 1) / max));
        assertThat(joined.toByteArray()).isEqualTo(content);
        assertThat(ch.finish()).isFalse();
    }
}
