package io.procgate.host.history;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.Unpooled;
import io.procgate.host.HistorySlice;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.stream.Stream;

/**
 * The persistent, numbered output history of one process name.
 *
 * <p>Bytes are stored exactly as the program wrote them, in segments (see {@link HistorySegment});
 * a line ends at a {@code \n}, or after {@code maxLineBytes} bytes of content (an over-long line is
 * split), or when the program exits without a final newline. Line numbers are absolute and go on
 * across runs and restarts. Reading from any line seeks through the index, so it costs the lines
 * returned, not the history's size; memory use is independent of the history's size.
 *
 * <p>Written on one thread (the process's event loop); read from any thread.
 */
public final class History implements AutoCloseable {

    /** Receives each line once it is durable in the history. */
    @FunctionalInterface
    public interface LineConsumer {
        /** @param content the line without its {@code \n}; valid only during the call */
        void accept(long lineNumber, ByteBuf content);
    }

    /** Lines committed at once at most; bounds the index buffer and the notification arrays. */
    private static final int MAX_LINES_PER_COMMIT = 1024;
    /** Index entries read at once when a reader walks a segment. */
    private static final int READ_BATCH_LINES = 8192;

    private static final int READ_RETRIES = 3;
    /** Reads are split into pieces of this size, small enough for the pooled allocator to recycle. */
    private static final int READ_PIECE_BYTES = 128 << 10;

    private static final byte NEWLINE = '\n';

    private final Path dir;
    private final long segmentBytes;
    private final long retentionBytes;
    private final int maxLineBytes;
    private final ConcurrentSkipListMap<Long, HistorySegment> segments = new ConcurrentSkipListMap<>();

    // Writer state (event loop only).
    private HistorySegment active;
    private long activeDataEnd;
    private long nextLineNumber;
    private ByteBuf partialLine;
    private final ByteBuffer indexEntries =
            ByteBuffer.allocate(MAX_LINES_PER_COMMIT * HistorySegment.INDEX_ENTRY_BYTES);
    private final int[] lineStarts = new int[MAX_LINES_PER_COMMIT];
    private final int[] lineEnds = new int[MAX_LINES_PER_COMMIT];
    private int uncommittedLines;
    /** Content of the first uncommitted line when it began in an earlier chunk; else null. */
    private ByteBuf carriedLine;

    private History(Path dir, long segmentBytes, long retentionBytes, int maxLineBytes) {
        this.dir = dir;
        this.segmentBytes = segmentBytes;
        this.retentionBytes = retentionBytes;
        this.maxLineBytes = maxLineBytes;
    }

    /** Opens (or creates) the history in {@code dir}, recovering what a crash left behind. */
    public static History open(Path dir, long segmentBytes, long retentionBytes, int maxLineBytes) throws IOException {
        Files.createDirectories(dir);
        History history = new History(dir, segmentBytes, retentionBytes, maxLineBytes);
        List<Path> dataFiles;
        try (Stream<Path> files = Files.list(dir)) {
            dataFiles = files.filter(HistorySegment::isDataFile).sorted().toList();
        }
        for (Path file : dataFiles) {
            HistorySegment segment = HistorySegment.recover(file);
            history.segments.put(segment.firstLine(), segment);
        }
        if (history.segments.isEmpty()) {
            history.active = HistorySegment.create(dir, 0);
            history.segments.put(0L, history.active);
        } else {
            history.active = history.segments.lastEntry().getValue();
        }
        history.activeDataEnd = history.active.committedBytes();
        history.nextLineNumber = history.active.endLine();
        return history;
    }

    /** The number the next line will get: the count of lines ever kept. */
    public long nextLine() {
        return active.endLine();
    }

    /** The oldest line still kept. */
    public long firstLine() {
        return segments.firstKey();
    }

    /** Bytes on disk, data and index. */
    public long sizeOnDisk() {
        long total = 0;
        for (HistorySegment s : segments.values()) {
            total += s.fileBytes();
        }
        return total;
    }

