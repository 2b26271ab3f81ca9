package io.procgate.pcp;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/**
 * A PCP payload: ordered {@code key=value} pairs joined by {@code &} (spec section 3). Keys are Text
 * and kept as sent; values are held decoded (arbitrary bytes, usually UTF-8) and percent-encoded on
 * the wire, so that the server only ever sends Text. A value of exactly {@code ?} is a query
 * ({@link Pair#isQuery()}).
 *
 * <p>A payload always holds at least one pair and every pair is grammatical; the wire limits
 * ({@value PcpConstants#MAX_PAIRS} pairs, {@value PcpConstants#MAX_PAYLOAD_BYTES} bytes with the
 * CRLF) are checked by {@link #encode()}, so that the server never sends what it would reject.
 */
public final class PcpPayload implements PcpMessage {
    private static final byte[] HEX = "0123456789ABCDEF".getBytes(StandardCharsets.US_ASCII);
    private static final boolean[] TEXT = new boolean[256];

    static {
        for (int c = 'a'; c <= 'z'; c++) {
            TEXT[c] = true;
            TEXT[c - 'a' + 'A'] = true;
        }
        for (int c = '0'; c <= '9'; c++) {
            TEXT[c] = true;
        }
        for (char c : "._:@%/\\{}-".toCharArray()) {
            TEXT[c] = true;
        }
    }

    private final List<Pair> pairs;

    private PcpPayload(List<Pair> pairs) {
        if (pairs.isEmpty()) {
            throw new PcpCodecException(PcpViolation.EMPTY);
        }
        this.pairs = Collections.unmodifiableList(pairs);
    }

    /** A payload of these pairs, in this order. */
    public static PcpPayload of(List<Pair> pairs) {
        return new PcpPayload(new ArrayList<>(pairs));
    }

