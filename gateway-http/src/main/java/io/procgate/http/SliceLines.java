package io.procgate.http;

import io.netty.buffer.ByteBuf;
import io.procgate.host.HistorySlice;
import java.nio.charset.StandardCharsets;

/**
 * Walks the lines of a {@link HistorySlice}: each line exactly as the host numbered it (never split
 * or merged), its {@code \n} removed. Text for JSON is UTF-8 with U+FFFD for bytes that are not.
 */
final class SliceLines {
    /** Receives one line; returns false to stop the walk. */
    @FunctionalInterface
    interface Visitor {
        /** @param content the line without {@code \n}, valid only during the call */
        boolean line(long number, ByteBuf content);
    }

    private SliceLines() {}

    /** Visits the slice's lines in order; returns how many were visited (and accepted). */
    static long forEach(HistorySlice slice, Visitor visitor) {
        ByteBuf data = slice.data();
        int at = data.readerIndex();
        int end = data.writerIndex();
        long number = slice.firstLine();
        long visited = 0;
        while (at < end && visited < slice.lineCount()) {
            int newline = data.indexOf(at, end, (byte) '\n');
            int stop = newline < 0 ? end : newline;
            if (!visitor.line(number, data.slice(at, stop - at))) {
                break;
            }
            visited++;
            number++;
            at = stop + 1;
        }
        return visited;
    }

    /** The line as text: UTF-8, with U+FFFD for each malformed sequence. */
    static String text(ByteBuf content) {
        return content.toString(StandardCharsets.UTF_8);
    }
}
