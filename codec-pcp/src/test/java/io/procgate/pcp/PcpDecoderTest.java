package io.procgate.pcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class PcpDecoderTest {

    private static List<Object> decode(byte[]... chunks) {
        EmbeddedChannel channel = new EmbeddedChannel(new PcpDecoder());
        for (byte[] chunk : chunks) {
            channel.writeInbound(Unpooled.wrappedBuffer(chunk));
        }
        List<Object> out = new ArrayList<>();
        for (Object m; (m = channel.readInbound()) != null; ) {
            out.add(m);
        }
        assertThat(channel.isActive()).isTrue();
        assertFalse(channel.finish());
        return out;
    }

    private static List<Object> decode(String input) {
        return decode(input.getBytes(StandardCharsets.ISO_8859_1));
    }

    private static List<Object> decodeByteAtATime(byte[] input) {
        byte[][] chunks = new byte[input.length][];
        for (int i = 0; i < input.length; i++) {
            chunks[i] = new byte[] {input[i]};
        }
        return decode(chunks);
    }

    private static PcpMalformed malformed(PcpViolation v) {
        return new PcpMalformed(v);
    }

    @Test
    void decodesACrlfLine() {
        assertThat(decode("request=list\r\n")).containsExactly(PcpPayload.parse("request=list"));
    }

    @Test
    void acceptsABareLf() {
        assertThat(decode("request=list\nrequest=status&name=a\n"))
                .containsExactly(PcpPayload.parse("request=list"), PcpPayload.parse("request=status&name=a"));
    }

    @Test
    void waitsForTheLineEnd() {
        assertThat(decode("request=list", "\r")).isEmpty();
    }

    private static List<Object> decode(String... chunks) {
        byte[][] bytes = new byte[chunks.length][];
        for (int i = 0; i < chunks.length; i++) {
            bytes[i] = chunks[i].getBytes(StandardCharsets.ISO_8859_1);
        }
        return decode(bytes);
    }

    @Test
    void decodesTheAckByte() {
        assertThat(decode("$")).containsExactly(PcpAck.INSTANCE);
        assertThat(decode("$$")).containsExactly(PcpAck.INSTANCE, PcpAck.INSTANCE);
        assertThat(decode("$request=list\r\n")).containsExactly(PcpAck.INSTANCE, PcpPayload.parse("request=list"));
    }

    @Test
    void swallowsOneLineEndRightAfterTheAck() {
        assertThat(decode("$\r\nrequest=list\r\n")).containsExactly(PcpAck.INSTANCE, PcpPayload.parse("request=list"));
        assertThat(decode("$\nrequest=list\n")).containsExactly(PcpAck.INSTANCE, PcpPayload.parse("request=list"));
        assertThat(decode("$", "\r", "\n", "\r\n")).containsExactly(PcpAck.INSTANCE, malformed(PcpViolation.EMPTY));
    }

    @Test
    void aLoneCrAfterTheAckStartsAMalformedLine() {
        assertThat(decode("$\ra=b\r\n")).containsExactly(PcpAck.INSTANCE, malformed(PcpViolation.BAD_BYTE));
    }

    @Test
    void aDollarInsideALineIsMalformed() {
        assertThat(decode("a=b$\r\n")).containsExactly(malformed(PcpViolation.BAD_BYTE));
    }

    @Test
    void reportsAnEmptyLine() {
        assertThat(decode("\r\n\n")).containsExactly(malformed(PcpViolation.EMPTY), malformed(PcpViolation.EMPTY));
    }

    @Test
    void aCrBeforeTheCrlfIsPartOfTheLine() {
        assertThat(decode("a=b\r\r\nc=d\r\n"))
                .containsExactly(malformed(PcpViolation.BAD_BYTE), PcpPayload.parse("c=d"));
    }

    @Test
    void acceptsExactlyTwoHundredFiftySixBytesWithTheLineEnd() {
        String crlf = "k=" + "v".repeat(252) + "\r\n";
        String lf = "k=" + "v".repeat(253) + "\n";
        assertThat(crlf).hasSize(256);
        assertThat(lf).hasSize(256);
        assertThat(decode(crlf)).hasOnlyElementsOfType(PcpPayload.class).hasSize(1);
        assertThat(decode(lf)).hasOnlyElementsOfType(PcpPayload.class).hasSize(1);
        assertThat(decodeByteAtATime(crlf.getBytes(StandardCharsets.US_ASCII)))
                .hasOnlyElementsOfType(PcpPayload.class)
                .hasSize(1);
    }

    @Test
    void rejectsTwoHundredFiftySevenBytesAndResyncsAtTheLineEnd() {
        String crlf = "k=" + "v".repeat(253) + "\r\n";
        String lf = "k=" + "v".repeat(254) + "\n";
        assertThat(decode(crlf + "a=b\r\n")).containsExactly(malformed(PcpViolation.TOO_LONG), PcpPayload.parse("a=b"));
        assertThat(decode(lf + "a=b\r\n")).containsExactly(malformed(PcpViolation.TOO_LONG), PcpPayload.parse("a=b"));
    }

    @Test
    void discardsAHugeLineWithoutHoldingIt() {
        EmbeddedChannel channel = new EmbeddedChannel(new PcpDecoder());
        for (int i = 0; i < 1000; i++) {
            channel.writeInbound(Unpooled.wrappedBuffer("x".repeat(1024).getBytes(StandardCharsets.US_ASCII)));
            assertThat((Object) channel.readInbound()).isNull();
        }
        channel.writeInbound(Unpooled.wrappedBuffer("xx\r\n$a=b\r\n".getBytes(StandardCharsets.US_ASCII)));
        assertThat((Object) channel.readInbound()).isEqualTo(malformed(PcpViolation.TOO_LONG));
        assertThat((Object) channel.readInbound()).isEqualTo(PcpAck.INSTANCE);
        assertThat((Object) channel.readInbound()).isEqualTo(PcpPayload.parse("a=b"));
        assertFalse(channel.finish());
    }

    @Test
    void aDollarAfterAnOverLongLineIsAnAck() {
        String longLine = "x".repeat(300) + "\n";
        assertThat(decode(longLine + "$")).containsExactly(malformed(PcpViolation.TOO_LONG), PcpAck.INSTANCE);
    }

    @Test
    void reportsEveryGrammarViolationAsMalformed() {
        assertThat(decode("nonsense\r\n&a=b\r\na=\r\n=b\r\na=%zz\r\na=b#\r\na=b##\r\n" + PcpPayloadParserTest.pairs(65)
                        + "\r\n"))
                .containsExactly(
                        malformed(PcpViolation.MISSING_EQUALS),
                        malformed(PcpViolation.MISPLACED_AMPERSAND),
                        malformed(PcpViolation.EMPTY_VALUE),
                        malformed(PcpViolation.EMPTY_KEY),
                        malformed(PcpViolation.BAD_ESCAPE),
                        malformed(PcpViolation.UNTERMINATED_COMMENT),
                        malformed(PcpViolation.BAD_COMMENT),
                        malformed(PcpViolation.TOO_LONG));
    }

    @Test
    void decodesTheSameWhereverTheInputIsSplit() {
        Random random = new Random(20240611L);
        for (int round = 0; round < 8; round++) {
            byte[] stream = randomStream(random, 2 + random.nextInt(4));
            List<Object> whole = decode(stream);
            assertThat(whole).isNotEmpty();
            for (int split = 0; split <= stream.length; split++) {
                byte[] a = java.util.Arrays.copyOfRange(stream, 0, split);
                byte[] b = java.util.Arrays.copyOfRange(stream, split, stream.length);
                assertThat(decode(a, b))
                        .as("split at %d of %s", split, printable(stream))
                        .isEqualTo(whole);
            }
            assertThat(decodeByteAtATime(stream)).isEqualTo(whole);
        }
    }

    @Test
    void randomValidPayloadsDecodeToWhatWasGenerated() {
        Random random = new Random(7);
        for (int round = 0; round < 500; round++) {
            PcpPayload expected = randomPayload(random);
            String wire = decorate(random, expected.encode()) + (random.nextBoolean() ? "\r\n" : "\n");
            if (wire.length() > PcpConstants.MAX_PAYLOAD_BYTES) {
                continue;
            }
            assertThat(decode(wire)).as(wire).containsExactly(expected);
        }
    }

    /** Lines (valid, malformed, over-long) and acks, as a consumer might send them. */
    static byte[] randomStream(Random random, int items) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i < items; i++) {
            String item = switch (random.nextInt(5)) {
                case 0 -> "$";
                case 1 -> "nonsense#x#\r\n";
                case 2 -> "y".repeat(250 + random.nextInt(20)) + "\r\n";
                default -> decorate(random, randomPayload(random).encode()) + (random.nextBoolean() ? "\r\n" : "\n");
            };
            out.writeBytes(item.getBytes(StandardCharsets.US_ASCII));
        }
        return out.toByteArray();
    }

    static PcpPayload randomPayload(Random random) {
        PcpPayload.Builder b = PcpPayload.builder();
        int pairs = 1 + random.nextInt(5);
        for (int i = 0; i < pairs; i++) {
            String key = randomText(random, 1 + random.nextInt(8)).replace("%", "p");
            if (random.nextInt(6) == 0) {
                b.query(key);
            } else {
                byte[] value = new byte[1 + random.nextInt(12)];
                for (int j = 0; j < value.length; j++) {
                    value[j] = (byte) (random.nextInt(3) == 0 ? random.nextInt(256) : 'a' + random.nextInt(26));
                }
                b.add(PcpPayload.Pair.ofBytes(key, value));
            }
        }
        return b.build();
    }

    static String randomText(Random random, int length) {
        String text = "abcXYZ019._:@%/\\{}-";
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < length; i++) {
            sb.append(text.charAt(random.nextInt(text.length())));
        }
        return sb.toString();
    }

    /** Sprinkles whitespace and comments between the bytes of an encoded payload. */
    static String decorate(Random random, String encoded) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i <= encoded.length(); i++) {
            int r = random.nextInt(20);
            if (r == 0) {
                sb.append(random.nextBoolean() ? ' ' : '\t');
            } else if (r == 1) {
                sb.append('#').append(randomText(random, 1 + random.nextInt(4))).append('#');
            }
            if (i < encoded.length()) {
                sb.append(encoded.charAt(i));
            }
        }
        return sb.toString();
    }

    private static String printable(byte[] bytes) {
        return new String(bytes, StandardCharsets.ISO_8859_1)
                .replace("\r", "\\r")
                .replace("\n", "\\n");
    }

    @Test
    void releasesItsBufferWhenTheChannelCloses() {
        EmbeddedChannel channel = new EmbeddedChannel(new PcpDecoder());
        ByteBuf partial = Unpooled.copiedBuffer("request=li", StandardCharsets.US_ASCII);
        channel.writeInbound(partial);
        assertFalse(channel.finish());
        assertThat(partial.refCnt()).isZero();
    }
}
