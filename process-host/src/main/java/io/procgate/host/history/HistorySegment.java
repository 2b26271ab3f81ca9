package io.procgate.host.history;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * One segment of a history: a data file holding the raw bytes of consecutive lines, and an index
 * file holding, for each line, the offset in the data file where it ends (8 bytes, big-endian).
 * Line {@code i} of the segment occupies {@code [end(i-1), end(i))}, with {@code end(-1) = 0}.
 * The entry's top bit ({@link #NO_NEWLINE}) marks a line that does not end in a newline (a piece of
 * a split over-long line, or the last bytes before the program exited), so that readers know
 * where to add one without looking at the data.
 *
 * <p>The writer appends on one thread; readers on any thread see the lines up to
 * {@link #committedLines()}, which is published only after both files hold them.
 */
final class HistorySegment {
    static final int INDEX_ENTRY_BYTES = Long.BYTES;
    /** Flag bit of an index entry: the line has no newline of its own. */
    static final long NO_NEWLINE = 1L << 63;

    private static final String DATA_SUFFIX = ".log";
    private static final String INDEX_SUFFIX = ".idx";
    private static final int NAME_DIGITS = 20;
    /** How much a segment grows before it is mapped anew (see {@link #mapFor}). */
    static final long REMAP_STEP = 1 << 20;

    private final long firstLine;
    private final Path dataPath;
    private final Path indexPath;
    private final FileChannel data;
    private final FileChannel index;
    private volatile long committedLines;
    private volatile long committedBytes;
    private volatile boolean deleted;
    /**
     * A read-only mapping of the data file's first {@code capacity()} bytes, shared by readers and
     * replaced by a larger one when they need more of a growing segment. Readers get views of it:
     * no copy, and pages once faulted in stay mapped. The file is never truncated while mapped
     * (only {@link #recover} truncates, before any reader), so a view never points past its end.
     */
    private volatile MappedByteBuffer mapping;

    private HistorySegment(long firstLine, Path dataPath, Path indexPath, FileChannel data, FileChannel index) {
        this.firstLine = firstLine;
        this.dataPath = dataPath;
        this.indexPath = indexPath;
        this.data = data;
        this.index = index;
    }

    static String fileStem(long firstLine) {
        return String.format("%0" + NAME_DIGITS + "d", firstLine);
    }

    static boolean isDataFile(Path file) {
        String name = file.getFileName().toString();
        return name.length() == NAME_DIGITS + DATA_SUFFIX.length()
                && name.endsWith(DATA_SUFFIX)
                && name.chars().limit(NAME_DIGITS).allMatch(c -> c >= '0' && c <= '9');
    }

    static long firstLineOf(Path dataFile) {
        return Long.parseLong(dataFile.getFileName().toString().substring(0, NAME_DIGITS));
    }

    /** Creates an empty segment whose first line will be {@code firstLine}. */
    static HistorySegment create(Path dir, long firstLine) throws IOException {
        Path dataPath = dir.resolve(fileStem(firstLine) + DATA_SUFFIX);
        Path indexPath = dir.resolve(fileStem(firstLine) + INDEX_SUFFIX);
        FileChannel data = FileChannel.open(
                dataPath, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
        FileChannel index = FileChannel.open(
                indexPath, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
        data.truncate(0);
        index.truncate(0);
        return new HistorySegment(firstLine, dataPath, indexPath, data, index);
    }

    /** What recovery made of a segment's files at the start. */
    record Recovery(HistorySegment segment, long claimedEndLine, String problem) {
        /** A segment that was garbage and was moved aside: no segment, only the numbers it claimed. */
        boolean movedAside() {
            return segment == null;
        }
    }

    /**
     * Opens an existing segment after a restart or crash: keeps the longest run of index entries
     * that describe lines the data file holds (increasing, inside the data, each line that claims
     * a newline ending in one), cuts off anything after it (a torn entry, the bytes of a line that
     * never completed), and, in the last segment, indexes again the complete lines the data holds
     * beyond its index (the data is written before the index: a crash between the two). A
     * segment of which not one entry is valid is garbage: both files are moved aside ({@code
     * .garbage} suffix, not read again).
     *
     * @param last whether this is the newest segment (the one a crash can leave torn)
     */
    static Recovery recover(Path dataPath, boolean last, int maxLineBytes) throws IOException {
        long firstLine = firstLineOf(dataPath);
        Path indexPath = dataPath.resolveSibling(fileStem(firstLine) + INDEX_SUFFIX);
        FileChannel data = FileChannel.open(dataPath, StandardOpenOption.READ, StandardOpenOption.WRITE);
        FileChannel index;
        try {
            index = FileChannel.open(
                    indexPath, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
        } catch (IOException e) {
            data.close();
            throw e;
        }
        long dataSize = data.size();
        long indexBytes = index.size();
        long claimed = indexBytes / INDEX_ENTRY_BYTES;
        SegmentCheck check = SegmentCheck.validPrefix(index, data, claimed, dataSize);
        if (claimed > 0 && check.entries() == 0) {
            data.close();
            index.close();
            moveAside(dataPath);
            moveAside(indexPath);
            return new Recovery(
                    null,
                    firstLine + claimed,
                    "not a history segment (" + check.problem() + "): moved aside as " + dataPath.getFileName()
                            + GARBAGE_SUFFIX);
        }
        long entries = check.entries();
        long lastEnd = check.lastEnd();
        String problem = check.problem();
        index.truncate(entries * INDEX_ENTRY_BYTES);
        if (last && entries == claimed && lastEnd < dataSize) {
            long before = entries;
            long[] rebuilt = SegmentCheck.reindexTail(index, data, entries, lastEnd, dataSize, maxLineBytes);
            entries = rebuilt[0];
            lastEnd = rebuilt[1];
            if (entries > before) {
                problem = (problem == null ? "" : problem + "; ") + "indexed " + (entries - before)
                        + " complete lines the index was missing";
            }
        }
        if (lastEnd < dataSize) {
            problem = (problem == null ? "" : problem + "; ") + "dropped a torn tail of " + (dataSize - lastEnd)
                    + " bytes";
        }
        if (indexBytes % INDEX_ENTRY_BYTES != 0) {
            problem = (problem == null ? "" : problem + "; ") + "dropped a partial index entry";
        }
        data.truncate(lastEnd);
        HistorySegment segment = new HistorySegment(firstLine, dataPath, indexPath, data, index);
        segment.committedLines = entries;
        segment.committedBytes = lastEnd;
        return new Recovery(segment, firstLine + Math.max(claimed, entries), problem);
    }

    private static final String GARBAGE_SUFFIX = ".garbage";

    private static void moveAside(Path file) throws IOException {
        if (Files.exists(file)) {
            Files.move(
                    file,
                    file.resolveSibling(file.getFileName() + GARBAGE_SUFFIX),
                    StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /**
     * Keeps only the first {@code lines} lines (recovery: this segment overlapped the next one).
     */
    void cutTo(long lines) throws IOException {
        if (lines >= committedLines) {
            return;
        }
        long end = lines == 0 ? 0 : startOf(lines);
        committedLines = lines;
        committedBytes = end;
        truncateToCommitted();
    }

    long firstLine() {
        return firstLine;
    }

    /**
     * Cuts both files back to what is committed (a write that failed half-way, e.g. on a full
     * disk, may have left bytes or entries after it). Frees space; never fails for lack of it.
     */
    void truncateToCommitted() throws IOException {
        index.truncate(committedLines * INDEX_ENTRY_BYTES);
        data.truncate(committedBytes);
    }

    /**
     * This segment, empty, renamed to begin at {@code newFirstLine}: the mark on disk of where
     * numbering stands while lines cannot be stored (a restart goes on from there, without reusing
     * the numbers of lines that were passed on live but not kept). The files are moved, not
     * created, so that this needs no free space.
     */
    HistorySegment renamedFor(long newFirstLine) throws IOException {
        if (committedLines != 0) {
            throw new IllegalStateException("only an empty segment can be renamed");
        }
        close();
        Path dir = dataPath.getParent();
        Path newIndex = dir.resolve(fileStem(newFirstLine) + INDEX_SUFFIX);
        Path newData = dir.resolve(fileStem(newFirstLine) + DATA_SUFFIX);
        // Index first: a crash between the moves leaves an empty data file at the old name, which
        // recovery treats as the mark it was.
        Files.move(indexPath, newIndex, StandardCopyOption.ATOMIC_MOVE);
        Files.move(dataPath, newData, StandardCopyOption.ATOMIC_MOVE);
        return create(dir, newFirstLine);
    }

    long committedLines() {
        return committedLines;
    }

    long committedBytes() {
        return committedBytes;
    }

    /** The line after the last committed one. */
    long endLine() {
        return firstLine + committedLines;
    }

    boolean isDeleted() {
        return deleted;
    }

    /** Appends raw bytes at {@code position} of the data file (writer thread only). */
    void writeData(ByteBuffer bytes, long position) throws IOException {
        while (bytes.hasRemaining()) {
            position += data.write(bytes, position);
        }
    }

    /** Appends index entries and publishes the lines they describe (writer thread only). */
    void commit(ByteBuffer entries, long lines, long dataEnd) throws IOException {
        long position = committedLines * INDEX_ENTRY_BYTES;
        while (entries.hasRemaining()) {
            position += index.write(entries, position);
        }
        committedBytes = dataEnd;
        committedLines += lines; // volatile write last: readers see complete lines only
    }

    /** The data offset an index entry holds, without its flag. */
    static long offset(long entry) {
        return entry & ~NO_NEWLINE;
    }

    /** Reads the index entries of lines {@code [from, from + count)} of this segment (0-based within it). */
    void readEntries(long from, int count, long[] into) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(count * INDEX_ENTRY_BYTES).order(ByteOrder.BIG_ENDIAN);
        readFully(index, buf, from * INDEX_ENTRY_BYTES);
        buf.flip();
        buf.asLongBuffer().get(into, 0, count);
    }

    /** The offset where line {@code i} (0-based within the segment) starts. */
    long startOf(long i) throws IOException {
        if (i == 0) {
            return 0;
        }
        ByteBuffer one = ByteBuffer.allocate(INDEX_ENTRY_BYTES);
        readFully(index, one, (i - 1) * INDEX_ENTRY_BYTES);
        return offset(one.getLong(0));
    }

    /** Whether {@link #view} can serve this segment (a mapping is limited to 2 GiB). */
    boolean mappable(long end) {
        return end <= Integer.MAX_VALUE;
    }

    /**
     * Makes sure the mapping reaches {@code to} (committed) where that is worth a new mapping, and
     * says how far it reaches: possibly less than {@code to}, and then the caller copies the rest.
     * A replaced mapping is only unmapped when the GC collects it (a reader's view may still point
     * into it), so a segment is mapped anew only after it has grown by {@link #REMAP_STEP} since
     * the last mapping. A client polling a busy process therefore leaves at most one mapping per
     * step, however often it reads, instead of one per read (the kernel's map count is finite).
     */
    long mapFor(long to) throws IOException {
        MappedByteBuffer m = mapping;
        if (m != null && m.capacity() >= to) {
            return m.capacity();
        }
        synchronized (this) {
            m = mapping;
            long mapped = m == null ? 0 : m.capacity();
            long reach = Math.min(committedBytes, Integer.MAX_VALUE); // a mapping holds at most 2 GiB
            if (mapped < to && (m == null || reach - mapped >= REMAP_STEP)) {
                mapping = data.map(FileChannel.MapMode.READ_ONLY, 0, reach);
                mapped = reach;
            }
            return mapped;
        }
    }

    /** A read-only view of data bytes {@code [from, to)}, which {@link #mapFor} must have covered. */
    ByteBuf view(long from, long to) {
        return Unpooled.wrappedBuffer(mapping.slice((int) from, (int) (to - from)));
    }

    void readData(ByteBuffer into, long position) throws IOException {
        readFully(data, into, position);
    }

    void force() throws IOException {
        data.force(false);
        index.force(false);
    }

    void close() throws IOException {
        try {
            data.close();
        } finally {
            index.close();
        }
    }

    void delete() throws IOException {
        deleted = true;
        close();
        Files.deleteIfExists(dataPath);
        Files.deleteIfExists(indexPath);
    }

    long fileBytes() {
        return committedBytes + committedLines * INDEX_ENTRY_BYTES;
    }

    static void readFully(FileChannel channel, ByteBuffer into, long position) throws IOException {
        while (into.hasRemaining()) {
            int n = channel.read(into, position);
            if (n < 0) {
                throw new IOException("history file shorter than its index");
            }
            position += n;
        }
    }
}
