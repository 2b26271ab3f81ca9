package io.procgate.pcp;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.util.List;

/**
 * Decodes what a PCP consumer sends into {@link PcpMessage}s:
 *
 * <ul>
 *   <li>a {@code $} at the start of a line is a {@link PcpAck} (one line end right after it is
 *       swallowed, for consumers that type {@code $} and Enter);
 *   <li>a line ending in CRLF, or liberally a bare LF, is parsed by {@link PcpPayloadParser} into a
 *       {@link PcpPayload}, or becomes a {@link PcpMalformed} naming the broken rule;
 *   <li>a line longer than {@value PcpConstants#MAX_PAYLOAD_BYTES} bytes with its line end is
 *       discarded up to its line end, then reported as {@link PcpViolation#TOO_LONG}: one malformed
 *       message per line, so that answers stay paired with lines.
 * </ul>
 *
 * <p>A CR anywhere but right before the LF is part of the line and breaks the grammar (real parsers
 * stop at the first CR, so accepting it would let two parsers read one line differently). Nothing
 * here throws on bad input: every byte sequence yields messages, and at most
 * {@value PcpConstants#MAX_PAYLOAD_BYTES} bytes are ever held.
 */
public final class PcpDecoder extends ByteToMessageDecoder {

    private enum State {
        /** At the start of a line: a {@code $} or the first byte of a payload. */
        LINE_START,
        /** Right after a {@code $}: swallow one line end, if there is one. */
        AFTER_ACK,
        /** Within a payload line, looking for its LF. */
        LINE,
        /** Within an over-long line: dropping bytes up to its LF. */
        DISCARD
    }

    private final PcpPayloadParser parser = new PcpPayloadParser();
    private State state = State.LINE_START;

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        for (; ; ) {
            boolean progressed = switch (state) {
                case LINE_START -> decodeLineStart(in, out);
                case AFTER_ACK -> decodeAfterAck(in);
                case LINE -> decodeLine(in, out);
                case DISCARD -> decodeDiscard(in, out);
            };
            if (!progressed) {
                return;
            }
        }
    }

    private boolean decodeLineStart(ByteBuf in, List<Object> out) {
        if (!in.isReadable()) {
            return false;
        }
        if (in.getByte(in.readerIndex()) == PcpConstants.ACK) {
            in.skipBytes(1);
            out.add(PcpAck.INSTANCE);
            state = State.AFTER_ACK;
        } else {
            state = State.LINE;
        }
        return true;
    }

    private boolean decodeAfterAck(ByteBuf in) {
        if (!in.isReadable()) {
            return false;
        }
        int r = in.readerIndex();
        byte b = in.getByte(r);
        if (b == PcpConstants.LF) {
            in.skipBytes(1);
        } else if (b == PcpConstants.CR) {
            if (in.readableBytes() < 2) {
                return false;
            }
            if (in.getByte(r + 1) == PcpConstants.LF) {
                in.skipBytes(2);
            }
            // a lone CR starts a (malformed) line
        }
        state = State.LINE_START;
        return true;
    }

    private boolean decodeLine(ByteBuf in, List<Object> out) {
        int r = in.readerIndex();
        // an LF at offset i makes a raw line of i + 1 bytes: look no further than the limit allows
        int window = Math.min(in.readableBytes(), PcpConstants.MAX_PAYLOAD_BYTES);
        int lf = in.indexOf(r, r + window, PcpConstants.LF);
        if (lf < 0) {
            if (window < PcpConstants.MAX_PAYLOAD_BYTES) {
                return false;
            }
            // over-long: drop what was looked at, the LF may be right behind it
            in.skipBytes(window);
            state = State.DISCARD;
            return true;
        }
        int length = lf - r;
        if (length > 0 && in.getByte(lf - 1) == PcpConstants.CR) {
            length--;
        }
        out.add(parse(in, r, length));
        in.skipBytes(lf + 1 - r);
        resetDecoder();
        return true;
    }

    private boolean decodeDiscard(ByteBuf in, List<Object> out) {
        int r = in.readerIndex();
        int lf = in.indexOf(r, in.writerIndex(), PcpConstants.LF);
        if (lf < 0) {
            in.skipBytes(in.readableBytes());
            return false;
        }
        in.skipBytes(lf + 1 - r);
        out.add(new PcpMalformed(PcpViolation.TOO_LONG));
        resetDecoder();
        return true;
    }

    private PcpMessage parse(ByteBuf in, int index, int length) {
        try {
            return parser.parse(in, index, length);
        } catch (PcpCodecException e) {
            return new PcpMalformed(e.violation());
        }
    }

    private void resetDecoder() {
        state = State.LINE_START;
    }
}