    /**
     * Appends program output. Complete lines are committed and then handed to {@code consumer}, in
     * order (none when it is null: nobody listens); a trailing partial line waits for more bytes
     * (its bytes are stored at once).
     */
    public void append(ByteBuf chunk, LineConsumer consumer) throws IOException {
        final int end = chunk.writerIndex();
        int pos = chunk.readerIndex();
        int unwritten = pos; // chunk bytes not yet written to the data file start here
        while (pos < end) {
            int pending = partialLength();
            int room = maxLineBytes - pending; // content bytes this line may still take
            int windowEnd = (int) Math.min(end, (long) pos + room + 1);
            int newline = chunk.indexOf(pos, windowEnd, NEWLINE);
            int contentEnd;
            int lineEnd;
            if (newline >= 0) {
                contentEnd = newline;
                lineEnd = newline + 1;
            } else if (end - pos > room) {
                contentEnd = pos + room; // over-long: split here, no newline
                lineEnd = contentEnd;
            } else {
                keepPartial(chunk, pos, end);
                break;
            }
            long lineDataEnd = activeDataEnd + (lineEnd - unwritten);
            recordLine(chunk, pos, contentEnd, lineDataEnd, newline >= 0);
            pos = lineEnd;
            if (lineDataEnd >= segmentBytes || uncommittedLines == MAX_LINES_PER_COMMIT) {
                writeAndCommit(chunk, unwritten, lineEnd, consumer);
                unwritten = lineEnd;
                if (activeDataEnd >= segmentBytes) {
                    roll();
                }
            }
        }
        writeAndCommit(chunk, unwritten, end, consumer);
        chunk.readerIndex(end);
    }

    /** Makes a trailing partial line (bytes without a final newline) a line of its own: the program ended. */
    public void finishPartialLine(LineConsumer consumer) throws IOException {
        if (partialLength() == 0) {
            return;
        }
        recordLine(Unpooled.EMPTY_BUFFER, 0, 0, activeDataEnd, false);
        writeAndCommit(Unpooled.EMPTY_BUFFER, 0, 0, consumer);
        if (activeDataEnd >= segmentBytes) {
            roll();
        }
    }

    private int partialLength() {
        return partialLine == null ? 0 : partialLine.readableBytes();
    }

    private void keepPartial(ByteBuf chunk, int from, int to) {
        if (partialLine == null) {
            partialLine = Unpooled.buffer(Math.min(maxLineBytes, Math.max(256, to - from)), maxLineBytes);
        }
        partialLine.writeBytes(chunk, from, to - from);
    }

    private void recordLine(ByteBuf chunk, int contentStart, int contentEnd, long lineDataEnd, boolean terminated) {
        int i = uncommittedLines++;
        indexEntries.putLong(terminated ? lineDataEnd : lineDataEnd | HistorySegment.NO_NEWLINE);
        if (partialLine != null) {
            // Only the first line of a chunk can begin in an earlier one.
            partialLine.writeBytes(chunk, contentStart, contentEnd - contentStart);
            carriedLine = partialLine;
            partialLine = null;
            lineStarts[i] = -1;
            lineEnds[i] = -1;
        } else {
            lineStarts[i] = contentStart;
            lineEnds[i] = contentEnd;
        }
    }

    private void writeAndCommit(ByteBuf chunk, int from, int to, LineConsumer consumer) throws IOException {
        if (to > from) {
            active.writeData(chunk.nioBuffer(from, to - from), activeDataEnd);
            activeDataEnd += to - from;
        }
        if (uncommittedLines == 0) {
            return;
        }
        int lines = uncommittedLines;
        uncommittedLines = 0;
        indexEntries.flip();
        long committedEnd =
                HistorySegment.offset(indexEntries.getLong(indexEntries.limit() - HistorySegment.INDEX_ENTRY_BYTES));
        active.commit(indexEntries, lines, committedEnd);
        indexEntries.clear();
        long first = nextLineNumber;
        nextLineNumber += lines;
        ByteBuf carried = carriedLine;
        carriedLine = null;
        try {
            for (int i = 0; consumer != null && i < lines; i++) {
                ByteBuf content = lineStarts[i] < 0 ? carried : chunk.slice(lineStarts[i], lineEnds[i] - lineStarts[i]);
                consumer.accept(first + i, content);
            }
        } finally {
            if (carried != null) {
                carried.release();
            }
        }
    }

