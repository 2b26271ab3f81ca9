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
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The persistent, numbered output history of one process name.
 *
 * <p>Bytes are stored exactly as the program wrote them, in segments (see {@link HistorySegment});
 * a line ends at a {@code \n}, or after {@code maxLineBytes} bytes of content (an over-long line is
 * split), or when the program exits without a final newline. Line numbers are absolute and go on
 * across runs and restarts. Reading from any line seeks through the index, so it costs the lines
 * returned, not the history's size; memory use is independent of the history's size.
 *
 * <p>When the storage refuses a write (a full disk, an I/O error), nothing is blocked: lines go on
 * being numbered and handed to the consumer (live clients), but are not kept, and the history
 * records the gap: storing resumes in a new segment whose first line is the first one kept again,
 * and a reader who asks for a line in the gap gets a slice that begins after it ({@link
 * HistorySlice#missed()}), which the protocols show as {@code [gateway] missed N lines}. One log
 * line says when storing stopped and one when it resumed; it is retried every {@link
 * #RETRY_NANOS} at a line boundary, never per line. While storing is stopped, an empty segment
 * named for the next line to keep marks the numbering on disk (renamed at most every {@link
 * #MARK_NANOS}), so a restart does not reuse the numbers of lines that clients saw live.
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

    /** How often storing is tried again after the storage refused a write. */
    static final long RETRY_NANOS = TimeUnit.SECONDS.toNanos(1);
    /** How often the mark of where numbering stands is moved on while lines are not kept. */
    static final long MARK_NANOS = TimeUnit.MILLISECONDS.toNanos(200);

    private static final Logger LOG = LoggerFactory.getLogger(History.class);

    /** Whether lines are kept, or only numbered and passed on because the storage refused them. */
    private enum Storage {
        STORING,
        SKIPPING
    }

    /** Written to a mark, and cut off again, to learn whether the storage takes writes again. */
    private static final ByteBuffer PROBE = ByteBuffer.wrap(new byte[] {NEWLINE});

    private final Path dir;
    /** For log lines: the process's name (the directory's). */
    private final String name;

    private final long segmentBytes;
    private final long retentionBytes;
    private final int maxLineBytes;
    private final ConcurrentSkipListMap<Long, HistorySegment> segments = new ConcurrentSkipListMap<>();

    // Writer state (event loop only).
    private HistorySegment active;
    /** Whether {@link #active} is in {@link #segments}: not until it holds a line after a gap. */
    private boolean activeListed = true;

    private long activeDataEnd;
    /** Written by the writer only; read by readers and status. */
    private volatile long nextLineNumber;

    private Storage storage = Storage.STORING;
    /** The first line not kept since storing stopped, while not {@link Storage#STORING}; else -1. */
    private volatile long skippingFrom = -1;
    /** Why storing stopped, while it is stopped; else null. */
    private volatile String storageError;
    /** Lines numbered but not kept since this history was opened. */
    private volatile long linesNotKept;

    private long lastRetryNanos;
    private long lastMarkNanos;
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
        this.name = String.valueOf(dir.getFileName());
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
        long claimedEnd = 0;
        for (int i = 0; i < dataFiles.size(); i++) {
            Path file = dataFiles.get(i);
            HistorySegment.Recovery r = HistorySegment.recover(file, i == dataFiles.size() - 1, maxLineBytes);
            if (r.problem() != null) {
                LOG.warn("history of {}: segment {}: {}", history.name, file.getFileName(), r.problem());
            }
            claimedEnd = Math.max(claimedEnd, r.claimedEndLine());
            if (!r.movedAside()) {
                history.segments.put(r.segment().firstLine(), r.segment());
            }
        }
        history.cutOverlaps();
        if (history.segments.isEmpty()) {
            history.active = HistorySegment.create(dir, claimedEnd);
            history.segments.put(claimedEnd, history.active);
        } else {
            history.active = history.segments.lastEntry().getValue();
            if (claimedEnd > history.active.endLine()) {
                // Lines were numbered (and maybe seen by clients) that are not kept: never reuse
                // their numbers; readers are told they are missed.
                LOG.warn(
                        "history of {}: lines {} to {} are lost; numbering goes on from line {}",
                        history.name,
                        history.active.endLine(),
                        claimedEnd - 1,
                        claimedEnd);
                history.active = HistorySegment.create(dir, claimedEnd);
                history.segments.put(claimedEnd, history.active);
            }
        }
        history.activeDataEnd = history.active.committedBytes();
        history.nextLineNumber = history.active.endLine();
        return history;
    }

    /** Recovery: a segment that reaches into the next one keeps only the lines before it. */
    private void cutOverlaps() throws IOException {
        HistorySegment before = null;
        for (HistorySegment segment : segments.values()) {
            if (before != null && before.endLine() > segment.firstLine()) {
                LOG.warn(
                        "history of {}: segment {} reaches into the next one: keeping its lines before line {}",
                        name,
                        HistorySegment.fileStem(before.firstLine()),
                        segment.firstLine());
                before.cutTo(segment.firstLine() - before.firstLine());
            }
            before = segment;
        }
    }

    /** The number the next line will get: the count of lines ever numbered (kept, or lost in a gap). */
    public long nextLine() {
        return nextLineNumber;
    }

    /** Whether lines are being kept now (false while the storage refuses writes). */
    public boolean isStoring() {
        return skippingFrom < 0;
    }

    /** Why lines are not kept now, or null while they are. */
    public String storageError() {
        return storageError;
    }

    /** Lines numbered and passed on live but not kept, since this history was opened. */
    public long linesNotKept() {
        return linesNotKept;
    }

    /** The oldest line still kept (the next line, when none is). */
    public long firstLine() {
        Map.Entry<Long, HistorySegment> first = segments.firstEntry();
        return first == null ? nextLineNumber : first.getKey();
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
        retryStoring();
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
                    rollOrSkip();
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
            rollOrSkip();
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

    /**
     * Writes chunk bytes {@code [from, to)} and commits the recorded lines, then numbers them and
     * passes them on. A write the storage refuses does not stop the lines: they are numbered and
     * passed on all the same, and the history stops keeping lines (see {@link #startSkipping}).
     */
    private void writeAndCommit(ByteBuf chunk, int from, int to, LineConsumer consumer) {
        int lines = uncommittedLines;
        if (storage == Storage.STORING) {
            try {
                store(chunk, from, to, lines);
            } catch (IOException e) {
                startSkipping(e);
            }
        }
        uncommittedLines = 0;
        indexEntries.clear();
        if (lines == 0) {
            return;
        }
        long first = nextLineNumber;
        nextLineNumber = first + lines;
        if (storage == Storage.SKIPPING) {
            linesNotKept += lines;
            moveMark();
        }
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

    private void store(ByteBuf chunk, int from, int to, int lines) throws IOException {
        if (to > from) {
            active.writeData(chunk.nioBuffer(from, to - from), activeDataEnd);
            activeDataEnd += to - from;
        }
        if (lines == 0) {
            return;
        }
        indexEntries.flip();
        long committedEnd =
                HistorySegment.offset(indexEntries.getLong(indexEntries.limit() - HistorySegment.INDEX_ENTRY_BYTES));
        active.commit(indexEntries, lines, committedEnd);
    }

    /**
     * The storage refused a write: the lines being written and those that follow are not kept
     * until {@link #maybeResume} succeeds. What the failed write left half-done is cut off, and
     * the active segment (emptied, if it held nothing yet) marks the numbering.
     */
    private void startSkipping(IOException e) {
        storage = Storage.SKIPPING;
        storageError = String.valueOf(e.getMessage());
        skippingFrom = nextLineNumber;
        LOG.error(
                "history of {}: cannot store lines ({}): from line {} on they are passed on live but not kept;"
                        + " retrying every {} s",
                name,
                storageError,
                nextLineNumber,
                TimeUnit.NANOSECONDS.toSeconds(RETRY_NANOS));
        lastRetryNanos = System.nanoTime();
        try {
            active.truncateToCommitted();
        } catch (IOException ignored) {
            // Recovery cuts the same bytes at the next start.
        }
    }

    /**
     * Keeps an empty segment named for the next line to keep: when storing resumes it is written
     * to, and if the gateway stops first, the next start numbers on from there.
     */
    private void moveMark() {
        long now = System.nanoTime();
        if (now - lastMarkNanos < MARK_NANOS) {
            return;
        }
        lastMarkNanos = now;
        try {
            if (active.committedLines() > 0) {
                HistorySegment mark = HistorySegment.create(dir, nextLineNumber);
                active = mark;
                activeListed = false;
            } else if (active.firstLine() != nextLineNumber) {
                boolean listed = activeListed;
                if (listed) {
                    segments.remove(active.firstLine(), active);
                }
                active = active.renamedFor(nextLineNumber);
                activeListed = false;
            }
            activeDataEnd = 0;
        } catch (IOException e) {
            // The old mark stays; a restart then reuses the numbers after it (logged at the start).
        }
    }

    /**
     * Tries to keep lines again, if they are not kept now: at most every {@link #RETRY_NANOS}, and
     * only at a line boundary. Called on every append, and by the owner on a timer so that an idle
     * process's history recovers too (writer thread only).
     */
    public void retryStoring() {
        if (storage == Storage.SKIPPING) {
            maybeResume();
        }
    }

    private void maybeResume() {
        long now = System.nanoTime();
        if (partialLength() > 0 || now - lastRetryNanos < RETRY_NANOS) {
            return;
        }
        lastRetryNanos = now;
        lastMarkNanos = now - MARK_NANOS; // the mark must name the next line now
        moveMark();
        if (active.committedLines() != 0 || active.firstLine() != nextLineNumber) {
            return; // the mark could not be moved
        }
        try {
            active.writeData(PROBE.duplicate(), 0);
            active.truncateToCommitted();
        } catch (IOException e) {
            try {
                active.truncateToCommitted();
            } catch (IOException ignored) {
                // Cut again at the next try or start.
            }
            return;
        }
        long from = skippingFrom;
        segments.put(active.firstLine(), active);
        activeListed = true;
        storage = Storage.STORING;
        storageError = null;
        skippingFrom = -1; // after listing the segment: see afterUnkeptTail
        LOG.warn(
                "history of {}: storing lines again from line {}; lines {} to {} were passed on live but not kept",
                name,
                nextLineNumber,
                from,
                nextLineNumber - 1);
    }

    private void rollOrSkip() {
        if (storage == Storage.SKIPPING) {
            return; // nothing is written while skipping: the segment does not grow
        }
        try {
            roll();
        } catch (IOException e) {
            startSkipping(e);
            return;
        }
        try {
            enforceRetention();
        } catch (IOException e) {
            LOG.warn("history of {}: cannot delete its oldest segment: {}", name, e.toString());
        }
    }

    private void roll() throws IOException {
        HistorySegment next = HistorySegment.create(dir, active.endLine());
        segments.put(next.firstLine(), next);
        active = next;
        activeDataEnd = 0;
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
        Map.Entry<Long, HistorySegment> first = segments.firstEntry();
        long start = first == null ? fromLine : Math.max(fromLine, first.getKey());
        Map.Entry<Long, HistorySegment> entry = segments.floorEntry(start);
        List<ByteBuf> parts = new ArrayList<>();
        long budget = Math.max(1, maxBytes);
        long lines = 0;
        long line = start;
        try {
            while (entry != null) {
                HistorySegment segment = entry.getValue();
                if (segment.firstLine() > line) {
                    // A gap: lines numbered while the storage refused them. A slice ends before
                    // it; one that starts in it begins after it, and says how many are missed.
                    if (lines > 0) {
                        break;
                    }
                    line = segment.firstLine();
                    start = line;
                }
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
        if (lines == 0) {
            start = afterUnkeptTail(start);
        }
        ByteBuf data = parts.isEmpty()
                ? Unpooled.EMPTY_BUFFER
                : parts.size() == 1
                        ? parts.get(0)
                        : alloc.compositeBuffer(parts.size()).addComponents(true, parts);
        return new HistorySlice(fromLine, start, lines, data);
    }

    /**
     * Where a read that found no line at {@code line} begins: after the lines that are being
     * numbered but not kept now, if {@code line} is one of them; else {@code line}. The next line
     * number is read before {@link #skippingFrom}, and the writer lists a resumed segment before
     * it clears that: a read never jumps over a line that is kept.
     */
    private long afterUnkeptTail(long line) {
        long next = nextLineNumber;
        long skipping = skippingFrom;
        return skipping >= 0 && line >= skipping ? Math.max(line, next) : line;
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
        if (storage == Storage.SKIPPING) {
            lastMarkNanos = System.nanoTime() - MARK_NANOS;
            moveMark(); // exact at a clean stop: the next start numbers on from the next line
        }
        if (partialLine != null) {
            partialLine.release();
            partialLine = null;
        }
        IOException failure = null;
        if (!activeListed) {
            try {
                active.close();
            } catch (IOException e) {
                failure = e;
            }
        }
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
