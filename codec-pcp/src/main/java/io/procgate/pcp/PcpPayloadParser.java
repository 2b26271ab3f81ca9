package io.procgate.pcp;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The PCP payload grammar (spec section 3) as a plain class, fed one line without its line end:
 *
 * <pre>
 * payload = pair *( "&amp;" pair )
 * pair    = key "=" value
 * key     = Text
 * value   = Text / "?"
 * Text    = 1*( ALPHA / DIGIT / "." / "_" / ":" / "@" / "%" / "/" / "\" / "{" / "}" / "-" )
 * </pre>
 *
 * applied after removing comments ({@code #} Text {@code #}, anywhere, even inside a key) and
 * spaces and tabs. Values are percent-decoded. Every other shape is rejected with a
 * {@link PcpCodecException} naming the {@link PcpViolation}: more than
 * {@value PcpConstants#MAX_PAYLOAD_BYTES} bytes, more than {@value PcpConstants#MAX_PAIRS} pairs, an
 * empty payload, key or value, a missing {@code =}, a leading, trailing or doubled {@code &}, a byte
 * outside Text, a comment that is empty, not Text or unterminated, a malformed escape.
 *
 * <p>Stripping comments and whitespace first, then parsing, is the spec's reading made literal:
 * {@code na #c# me = a b} is {@code name=ab}. A comment itself may hold no whitespace.
 *
 * <p>Not thread-safe: it reuses one scratch buffer. One instance per decoder.
 */
public final class PcpPayloadParser {
    private static final byte SPACE = ' ';
    private static final byte TAB = '\t';

    private final int maxBytes;

    /** Holds the line with comments and whitespace removed. */
    private final byte[] stripped;

    public PcpPayloadParser() {
        this(PcpConstants.MAX_PAYLOAD_BYTES);
    }

    /**
     * A parser for lines of up to {@code maxBytes}. Only tests need another bound than the
     * protocol's: {@value PcpConstants#MAX_PAIRS} + 1 pairs cannot fit into
     * {@value PcpConstants#MAX_PAYLOAD_BYTES} bytes, yet the pair limit is checked on its own.
     */
    PcpPayloadParser(int maxBytes) {
        this.maxBytes = maxBytes;
        this.stripped = new byte[maxBytes];
    }

    /**
     * Parses {@code length} bytes of {@code buf} from {@code index}, without moving its indexes.
     *
     * @throws PcpCodecException if the bytes are not a payload
     */
    public PcpPayload parse(ByteBuf buf, int index, int length) {
        if (length > maxBytes) {
            throw new PcpCodecException(PcpViolation.TOO_LONG);
        }
        int n = strip(buf, index, length);
        return parseStripped(n);
    }

    /** Parses a whole line given as bytes, without its line end. */
    public PcpPayload parse(byte[] line) {
        return parse(Unpooled.wrappedBuffer(line), 0, line.length);
    }

    private int strip(ByteBuf buf, int index, int length) {
        int n = 0;
        int end = index + length;
        for (int i = index; i < end; i++) {
            byte b = buf.getByte(i);
            if (b == PcpConstants.COMMENT) {
                // #Text# <- find the closing '#', every byte between must be Text
                int close = buf.indexOf(i + 1, end, PcpConstants.COMMENT);
                checkComment(close, i);
                for (int j = i + 1; j < close; j++) {
                    if (!PcpPayload.isText(buf.getByte(j) & 0xFF)) {
                        throw new PcpCodecException(PcpViolation.BAD_COMMENT);
                    }
                }
                i = close;
            } else if (b != SPACE && b != TAB) {
                stripped[n++] = b;
            }
        }
        return n;
    }

    private static void checkComment(int close, int open) {
        if (close < 0) {
            throw new PcpCodecException(PcpViolation.UNTERMINATED_COMMENT);
        }
        if (close == open + 1) {
            // "##": Text is one or more bytes
            throw new PcpCodecException(PcpViolation.BAD_COMMENT);
        }
    }

    /** payload = pair *( "&" pair ), over {@code stripped[0, n)}. */
    private PcpPayload parseStripped(int n) {
        if (n == 0) {
            throw new PcpCodecException(PcpViolation.EMPTY);
        }
        List<PcpPayload.Pair> pairs = new ArrayList<>();
        int start = 0;
        while (true) {
            int end = indexOf(PcpConstants.PAIR_SEPARATOR, start, n);
            if (end == start) {
                // "&..." or "..&&.." or "...&" (the last pair is then empty)
                throw new PcpCodecException(PcpViolation.MISPLACED_AMPERSAND);
            }
            if (pairs.size() == PcpConstants.MAX_PAIRS) {
                throw new PcpCodecException(PcpViolation.TOO_MANY_PAIRS);
            }
            pairs.add(parsePair(start, end));
            if (end == n) {
                return PcpPayload.of(pairs);
            }
            start = end + 1;
            if (start == n) {
                throw new PcpCodecException(PcpViolation.MISPLACED_AMPERSAND);
            }
        }
    }

    /** pair = key "=" value, over {@code stripped[start, end)}, which is not empty. */
    private PcpPayload.Pair parsePair(int start, int end) {
        int eq = indexOf(PcpConstants.KEY_VALUE_SEPARATOR, start, end);
        if (eq == end) {
            throw new PcpCodecException(PcpViolation.MISSING_EQUALS);
        }
        if (eq == start) {
            throw new PcpCodecException(PcpViolation.EMPTY_KEY);
        }
        if (eq + 1 == end) {
            throw new PcpCodecException(PcpViolation.EMPTY_VALUE);
        }
        checkText(start, eq);
        String key = new String(stripped, start, eq - start, StandardCharsets.US_ASCII);
        int valueStart = eq + 1;
        if (end - valueStart == 1 && stripped[valueStart] == PcpConstants.QUERY) {
            return PcpPayload.Pair.query(key);
        }
        // a second '=' or a '?' among other bytes is not Text
        checkText(valueStart, end);
        return PcpPayload.Pair.decoded(key, PcpPayload.percentDecode(stripped, valueStart, end));
    }

    private void checkText(int from, int to) {
        for (int i = from; i < to; i++) {
            if (!PcpPayload.isText(stripped[i] & 0xFF)) {
                throw new PcpCodecException(PcpViolation.BAD_BYTE);
            }
        }
    }

    private int indexOf(byte b, int from, int to) {
        for (int i = from; i < to; i++) {
            if (stripped[i] == b) {
                return i;
            }
        }
        return to;
    }
}
