package io.procgate.tcpr;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.procgate.core.net.BoundedLineSender;
import java.nio.charset.StandardCharsets;
import java.time.LocalTime;
import java.util.function.Supplier;

/**
 * How a session frames the lines {@link BoundedLineSender} sends it: as {@link TcprEncoder} frames
 * a {@link TcprLine} ({@code [HH:MM:SS] } prefix if the listener has timestamps, the session's
 * newline, content over {@link TcprConstants#MAX_LINE_BYTES} split into several lines), with the
 * time the line is sent, which is the time it was read. The missed-lines notice is
 * {@code [HH:MM:SS] [gateway] missed N lines} (tcpr spec, section 3): TCPR clients have no line
 * numbers, so the core's "next is line" part is left out.
 */
final class TcprLineFormat implements BoundedLineSender.LineFormat {
    private final boolean timestamps;
    private final TcprNewline newline;
    private final Supplier<LocalTime> clock;

    TcprLineFormat(boolean timestamps, TcprNewline newline, Supplier<LocalTime> clock) {
        this.timestamps = timestamps;
        this.newline = newline;
        this.clock = clock;
    }

    /** The session's newline, which the fan-out frames shared lines with. */
    TcprNewline newline() {
        return newline;
    }

    @Override
    public ByteBuf line(ByteBufAllocator alloc, long lineNumber, ByteBuf content) {
        return TcprEncoder.frame(alloc, timestamps, clock.get(), content, newline, TcprConstants.MAX_LINE_BYTES);
    }

    @Override
    public ByteBuf missed(ByteBufAllocator alloc, long missedCount, long nextLine) {
        ByteBuf text = Unpooled.wrappedBuffer((TcprConstants.MISSED_BEFORE + missedCount + TcprConstants.MISSED_AFTER)
                .getBytes(StandardCharsets.UTF_8));
        try {
            return line(alloc, nextLine, text);
        } finally {
            text.release();
        }
    }
}
