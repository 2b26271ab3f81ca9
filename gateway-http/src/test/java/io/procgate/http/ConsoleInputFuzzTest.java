package io.procgate.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocket13FrameDecoder;
import io.netty.handler.codec.http.websocketx.WebSocketDecoderConfig;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import io.netty.util.ReferenceCountUtil;
import io.procgate.core.auth.User;
import io.procgate.core.control.Caller;
import io.procgate.core.control.HostProcessControl;
import io.procgate.core.testing.FakeProcessHost;
import io.procgate.host.ProcessSpec;
import io.procgate.host.os.Passwd;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Arrays;

/**
 * Arbitrary client bytes into a console's pipeline (frame decoder, aggregator, {@link ConsoleHandler})
 * through an {@link EmbeddedChannel}: whatever arrives, nothing is thrown out of the pipeline, every
 * answer is a JSON text frame or a close frame, and nothing leaks. Byte 0 picks the mode: raw frames
 * as they come, or the rest wrapped in one masked text frame (so the JSON parser sees the input). In
 * a normal build this runs the seeds under {@code ConsoleInputFuzzTestInputs}; {@code JAZZER_FUZZ=1}
 * fuzzes.
 */
class ConsoleInputFuzzTest {
    private static final int MAX_FRAME = 1024;

    @FuzzTest(maxDuration = "60s")
    void consoleInput(byte[] input) {
        if (input.length < 2) {
            return;
        }
        FakeProcessHost host = new FakeProcessHost();
        HostProcessControl control = new HostProcessControl(host, null, Passwd.system());
        User user = new User("fuzz", null, false, null);
        host.start("echo", ProcessSpec.of("cat"), "fuzz");
        WebSessions sessions = new WebSessions(Duration.ofMinutes(5), 10);
        WebSession session = sessions.create(user);
        Caller caller = new Caller(user, new InetSocketAddress("127.0.0.1", 1), "http", false);
        ConsoleHandler console =
                new ConsoleHandler(control, sessions, session, caller, "echo", 64 * 1024, new ConsoleFeeds(host));
        EmbeddedChannel channel = new EmbeddedChannel(
                new WebSocket13FrameDecoder(WebSocketDecoderConfig.newBuilder()
                        .maxFramePayloadLength(MAX_FRAME)
                        .build()),
                new WebSocketFrameAggregator(MAX_FRAME),
                console);
        byte[] body = Arrays.copyOfRange(input, 1, input.length);
        byte[] bytes = (input[0] & 1) == 0 ? body : maskedTextFrame(body);
        channel.writeInbound(Unpooled.wrappedBuffer(bytes));
        for (Object out; (out = channel.readOutbound()) != null; ) {
            try {
                check(out);
            } finally {
                ReferenceCountUtil.release(out);
            }
        }
        channel.finishAndReleaseAll();
    }

    private static void check(Object out) {
        if (out instanceof TextWebSocketFrame text) {
            try {
                assertThat(Json.MAPPER.readTree(text.text()).get("t").asText()).isIn("state", "line", "error");
            } catch (java.io.IOException e) {
                throw new AssertionError("not JSON: " + text.text(), e);
            }
        } else if (out instanceof ByteBuf) {
            // the decoder's own close frame for a protocol violation, already encoded
        } else {
            assertThat(out).isInstanceOf(CloseWebSocketFrame.class);
        }
    }

    /** A final, masked (as clients must) text frame around {@code payload}. */
    static byte[] maskedTextFrame(byte[] payload) {
        ByteBuf b = Unpooled.buffer();
        b.writeByte(0x81);
        if (payload.length < 126) {
            b.writeByte(0x80 | payload.length);
        } else if (payload.length < 65536) {
            b.writeByte(0x80 | 126).writeShort(payload.length);
        } else {
            b.writeByte(0x80 | 127).writeLong(payload.length);
        }
        byte[] mask = {1, 2, 3, 4};
        b.writeBytes(mask);
        for (int i = 0; i < payload.length; i++) {
            b.writeByte(payload[i] ^ mask[i % 4]);
        }
        byte[] out = new byte[b.readableBytes()];
        b.readBytes(out);
        b.release();
        return out;
    }
}