    public static PcpPayload of(Pair... pairs) {
        return of(Arrays.asList(pairs));
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * Parses one payload without its line end, by the rules of {@link PcpPayloadParser}.
     *
     * @throws PcpCodecException naming the rule the text breaks
     */
    public static PcpPayload parse(CharSequence text) {
        byte[] bytes = text.toString().getBytes(StandardCharsets.UTF_8);
        return new PcpPayloadParser().parse(bytes);
    }

    /** Whether {@code b} is a Text byte: {@code [a-zA-Z0-9._:@%/\{}-]}. */
    public static boolean isText(int b) {
        return b >= 0 && b < 256 && TEXT[b];
    }

    public int size() {
        return pairs.size();
    }

    public List<Pair> pairs() {
        return pairs;
    }

    public Pair pair(int index) {
        return pairs.get(index);
    }

    /** The first pair with this key, or {@code null}. */
    public Pair get(String key) {
        for (Pair p : pairs) {
            if (p.key.equals(key)) {
                return p;
            }
        }
        return null;
    }

    /** The decoded value of the first pair with this key, or {@code null} if absent or a query. */
    public String value(String key) {
        Pair p = get(key);
        return p == null || p.isQuery() ? null : p.value();
    }

    /** Whether the payload asks for {@code key} with a query pair {@code key=?}. */
    public boolean asks(String key) {
        for (Pair p : pairs) {
            if (p.isQuery() && p.key.equals(key)) {
                return true;
            }
        }
        return false;
    }

    /** Whether any pair is a query: the response is then narrowed to the pairs asked for. */
    public boolean hasQueries() {
        for (Pair p : pairs) {
            if (p.isQuery()) {
                return true;
            }
        }
        return false;
    }

    /** Length of {@link #encode()} in bytes, without the line end, not checked against the limits. */
    public int encodedLength() {
        int length = pairs.size() - 1;
        for (Pair p : pairs) {
            length += p.encodedLength();
        }
        return length;
    }

    /**
     * The payload as sent, without the line end: ASCII Text, delimiters and {@code ?} only.
     *
     * @throws PcpCodecException if it holds more than {@value PcpConstants#MAX_PAIRS} pairs or would
     *     exceed {@value PcpConstants#MAX_PAYLOAD_BYTES} bytes with its CRLF
     */
    public String encode() {
        checkLimits();
        StringBuilder sb = new StringBuilder(encodedLength());
        for (int i = 0; i < pairs.size(); i++) {
            if (i > 0) {
                sb.append('&');
            }
            pairs.get(i).appendTo(sb);
        }
        return sb.toString();
    }

    /** Writes {@link #encode()} and CRLF to {@code out}. */
    public void encodeTo(ByteBuf out) {
        out.writeCharSequence(encode(), StandardCharsets.US_ASCII);
        out.writeByte(PcpConstants.CR);
        out.writeByte(PcpConstants.LF);
    }

    private void checkLimits() {
        if (pairs.size() > PcpConstants.MAX_PAIRS) {
            throw new PcpCodecException(PcpViolation.TOO_MANY_PAIRS);
        }
        if (encodedLength() + PcpConstants.CRLF_LENGTH > PcpConstants.MAX_PAYLOAD_BYTES) {
            throw new PcpCodecException(PcpViolation.TOO_LONG);
        }
    }

    /** Percent-encodes {@code value}: Text bytes other than {@code %} as they are, all others as {@code %XX}. */
    public static String percentEncode(byte[] value) {
        StringBuilder sb = new StringBuilder(value.length);
        for (byte b : value) {
            appendEncoded(sb, b & 0xFF);
        }
        return sb.toString();
    }

    /** How many bytes {@link #percentEncode} makes of one byte. */
    static int encodedLength(int b) {
        return b != PcpConstants.PERCENT && isText(b) ? 1 : 3;
    }

    private static void appendEncoded(StringBuilder sb, int b) {
        if (encodedLength(b) == 1) {
            sb.append((char) b);
        } else {
            sb.append('%').append((char) HEX[b >>> 4]).append((char) HEX[b & 0xF]);
        }
    }

    /**
     * Decodes a Text value's percent escapes ({@code %20}, either case of hex digit).
     *
     * @throws PcpCodecException ({@link PcpViolation#BAD_ESCAPE}) on {@code %} without two hex digits
     */
    public static byte[] percentDecode(byte[] text, int from, int to) {
        int length = 0;
        for (int i = from; i < to; i++, length++) {
            if (text[i] == PcpConstants.PERCENT) {
                // %XX <- needs two hex digits before the end
                if (i + 2 >= to || hexValue(text[i + 1]) < 0 || hexValue(text[i + 2]) < 0) {
                    throw new PcpCodecException(PcpViolation.BAD_ESCAPE);
                }
                i += 2;
            }
        }
        byte[] decoded = new byte[length];
        int j = 0;
        for (int i = from; i < to; i++) {
            byte b = text[i];
            if (b == PcpConstants.PERCENT) {
                decoded[j++] = (byte) (hexValue(text[i + 1]) << 4 | hexValue(text[i + 2]));
                i += 2;
            } else {
                decoded[j++] = b;
            }
        }
        return decoded;
    }

    private static int hexValue(byte b) {
        if (b >= '0' && b <= '9') {
            return b - '0';
        }
        if (b >= 'a' && b <= 'f') {
            return b - 'a' + 10;
        }
        if (b >= 'A' && b <= 'F') {
            return b - 'A' + 10;
        }
        return -1;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PcpPayload other && other.pairs.equals(pairs);
    }

    @Override
    public int hashCode() {
        return pairs.hashCode();
    }

    /** The wire form, unchecked against the limits (for logs and test failures). */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < pairs.size(); i++) {
            if (i > 0) {
                sb.append('&');
            }
            pairs.get(i).appendTo(sb);
        }
        return sb.toString();
    }

    /**
     * One {@code key=value} pair: a Text key and a non-empty decoded value, or a query
     * ({@code key=?}).
     */
    public static final class Pair {
        private final String key;
        private final byte[] value;

        private Pair(String key, byte[] value) {
            Objects.requireNonNull(key, "key");
            if (key.isEmpty()) {
                throw new PcpCodecException(PcpViolation.EMPTY_KEY);
            }
            for (int i = 0; i < key.length(); i++) {
                if (!isText(key.charAt(i))) {
                    throw new PcpCodecException(PcpViolation.BAD_BYTE, "key is not Text: " + key);
                }
            }
            if (value != null && value.length == 0) {
                throw new PcpCodecException(PcpViolation.EMPTY_VALUE, "empty value for key " + key);
            }
            this.key = key;
            this.value = value;
        }

        /** A pair whose value is the UTF-8 encoding of {@code value}. */
        public static Pair of(String key, String value) {
            return new Pair(key, value.getBytes(StandardCharsets.UTF_8));
        }

        public static Pair of(String key, long value) {
            return of(key, Long.toString(value));
        }

        /** A pair with raw value bytes (copied). */
        public static Pair ofBytes(String key, byte[] value) {
            return new Pair(key, value.clone());
        }

        /** The query {@code key=?}. */
        public static Pair query(String key) {
            return new Pair(key, null);
        }

        /** For the parser, which hands over a fresh array. */
        static Pair decoded(String key, byte[] value) {
            return new Pair(key, value);
        }

        public String key() {
            return key;
        }

        public boolean isQuery() {
            return value == null;
        }

        /** The decoded value as UTF-8 text ({@code ?} for a query). */
        public String value() {
            return value == null ? "?" : new String(value, StandardCharsets.UTF_8);
        }

        /** The decoded value's bytes (a copy), or {@code null} for a query. */
        public byte[] valueBytes() {
            return value == null ? null : value.clone();
        }

        int encodedLength() {
            int length = key.length() + 1;
            if (value == null) {
                return length + 1;
            }
            for (byte b : value) {
                length += PcpPayload.encodedLength(b & 0xFF);
            }
            return length;
        }

        void appendTo(StringBuilder sb) {
            sb.append(key).append('=');
            if (value == null) {
                sb.append('?');
            } else {
                for (byte b : value) {
                    appendEncoded(sb, b & 0xFF);
                }
            }
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Pair other && other.key.equals(key) && Arrays.equals(other.value, value);
        }

        @Override
        public int hashCode() {
            return key.hashCode() * 31 + Arrays.hashCode(value);
        }

        @Override
        public String toString() {
            StringBuilder sb = new StringBuilder();
            appendTo(sb);
            return sb.toString();
        }
    }

    /** Collects pairs in order. */
    public static final class Builder {
        private final List<Pair> pairs = new ArrayList<>();

        private Builder() {}

        public Builder add(String key, String value) {
            pairs.add(Pair.of(key, value));
            return this;
        }

        public Builder add(String key, long value) {
            pairs.add(Pair.of(key, value));
            return this;
        }

        public Builder add(Pair pair) {
            pairs.add(Objects.requireNonNull(pair, "pair"));
            return this;
        }

        public Builder query(String key) {
            pairs.add(Pair.query(key));
            return this;
        }

        public PcpPayload build() {
            return new PcpPayload(new ArrayList<>(pairs));
        }
    }
}
