package io.procgate.pcp;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Jazzer fuzz tests of the payload parser and the decoder. In a normal build they run in regression
 * mode over the seeds in {@code PcpFuzzTestInputs/}; {@code JAZZER_FUZZ=1} fuzzes.
 */
class PcpFuzzTest {

    /** Any bytes either parse into a payload that survives an encode/parse round trip, or are refused. */
    @FuzzTest(maxDuration = "30s")
    void parser(byte[] line) {
        PcpPayload payload;
        try {
            payload = new PcpPayloadParser().parse(line);
        } catch (PcpCodecException e) {
            assertThat(e.violation()).isNotNull();
            return;
        }
        assertThat(line.length).isLessThanOrEqualTo(PcpConstants.MAX_PAYLOAD_BYTES);
        String wire;
        try {
            wire = payload.encode();
        } catch (PcpCodecException e) {
            // Only a line that used the bytes the server's CRLF needs (it came with a bare LF) may
            // be receivable yet not sendable back: encode() then refuses it as too long.
            assertThat(line.length + PcpConstants.CRLF_LENGTH).isGreaterThan(PcpConstants.MAX_PAYLOAD_BYTES);
            assertThat(e.violation()).isEqualTo(PcpViolation.TOO_LONG);
            return;
        }
        // otherwise the canonical form is never longer than what was parsed
        assertThat(wire.length()).isLessThanOrEqualTo(line.length);
        assertThat(new PcpPayloadParser().parse(wire.getBytes(StandardCharsets.US_ASCII)))
                .isEqualTo(payload);
    }

    /** Any byte stream decodes without an exception, and the same however it is split. */
    @FuzzTest(maxDuration = "30s")
    void decoder(FuzzedDataProvider data) {
        int split = data.consumeInt(0, 1 << 16);
        byte[] stream = data.consumeRemainingAsBytes();
        List<Object> whole = decode(List.of(stream));
        int at = Math.min(split, stream.length);
        byte[] a = java.util.Arrays.copyOfRange(stream, 0, at);
        byte[] b = java.util.Arrays.copyOfRange(stream, at, stream.length);
        assertThat(decode(List.of(a, b))).isEqualTo(whole);
        for (Object m : whole) {
            assertThat(m).isInstanceOfAny(PcpPayload.class, PcpAck.class, PcpMalformed.class);
        }
    }

    private static List<Object> decode(List<byte[]> chunks) {
        EmbeddedChannel channel = new EmbeddedChannel(new PcpDecoder());
        for (byte[] chunk : chunks) {
            ByteBuf buf = Unpooled.wrappedBuffer(chunk);
            channel.writeInbound(buf);
        }
        List<Object> out = new ArrayList<>();
        for (Object m; (m = channel.readInbound()) != null; ) {
            out.add(m);
        }
        assertThat(channel.isActive()).isTrue();
        assertThat(channel.finish()).isFalse();
        return out;
    }
}
