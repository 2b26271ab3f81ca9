package io.procgate.tcpr;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class TcprDecoderTest {
    private static final int MAX = TcprConstants.MAX_LINE_BYTES;

    @Test
    void passwordWithLfChoosesLf() {
        EmbeddedChannel ch = new EmbeddedChannel(new TcprDecoder());
        ch.writeInbound(Unpooled.copiedBuffer("secret\n", UTF_8));
        TcprPassword password = ch.readInbound();
        assertThat(password.password()).isEqualTo(bytes("secret"));
        assertThat(password.newline()).isEqualTo(TcprNewline.LF);
        assertFalse(ch.finish());
    }

    @Test
    void passwordWithCrLfChoosesCrLfAndLosesTheCr() {
        EmbeddedChannel ch = new EmbeddedChannel(new TcprDecoder());
        ch.writeInbound(Unpooled.copiedBuffer("secret\r\n", UTF_8));
        TcprPassword password = ch.readInbound();
        assertThat(password.password()).isEqualTo(bytes("secret"));
        assertThat(password.newline()).isEqualTo(TcprNewline.CRLF);
        assertFalse(ch.finish());
    }

    @Test
    void nothingIsDecodedBeforeTheNewline() {
        EmbeddedChannel ch = new EmbeddedChannel(new TcprDecoder());
        ch.writeInbound(Unpooled.copiedBuffer("secret\r", UTF_8));
        assertThat(ch.<Object>readInbound()).isNull();
        ch.writeInbound(Unpooled.copiedBuffer("\n", UTF_8));
        TcprPassword password = ch.readInbound();
        assertThat(password.newline()).isEqualTo(TcprNewline.CRLF);
        assertFalse(ch.finish());
    }

    @Test
    void pipelinedCommandsFollowThePasswordInOneRead() {
        EmbeddedChannel ch = new EmbeddedChannel(new TcprDecoder());
        ch.writeInbound(Unpooled.copiedBuffer("pw\n/players\r\n\nsay \"hi there\"\n", UTF_8));
        assertThat(drain(ch))
                .extracting(TcprDecoderTest::describe)
                .containsExactly("P:pw:LF", "C:/players", "C:", "C:say \"hi there\"");
        assertFalse(ch.finish());
    }

    @Test
    void aCrInsideALineIsContent() {
        EmbeddedChannel ch = new EmbeddedChannel(new TcprDecoder());
        ch.writeInbound(Unpooled.copiedBuffer("p\rw\r\na\rb\r\r\n", UTF_8));
        assertThat(drain(ch)).extracting(TcprDecoderTest::describe).containsExactly("P:p\rw:CRLF", "C:a\rb\r");
        assertFalse(ch.finish());
    }

    @Test
    void anyBytesPassThrough() {
        byte[] input = {'p', '\n', (byte) 0xff, (byte) 0xc3, 0, (byte) 0x80, '\n'};
        EmbeddedChannel ch = new EmbeddedChannel(new TcprDecoder());
        ch.writeInbound(Unpooled.wrappedBuffer(input));
        assertThat(ch.<Object>readInbound()).isInstanceOf(TcprPassword.class);
        TcprCommand command = ch.readInbound();
        assertThat(command.line()).containsExactly((byte) 0xff, (byte) 0xc3, 0, (byte) 0x80);
        assertFalse(ch.finish());
    }

    @Test
    void passwordAndCommandsAtTheLimitAreAccepted() {
        String full = "x".repeat(MAX);
        EmbeddedChannel ch = new EmbeddedChannel(new TcprDecoder());
        ch.writeInbound(Unpooled.copiedBuffer(full + "\r\n" + full + "\n" + full + "\r\n", UTF_8));
        List<TcprMessage> messages = drain(ch);
        assertThat(messages).hasSize(3);
        assertThat(((TcprPassword) messages.get(0)).password()).hasSize(MAX);
        assertThat(((TcprCommand) messages.get(1)).line()).hasSize(MAX);
        assertThat(((TcprCommand) messages.get(2)).line()).hasSize(MAX);
        assertFalse(ch.finish());
    }

    @Test
    void overLongPasswordIsFatalAndLaterBytesAreIgnored() {
        EmbeddedChannel ch = new EmbeddedChannel(new TcprDecoder());
        assertThatThrownBy(() -> ch.writeInbound(Unpooled.copiedBuffer("x".repeat(MAX + 1) + "\n", UTF_8)))
                .isInstanceOf(TcprCodecException.class)
                .hasMessageContaining("password line longer than 16384");
        ch.writeInbound(Unpooled.copiedBuffer("pw\ncmd\n", UTF_8));
        assertThat(ch.<Object>readInbound()).isNull();
        assertFalse(ch.finish());
    }

    @Test
    void overLongPasswordWithoutNewlineIsFatalAsSoonAsItCannotFit() {
        EmbeddedChannel ch = new EmbeddedChannel(new TcprDecoder());
        // MAX bytes and a \r may still be a MAX-byte password with \r\n
        ch.writeInbound(Unpooled.copiedBuffer("x".repeat(MAX) + "\r", UTF_8));
        assertThat(ch.<Object>readInbound()).isNull();
        assertThatThrownBy(() -> ch.writeInbound(Unpooled.copiedBuffer("x", UTF_8)))
                .isInstanceOf(TcprCodecException.class);
        assertFalse(ch.finish());
    }

    @Test
    void overLongCommandIsReportedOnceAndTheNextLineIsRead() {
        EmbeddedChannel ch = new EmbeddedChannel(new TcprDecoder());
        ch.writeInbound(Unpooled.copiedBuffer("pw\n" + "y".repeat(MAX + 1) + "\r\nnext\n", UTF_8));
        assertThat(drain(ch)).extracting(TcprDecoderTest::describe).containsExactly("P:pw:LF", "TOO_LONG", "C:next");
        assertFalse(ch.finish());
    }

    @Test
    void endlessCommandIsReportedAtOnceAndNeverBuffered() {
        EmbeddedChannel ch = new EmbeddedChannel(new TcprDecoder());
        ch.writeInbound(Unpooled.copiedBuffer("pw\n", UTF_8));
        assertThat(ch.<Object>readInbound()).isInstanceOf(TcprPassword.class);
        for (int i = 0; i < 10; i++) {
            ch.writeInbound(Unpooled.copiedBuffer("z".repeat(MAX), UTF_8));
            if (i == 1) {
                assertThat(ch.<Object>readInbound()).isSameAs(TcprLineTooLong.INSTANCE);
            }
            assertThat(ch.<Object>readInbound()).isNull();
        }
        ch.writeInbound(Unpooled.copiedBuffer("zzz\nafter\n", UTF_8));
        TcprCommand after = ch.readInbound();
        assertThat(after.line()).isEqualTo(bytes("after"));
        assertFalse(ch.finish());
    }

    @Test
    void oneByteAtATimeGivesTheSameMessages() {
        String input = "pass word\r\n/kick x\nsay hi\r\n\n" + "q".repeat(MAX + 5) + "\nlast\r\n";
        EmbeddedChannel ch = new EmbeddedChannel(new TcprDecoder());
        for (byte b : bytes(input)) {
            ch.writeInbound(Unpooled.wrappedBuffer(new byte[] {b}));
        }
        assertThat(drain(ch))
                .extracting(TcprDecoderTest::describe)
                .containsExactly("P:pass word:CRLF", "C:/kick x", "C:say hi", "C:", "TOO_LONG", "C:last");
        assertFalse(ch.finish());
    }

    @Test
    void seededRandomStreamsDecodeTheSameWhereverTheyAreSplit() {
        int max = 8;
        Random random = new Random(20240611L);
        for (int round = 0; round < 300; round++) {
            byte[] input = randomStream(random, max);
            List<String> expected = Reference.decode(input, max);
            for (int split = 0; split <= input.length; split++) {
                assertThat(decodeInTwo(input, split, max))
                        .as("round %d split %d", round, split)
                        .isEqualTo(expected);
            }
        }
    }

    @Test
    void seededRandomStreamsDecodeTheSameInRandomChunks() {
        int max = 8;
        Random random = new Random(7L);
        for (int round = 0; round < 2000; round++) {
            byte[] input = randomStream(random, max);
            assertThat(Reference.decodeChunked(input, max, random)).isEqualTo(Reference.decode(input, max));
        }
    }

    /** Lines around the limit, with every terminator and stray {@code \r}. */
    static byte[] randomStream(Random random, int max) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int lines = random.nextInt(6);
        for (int i = 0; i < lines; i++) {
            int length = random.nextInt(max + 4);
            for (int j = 0; j < length; j++) {
                int r = random.nextInt(10);
                out.write(r == 0 ? '\r' : r == 1 ? 0xff : 'a' + r);
            }
            int end = random.nextInt(4);
            if (end == 0) {
                out.write('\n');
            } else if (end == 1) {
                out.write('\r');
                out.write('\n');
            } else if (end == 2 && i == lines - 1) {
                break; // unterminated tail
            } else {
                out.write('\n');
            }
        }
        return out.toByteArray();
    }

    private static List<String> decodeInTwo(byte[] input, int split, int max) {
        return Reference.feed(
                List.of(Arrays.copyOfRange(input, 0, split), Arrays.copyOfRange(input, split, input.length)), max);
    }

    static List<TcprMessage> drain(EmbeddedChannel ch) {
        List<TcprMessage> messages = new ArrayList<>();
        for (Object m; (m = ch.readInbound()) != null; ) {
            messages.add((TcprMessage) m);
        }
        return messages;
    }

    static String describe(TcprMessage m) {
        if (m instanceof TcprPassword p) {
            return "P:" + new String(p.password(), UTF_8) + ":" + p.newline();
        }
        if (m instanceof TcprCommand c) {
            return "C:" + new String(c.line(), UTF_8);
        }
        return "TOO_LONG";
    }

    static byte[] bytes(String s) {
        return s.getBytes(UTF_8);
    }
}
