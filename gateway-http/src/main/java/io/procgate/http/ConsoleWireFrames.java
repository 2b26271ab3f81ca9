package io.procgate.http;

import io.netty.buffer.ByteBuf;

/**
 * A console's {@code line} frame written once for every console of a process (docs/web.md,
 * "Console"): the bytes of a whole WebSocket text frame as RFC 6455 section 5.2 lays it out, so that
 * a run of them, a slice of one shared buffer, goes to each console's socket as it is, with no
 * encoder and no copy per console.
 *
 * <p>Server frames are never masked and the console negotiates no extension, so a frame is {@code
 * FIN|text}, the payload length (7 bits, or 126 and 16 bits, or 127 and 64 bits) and the payload:
 * exactly what Netty's {@code WebSocket08FrameEncoder} writes for a {@code TextWebSocketFrame}, which
 * the console's other frames still go through.
 */
final class ConsoleWireFrames {
    /** FIN set, no reserved bit, opcode 1 (text). */
    static final int FIN_TEXT = 0x81;
    /** The largest payload whose length fits in the first length byte. */
    static final int MAX_SHORT_LENGTH = 125;
    /** The first length byte saying a 16-bit length follows. */
    static final int LENGTH_16 = 126;
    /** The first length byte saying a 64-bit length follows. */
    static final int LENGTH_64 = 127;
    /** The longest header: two bytes and a 64-bit length. */
    static final int MAX_HEADER_BYTES = 10;

    private ConsoleWireFrames() {}

    /** Appends one text frame whose payload is {@code payload}'s readable bytes (not consumed). */
    static void append(ByteBuf out, ByteBuf payload) {
        int length = payload.readableBytes();
        out.writeByte(FIN_TEXT);
        if (length <= MAX_SHORT_LENGTH) {
            out.writeByte(length);
        } else if (length <= 0xFFFF) {
            out.writeByte(LENGTH_16);
            out.writeShort(length);
        } else {
            out.writeByte(LENGTH_64);
            out.writeLong(length);
        }
        out.writeBytes(payload, payload.readerIndex(), length);
    }

    /** The bytes {@link #append} writes for a payload of {@code length} bytes. */
    static int frameBytes(int length) {
        int header = length <= MAX_SHORT_LENGTH ? 2 : length <= 0xFFFF ? 4 : MAX_HEADER_BYTES;
        return header + length;
    }

    /** The length of the whole frame that starts at {@code frames}' reader index. */
    static int frameLength(ByteBuf frames) {
        int at = frames.readerIndex();
        int first = frames.getUnsignedByte(at + 1);
        if (first <= MAX_SHORT_LENGTH) {
            return 2 + first;
        }
        if (first == LENGTH_16) {
            return 4 + frames.getUnsignedShort(at + 2);
        }
        return MAX_HEADER_BYTES + Math.toIntExact(frames.getLong(at + 2));
    }
}
