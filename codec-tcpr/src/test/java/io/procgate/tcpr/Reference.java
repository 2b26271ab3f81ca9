package io.procgate.tcpr;

import static java.nio.charset.StandardCharsets.ISO_8859_1;

import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/** A whole-input model of {@link TcprDecoder}, written as plainly as possible, to compare against. */
final class Reference {
    static final String FAILED = "FAILED";

    private Reference() {}

    /** What the decoder must produce from {@code input}, as {@link #describe} strings. */
    static List<String> decode(byte[] input, int max) {
        List<String> out = new ArrayList<>();
        boolean password = true;
        int start = 0;
        for (int i = 0; i < input.length; i++) {
            if (input[i] != '\n') {
                continue;
            }
            int end = i > start && input[i - 1] == '\r' ? i - 1 : i;
            byte[] content = Arrays.copyOfRange(input, start, end);
            start = i + 1;
            if (password) {
                if (content.length > max) {
                    out.add(FAILED);
                    return out;
                }
                out.add("P:" + new String(content, ISO_8859_1) + ":" + (end < i ? "CRLF" : "LF"));
                password = false;
            } else {
                out.add(content.length > max ? "TOO_LONG" : "C:" + new String(content, ISO_8859_1));
            }
        }
        int tail = input.length - start;
        boolean tooLong = tail > max + 1 || (tail == max + 1 && input[input.length - 1] != '\r');
        if (tooLong) {
            out.add(password ? FAILED : "TOO_LONG");
        }
        return out;
    }

    /** Feeds the decoder {@code chunks} one write each and describes what it produced. */
    static List<String> feed(List<byte[]> chunks, int max) {
        EmbeddedChannel ch = new EmbeddedChannel(new TcprDecoder(max));
        List<String> out = new ArrayList<>();
        boolean failed = false;
        for (byte[] chunk : chunks) {
            try {
                ch.writeInbound(Unpooled.wrappedBuffer(chunk));
            } catch (TcprCodecException e) {
                if (failed) {
                    throw new AssertionError("a second failure", e);
                }
                failed = true;
            }
            for (Object m; (m = ch.readInbound()) != null; ) {
                if (failed) {
                    throw new AssertionError("a message after the failure: " + m);
                }
                out.add(describe((TcprMessage) m));
            }
        }
        if (failed) {
            out.add(FAILED);
        }
        if (ch.finish()) {
            throw new AssertionError("messages left at finish");
        }
        return out;
    }

    static List<String> decodeChunked(byte[] input, int max, Random random) {
        List<byte[]> chunks = new ArrayList<>();
        for (int i = 0; i < input.length; ) {
            int n = 1 + random.nextInt(Math.min(input.length - i, max * 3));
            chunks.add(Arrays.copyOfRange(input, i, i + n));
            i += n;
        }
        return feed(chunks, max);
    }

    static String describe(TcprMessage m) {
        if (m instanceof TcprPassword p) {
            return "P:" + new String(p.password(), ISO_8859_1) + ":" + p.newline();
        }
        if (m instanceof TcprCommand c) {
            return "C:" + new String(c.line(), ISO_8859_1);
        }
        if (m instanceof TcprLineTooLong) {
            return "TOO_LONG";
        }
        throw new AssertionError("unexpected " + m);
    }
}
