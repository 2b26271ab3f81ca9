package io.procgate.host.history;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;

/**
 * Recovery's checks of one segment's files: how many index entries describe lines that the data
 * file really holds, and the index entries of complete lines the data holds past its index.
 *
 * <p>Every entry is checked to increase and to stay inside the data; the newline an entry claims
 * is checked in the data for the first and the last {@link #NEWLINE_CHECKS} entries (a torn tail
 * or a file overwritten with other bytes shows there), so that a start reads each index once but
 * not every data file whole.
 *
 * @param entries how many entries from the first one are valid
 * @param lastEnd where the last valid entry's line ends in the data (0 for none)
 * @param problem what was wrong after them, or null
 */
record SegmentCheck(long entries, long lastEnd, String problem) {
    /** Entries checked against the data's bytes at each end of the index. */
    static final int NEWLINE_CHECKS = 1024;

    private static final int BATCH = 8192;
    private static final byte NEWLINE = '\n';

    static SegmentCheck validPrefix(FileChannel index, FileChannel data, long claimed, long dataSize)
            throws IOException {
        ByteBuffer batch = ByteBuffer.allocate(BATCH * HistorySegment.INDEX_ENTRY_BYTES);
        ByteBuffer one = ByteBuffer.allocate(1);
        long previous = 0;
        for (long i = 0; i < claimed; ) {
            int n = (int) Math.min(BATCH, claimed - i);
            batch.clear().limit(n * HistorySegment.INDEX_ENTRY_BYTES);
            HistorySegment.readFully(index, batch, i * HistorySegment.INDEX_ENTRY_BYTES);
            batch.flip();
            for (int k = 0; k < n; k++, i++) {
                long entry = batch.getLong();
                long end = HistorySegment.offset(entry);
                if (end <= previous) { // every line holds at least one byte
                    return new SegmentCheck(i, previous, "index entry " + i + " does not increase");
                }
                if (end > dataSize) {
                    return new SegmentCheck(i, previous, "index entry " + i + " points past the data");
                }
                boolean claimsNewline = (entry & HistorySegment.NO_NEWLINE) == 0;
                if (claimsNewline && (i < NEWLINE_CHECKS || i >= claimed - NEWLINE_CHECKS)) {
                    one.clear();
                    HistorySegment.readFully(data, one, end - 1);
                    if (one.get(0) != NEWLINE) {
                        return new SegmentCheck(i, previous, "line " + i + " does not end where its index says");
                    }
                }
                previous = end;
            }
        }
        return new SegmentCheck(claimed, previous, null);
    }

    /**
     * Appends index entries for the complete lines in data {@code [from, dataSize)}: split at each
     * newline or after {@code maxLineBytes} bytes, as the writer splits them.
     *
     * @return the entries now, and where the last one ends
     */
    static long[] reindexTail(
            FileChannel index, FileChannel data, long entries, long from, long dataSize, int maxLineBytes)
            throws IOException {
        ByteBuffer chunk = ByteBuffer.allocate(64 << 10);
        ByteBuffer out = ByteBuffer.allocate(BATCH * HistorySegment.INDEX_ENTRY_BYTES);
        long lineStart = from;
        long lastEnd = from;
        long count = entries;
        for (long at = from; at < dataSize; ) {
            chunk.clear().limit((int) Math.min(chunk.capacity(), dataSize - at));
            HistorySegment.readFully(data, chunk, at);
            chunk.flip();
            for (int k = 0; k < chunk.limit(); k++) {
                long pos = at + k;
                boolean newline = chunk.get(k) == NEWLINE;
                if (newline || pos - lineStart >= maxLineBytes) {
                    long end = newline ? pos + 1 : pos;
                    out.putLong(newline ? end : end | HistorySegment.NO_NEWLINE);
                    count++;
                    lineStart = end;
                    lastEnd = end;
                    if (!out.hasRemaining()) {
                        count = flush(index, out, count);
                    }
                }
            }
            at += chunk.limit();
        }
        flush(index, out, count);
        return new long[] {count, lastEnd};
    }

    private static long flush(FileChannel index, ByteBuffer out, long count) throws IOException {
        out.flip();
        long position = (count - out.remaining() / HistorySegment.INDEX_ENTRY_BYTES) * HistorySegment.INDEX_ENTRY_BYTES;
        while (out.hasRemaining()) {
            position += index.write(out, position);
        }
        out.clear();
        return count;
    }
}