    private void roll() throws IOException {
        HistorySegment next = HistorySegment.create(dir, active.endLine());
        segments.put(next.firstLine(), next);
        active = next;
        activeDataEnd = 0;
        enforceRetention();
    }

    private void enforceRetention() throws IOException {
        long total = sizeOnDisk();
        while (total > retentionBytes && segments.size() > 1) {
            Map.Entry<Long, HistorySegment> oldest = segments.pollFirstEntry();
            total -= oldest.getValue().fileBytes();
            oldest.getValue().delete();
        }
    }

    /** Flushes both files of the active segment to the storage device. */
    public void force() throws IOException {
        active.force();
    }

    /**
     * Reads whole lines from {@code fromLine}: at most {@code maxBytes} (but at least one line),
     * each ending in {@code \n}. Safe on any thread.
     */
    public HistorySlice read(long fromLine, long maxBytes, ByteBufAllocator alloc) {
        for (int attempt = 1; ; attempt++) {
            try {
                return readOnce(fromLine, maxBytes, alloc);
            } catch (ClosedChannelException e) {
                // Retention deleted the segment under us; the next attempt starts at the new oldest line.
                if (attempt == READ_RETRIES) {
                    throw new UncheckedIOException(e);
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    private HistorySlice readOnce(long fromLine, long maxBytes, ByteBufAllocator alloc) throws IOException {
        long start = Math.max(fromLine, segments.firstKey());
        Map.Entry<Long, HistorySegment> entry = segments.floorEntry(start);
        List<ByteBuf> parts = new ArrayList<>();
        long budget = Math.max(1, maxBytes);
        long lines = 0;
        long line = start;
        try {
            while (entry != null) {
                HistorySegment segment = entry.getValue();
                long available = segment.endLine() - line;
                if (available > 0) {
                    Taken taken = readFromSegment(
                            segment, line - segment.firstLine(), available, budget, lines == 0, parts, alloc);
                    lines += taken.lines();
                    line += taken.lines();
                    budget -= taken.cost();
                    if (line < segment.endLine()) {
                        break; // the budget ran out within this segment
                    }
                }
                entry = segments.higherEntry(entry.getKey());
            }
        } catch (IOException | RuntimeException e) {
            parts.forEach(ByteBuf::release);
            throw e;
        }
        ByteBuf data = parts.isEmpty()
                ? Unpooled.EMPTY_BUFFER
                : parts.size() == 1
                        ? parts.get(0)
                        : alloc.compositeBuffer(parts.size()).addComponents(true, parts);
        return new HistorySlice(fromLine, start, lines, data);
    }

    /** Lines read from one segment, and the output bytes they were counted as. */
    private record Taken(long lines, long cost) {}

    /**
     * Reads up to {@code available} lines from line {@code index} of {@code segment} within
     * {@code budget} output bytes, and adds the buffer holding them to {@code parts}.
     */
    private static Taken readFromSegment(
            HistorySegment segment,
            long index,
            long available,
            long budget,
            boolean atLeastOne,
            List<ByteBuf> parts,
            ByteBufAllocator alloc)
            throws IOException {
        long startOffset = segment.startOf(index);
        long[] entries = new long[(int) Math.min(READ_BATCH_LINES, available)];
        long lines = 0;
        long endOffset = startOffset;
        long missingNewlines = 0;
        scan:
        while (lines < available) {
            int batch = (int) Math.min(entries.length, available - lines);
            segment.readEntries(index + lines, batch, entries);
            for (int i = 0; i < batch; i++) {
                long entry = entries[i];
                long missing = entry < 0 ? 1 : 0; // the flag is the sign bit
                long end = HistorySegment.offset(entry);
                if (end - startOffset + missingNewlines + missing > budget && !(atLeastOne && lines == 0)) {
                    break scan;
                }
                endOffset = end;
                missingNewlines += missing;
                lines++;
            }
        }
        if (lines == 0) {
            return new Taken(0, 0);
        }
        ByteBuf raw = readData(segment, startOffset, endOffset, alloc);
        if (missingNewlines == 0) {
            parts.add(raw);
            return new Taken(lines, raw.readableBytes());
        }
        try {
            ByteBuf out = alloc.directBuffer(raw.readableBytes() + (int) missingNewlines);
            copyAddingNewlines(raw, out, segment, index, lines, startOffset, entries);
            parts.add(out);
            return new Taken(lines, out.readableBytes());
        } finally {
            raw.release();
        }
    }

    /**
     * {@code [start, end)} of the data file: a view of the segment's mapping as far as it reaches
     * (see {@link HistorySegment#mapFor}), and a copy in pooled pieces of at most
     * {@link #READ_PIECE_BYTES} of what lies beyond it (all of it, for a segment too large to map).
     */
    private static ByteBuf readData(HistorySegment segment, long start, long end, ByteBufAllocator alloc)
            throws IOException {
        long mapped = segment.mappable(end) ? Math.min(end, segment.mapFor(end)) : 0;
        if (mapped >= end) {
            return segment.view(start, end);
        }
        if (mapped <= start) {
            return copy(segment, start, end, alloc);
        }
        ByteBuf head = segment.view(start, mapped);
        ByteBuf tail;
        try {
            tail = copy(segment, mapped, end, alloc);
        } catch (IOException | RuntimeException e) {
            head.release();
            throw e;
        }
        return alloc.compositeDirectBuffer(2).addComponents(true, head, tail);
    }

    private static ByteBuf copy(HistorySegment segment, long start, long end, ByteBufAllocator alloc)
            throws IOException {
        long size = end - start;
        if (size <= READ_PIECE_BYTES) {
            return readPiece(segment, start, (int) size, alloc);
        }
        CompositeByteBuf all = alloc.compositeDirectBuffer((int) ((size + READ_PIECE_BYTES - 1) / READ_PIECE_BYTES));
        try {
            for (long at = start; at < end; at += READ_PIECE_BYTES) {
                all.addComponent(true, readPiece(segment, at, (int) Math.min(READ_PIECE_BYTES, end - at), alloc));
            }
            return all;
        } catch (IOException | RuntimeException e) {
            all.release();
            throw e;
        }
    }

    private static ByteBuf readPiece(HistorySegment segment, long at, int size, ByteBufAllocator alloc)
            throws IOException {
        ByteBuf piece = alloc.directBuffer(size, size);
        try {
            piece.writerIndex(size);
            segment.readData(piece.nioBuffer(0, size), at);
            return piece;
        } catch (IOException | RuntimeException e) {
            piece.release();
            throw e;
        }
    }

    /** Copies {@code lines} lines from {@code raw} to {@code out}, adding the newlines the program left out. */
    private static void copyAddingNewlines(
            ByteBuf raw, ByteBuf out, HistorySegment segment, long index, long lines, long startOffset, long[] entries)
            throws IOException {
        int from = 0;
        for (long done = 0; done < lines; ) {
            int batch = (int) Math.min(entries.length, lines - done);
            segment.readEntries(index + done, batch, entries);
            for (int i = 0; i < batch; i++) {
                int end = (int) (HistorySegment.offset(entries[i]) - startOffset);
                out.writeBytes(raw, from, end - from);
                if (entries[i] < 0) {
                    out.writeByte(NEWLINE);
                }
                from = end;
            }
            done += batch;
        }
    }

    @Override
    public void close() throws IOException {
        if (partialLine != null) {
            partialLine.release();
            partialLine = null;
        }
        IOException failure = null;
        for (HistorySegment segment : segments.values()) {
            try {
                segment.close();
            } catch (IOException e) {
                failure = e;
            }
        }
        if (failure != null) {
            throw failure;
        }
    }
}
