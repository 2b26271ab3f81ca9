package io.procgate.tcpr;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.util.ByteProcessor;
import java.util.List;

/**
 * Decodes what a TCPR client sends: first the password line ({@link TcprPassword}, which also
 * fixes the session's newline), then command lines ({@link TcprCommand}).
 *
 * <p>A line ends at {@code \n}; a {@code \r} just before it belongs to the terminator, any other
 * {@code \r} to the content. After the password either terminator is accepted on every line: the
 * terminator only chooses what the server sends, and the content goes to stdin with {@code \n}
 * either way, so a mixed client loses nothing.
 *
 * <p>Limits and error policy: content is at most {@link TcprConstants#MAX_LINE_BYTES} bytes and
 * nothing longer is ever buffered. A longer password line is fatal ({@link TcprCodecException},
 * and every later byte is ignored); a longer command line is discarded up to its terminator and
 * reported as {@link TcprLineTooLong}, and decoding goes on.
 *
 * <p>Not sharable: it keeps the session's state.
 */
public final class TcprDecoder extends ByteToMessageDecoder {

    private enum State {
        /** Before the first line: it is the password. */
        AWAIT_PASSWORD,
        /** Command lines. */
        READ_LINE,
        /** Inside an over-long command line: skip to its end. */
        DISCARD_LINE,
        /** After a fatal error: ignore everything. */
        FAILED
    }

    private final int maxLineBytes;
    private State state = State.AWAIT_PASSWORD;
    /** Bytes from the reader index already known to hold no {@code \n}: each byte is scanned once. */
    private int scanned;

    public TcprDecoder() {
        this(TcprConstants.MAX_LINE_BYTES);
    }

    /** @param maxLineBytes the longest line content accepted (tests use small values) */
    public TcprDecoder(int maxLineBytes) {
        if (maxLineBytes < 1) {
            throw new IllegalArgumentException("maxLineBytes must be positive: " + maxLineBytes);
        }
        this.maxLineBytes = maxLineBytes;
    }

    /** Whether the password line has been read (the decoder now reads commands). */
    public boolean passwordRead() {
        return state != State.AWAIT_PASSWORD;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        for (; ; ) {
            switch (state) {
                case AWAIT_PASSWORD:
                    if (!decodePassword(in, out)) {
                        return;
                    }
                    break;
                case READ_LINE:
                    if (!decodeLine(in, out)) {
                        return;
                    }
                    break;
                case DISCARD_LINE:
                    if (!discardLine(in)) {
                        return;
                    }
                    break;
                case FAILED:
                    in.skipBytes(in.readableBytes());
                    return;
                default:
                    throw new IllegalStateException("unknown state " + state);
            }
        }
    }

    // password\n or password\r\n
    private boolean decodePassword(ByteBuf in, List<Object> out) {
        int eol = findEndOfLine(in);
        if (eol < 0) {
            if (tooLongWithoutEnd(in)) {
                fail(in);
                throw new TcprCodecException("password line longer than " + maxLineBytes + " bytes");
            }
            return false;
        }
        int length = contentLength(in, eol);
        if (length > maxLineBytes) {
            fail(in);
            throw new TcprCodecException("password line longer than " + maxLineBytes + " bytes");
        }
        TcprNewline newline = length < eol - in.readerIndex() ? TcprNewline.CRLF : TcprNewline.LF;
        byte[] password = readLine(in, eol, length);
        out.add(new TcprPassword(password, newline));
        state = State.READ_LINE;
        return true;
    }

    // command\n or command\r\n
    private boolean decodeLine(ByteBuf in, List<Object> out) {
        int eol = findEndOfLine(in);
        if (eol < 0) {
            if (tooLongWithoutEnd(in)) {
                // the scanned window holds no \n: it is all part of the over-long line; skip the rest
                in.skipBytes(scanned);
                resetDecoder(State.DISCARD_LINE);
                out.add(TcprLineTooLong.INSTANCE);
                return true;
            }
            return false;
        }
        int length = contentLength(in, eol);
        if (length > maxLineBytes) {
            in.readerIndex(eol + 1);
            resetDecoder(State.READ_LINE);
            out.add(TcprLineTooLong.INSTANCE);
            return true;
        }
        out.add(new TcprCommand(readLine(in, eol, length)));
        return true;
    }

    private boolean discardLine(ByteBuf in) {
        int eol = in.forEachByte(ByteProcessor.FIND_LF);
        if (eol < 0) {
            in.skipBytes(in.readableBytes());
            return false;
        }
        in.readerIndex(eol + 1);
        resetDecoder(State.READ_LINE);
        return true;
    }

    /**
     * The absolute index of the {@code \n} ending the current line, looking no further than the
     * longest acceptable line (content plus {@code \r\n}); -1 if it is not there (yet).
     */
    private int findEndOfLine(ByteBuf in) {
        int window = Math.min(in.readableBytes(), maxLineBytes + 2);
        if (scanned >= window) {
            return -1;
        }
        int eol = in.forEachByte(in.readerIndex() + scanned, window - scanned, ByteProcessor.FIND_LF);
        scanned = eol < 0 ? window : 0;
        return eol;
    }

    /**
     * With no {@code \n} in sight: whether the line is already too long whatever comes next. One
     * byte past the limit may still be the {@code \r} of a {@code \r\n}.
     */
    private boolean tooLongWithoutEnd(ByteBuf in) {
        int readable = in.readableBytes();
        return readable > maxLineBytes + 1
                || (readable == maxLineBytes + 1 && in.getByte(in.writerIndex() - 1) != '\r');
    }

    /** The content length of the line ending in the {@code \n} at {@code eol}, {@code \r} removed. */
    private static int contentLength(ByteBuf in, int eol) {
        int length = eol - in.readerIndex();
        if (length > 0 && in.getByte(eol - 1) == '\r') {
            length--;
        }
        return length;
    }

    /** Reads {@code length} content bytes and skips the terminator up to {@code eol}. */
    private byte[] readLine(ByteBuf in, int eol, int length) {
        byte[] line = new byte[length];
        in.readBytes(line);
        in.readerIndex(eol + 1);
        scanned = 0;
        return line;
    }

    private void fail(ByteBuf in) {
        in.skipBytes(in.readableBytes());
        resetDecoder(State.FAILED);
    }

    private void resetDecoder(State next) {
        state = next;
        scanned = 0;
    }
}
