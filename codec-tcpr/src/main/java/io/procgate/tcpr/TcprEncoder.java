package io.procgate.tcpr;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToMessageEncoder;
import java.time.LocalTime;
import java.util.List;
import java.util.Objects;

/**
 * Encodes what the server sends a TCPR client. A {@link TcprLine} becomes
 * {@code [HH:MM:SS] content} plus the session's newline (no prefix when timestamps are off);
 * content over {@link TcprConstants#MAX_LINE_BYTES} becomes several such lines of at most that
 * many bytes each, all with the same time. A {@link TcprShutdown} becomes
 * {@code HH:MM:SSTCPR: server shutting down.} plus the newline, whatever the timestamp setting.
 *
 * <p>Every line is its own buffer, so that each goes out in a write of its own: some clients
 * treat each received chunk as one line. Content bytes are copied as they are (invalid UTF-8
 * included).
 *
 * <p>Not sharable: the newline belongs to the session, and is {@code \n} until
 * {@link #newline(TcprNewline)} sets it (nothing is sent before the password fixes it).
 */
public final class TcprEncoder extends MessageToMessageEncoder<TcprMessage> {
    private final boolean timestamps;
    private final int maxLineBytes;
    private TcprNewline newline = TcprNewline.LF;

    public TcprEncoder(boolean timestamps) {
        this(timestamps, TcprConstants.MAX_LINE_BYTES);
    }

    /** @param maxLineBytes longest content per line sent (tests use small values) */
    public TcprEncoder(boolean timestamps, int maxLineBytes) {
        super(TcprMessage.class);
        if (maxLineBytes < 1) {
            throw new IllegalArgumentException("maxLineBytes must be positive: " + maxLineBytes);
        }
        this.timestamps = timestamps;
        this.maxLineBytes = maxLineBytes;
    }

    /** Sets the session's newline; call on the channel's event loop. */
    public void newline(TcprNewline value) {
        this.newline = Objects.requireNonNull(value, "newline");
    }

    public TcprNewline newline() {
        return newline;
    }

    @Override
    protected void encode(ChannelHandlerContext ctx, TcprMessage msg, List<Object> out) {
        if (msg instanceof TcprLine line) {
            encodeLine(ctx.alloc(), line, out);
        } else if (msg instanceof TcprShutdown shutdown) {
            out.add(encodeShutdown(ctx.alloc(), shutdown.time()));
        } else {
            throw new TcprCodecException(
                    "not a message the server sends: " + msg.getClass().getSimpleName());
        }
    }

    private void encodeLine(ByteBufAllocator alloc, TcprLine line, List<Object> out) {
        ByteBuf content = line.content();
        int index = content.readerIndex();
        int end = content.writerIndex();
        // an empty line is still a line: do-while sends it once
        do {
            int length = Math.min(maxLineBytes, end - index);
            ByteBuf buf = alloc.buffer(frameLength(timestamps, length, newline));
            writeFrame(buf, timestamps, line.time(), content, index, length, newline);
            out.add(buf);
            index += length;
        } while (index < end);
    }

    /**
     * {@code content} framed as this encoder frames a {@link TcprLine}, but every piece of a split
     * line in one buffer: for writers that send bytes rather than messages (the output stream).
     */
    static ByteBuf frame(
            ByteBufAllocator alloc,
            boolean timestamps,
            LocalTime time,
            ByteBuf content,
            TcprNewline newline,
            int maxLineBytes) {
        int index = content.readerIndex();
        int end = content.writerIndex();
        int pieces = Math.max(1, (end - index + maxLineBytes - 1) / maxLineBytes);
        ByteBuf buf = alloc.buffer(frameLength(timestamps, 0, newline) * pieces + end - index);
        do {
            int length = Math.min(maxLineBytes, end - index);
            writeFrame(buf, timestamps, time, content, index, length, newline);
            index += length;
        } while (index < end);
        return buf;
    }

    /**
     * Appends {@code content} framed as {@link #frame} frames it to {@code out}: for the fan-out,
     * which frames each line once into a buffer its clients share.
     */
    static void appendFrame(
            ByteBuf out, boolean timestamps, LocalTime time, ByteBuf content, TcprNewline newline, int maxLineBytes) {
        int index = content.readerIndex();
        int end = content.writerIndex();
        do {
            int length = Math.min(maxLineBytes, end - index);
            writeFrame(out, timestamps, time, content, index, length, newline);
            index += length;
        } while (index < end);
    }

    private static int frameLength(boolean timestamps, int length, TcprNewline newline) {
        return (timestamps ? TcprConstants.TIMESTAMP_PREFIX_LENGTH : 0) + length + newline.length();
    }

    // [HH:MM:SS]<space>content<newline>
    private static void writeFrame(
            ByteBuf buf,
            boolean timestamps,
            LocalTime time,
            ByteBuf content,
            int index,
            int length,
            TcprNewline newline) {
        if (timestamps) {
            buf.writeByte('[');
            writeTime(buf, time);
            buf.writeByte(']').writeByte(' ');
        }
        buf.writeBytes(content, index, length);
        buf.writeBytes(newline.bytes());
    }

    // HH:MM:SSTCPR: server shutting down.
    private ByteBuf encodeShutdown(ByteBufAllocator alloc, LocalTime time) {
        ByteBuf buf = alloc.buffer(8 + TcprConstants.SHUTDOWN_SUFFIX.length + newline.length());
        writeTime(buf, time);
        buf.writeBytes(TcprConstants.SHUTDOWN_SUFFIX);
        buf.writeBytes(newline.bytes());
        return buf;
    }

    /** {@code HH:MM:SS}, without allocating. */
    private static void writeTime(ByteBuf buf, LocalTime time) {
        writeTwoDigits(buf, time.getHour());
        buf.writeByte(':');
        writeTwoDigits(buf, time.getMinute());
        buf.writeByte(':');
        writeTwoDigits(buf, time.getSecond());
    }

    private static void writeTwoDigits(ByteBuf buf, int value) {
        buf.writeByte('0' + value / 10);
        buf.writeByte('0' + value % 10);
    }
}
