package io.procgate.tcprocd;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.ReferenceCountUtil;
import io.procgate.core.control.ProcessControl;
import java.util.Arrays;

/**
 * Feeds arbitrary bytes to the decoder in arbitrary chunks: it may only produce well-formed
 * messages or a {@link TcprocdCodecException}, never another exception, a leak or a hang. In a
 * normal build this runs the seeds under {@code TcprocdDecoderFuzzTestInputs/decoder}; with
 * {@code JAZZER_FUZZ=1} it fuzzes.
 *
 * <p>Input layout: byte 0 picks the mode, byte 1 the chunk size, the rest is the stream.
 */
class TcprocdDecoderFuzzTest {

    @FuzzTest(maxDuration = "60s")
    void decoder(byte[] input) {
        if (input.length < 2) {
            return;
        }
        TcprocdDecoder.Mode mode = TcprocdDecoder.Mode.values()[(input[0] & 0xff) % 3];
        int chunk = 1 + (input[1] & 0xff) % 32;
        EmbeddedChannel channel = new EmbeddedChannel(new TcprocdDecoder(mode));
        boolean failed = false;
        for (int at = 2; at < input.length; at += chunk) {
            byte[] piece = Arrays.copyOfRange(input, at, Math.min(input.length, at + chunk));
            try {
                channel.writeInbound(Unpooled.wrappedBuffer(piece));
            } catch (TcprocdCodecException expected) {
                assertThat(failed).as("only one error per connection").isFalse();
                failed = true;
            }
            for (Object message; (message = channel.readInbound()) != null; ) {
                try {
                    check(mode, message);
                } finally {
                    ReferenceCountUtil.release(message);
                }
            }
        }
        assertThat(channel.finish()).isFalse();
    }

    private static void check(TcprocdDecoder.Mode mode, Object message) {
        if (mode == TcprocdDecoder.Mode.COMMANDS) {
            assertThat(message).isInstanceOf(TcprocdRequest.class);
            if (message instanceof TcprocdNamedRequest) {
                assertThat(ProcessControl.isValidName(((TcprocdNamedRequest) message).name()))
                        .isTrue();
            }
            if (message instanceof TcprocdCatRequest) {
                assertThat(((TcprocdCatRequest) message).startLine()).isBetween(0L, 999_999_999L);
            }
        } else {
            TcprocdAuthRequest auth = (TcprocdAuthRequest) message;
            assertThat(auth.username() == null).isEqualTo(mode == TcprocdDecoder.Mode.PASSWORD);
            assertThat(auth.password().length).isLessThanOrEqualTo(TcprocdConstants.MAX_SHORT_FIELD);
        }
    }
}
