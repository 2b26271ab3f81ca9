package io.procgate.host.history;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.procgate.host.HistorySlice;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HistoryTest {
    private static final long SEGMENT = 4096;
    private static final long RETENTION = 1 << 20;

    @TempDir
    Path dir;

    private final List<String> delivered = new ArrayList<>();
    private final History.LineConsumer collect =
            (n, content) -> delivered.add(n + ":" + content.toString(StandardCharsets.ISO_8859_1));

    private History open(int maxLine) throws IOException {
        return History.open(dir, SEGMENT, RETENTION, maxLine);
    }

    private void append(History h, String text) throws IOException {
        ByteBuf chunk = Unpooled.copiedBuffer(text, StandardCharsets.ISO_8859_1);
        try {
            h.append(chunk, collect);
        } finally {
            chunk.release();
        }
    }

    private static String read(History h, long from, long max) {
        HistorySlice slice = h.read(from, max, ByteBufAllocator.DEFAULT);
        try {
            return slice.data().toString(StandardCharsets.ISO_8859_1);
        } finally {
            slice.release();
        }
    }

    @Test
    void linesSplitAcrossChunksAreNumberedAndDeliveredWhole() throws IOException {
        try (History h = open(64)) {
            append(h, "alpha\nbe");
            append(h, "ta\n\ngam");
            append(h, "ma\n");
            assertThat(delivered).containsExactly("0:alpha", "1:beta", "2:", "3:gamma");
            assertThat(h.nextLine()).isEqualTo(4);
            assertThat(read(h, 0, Long.MAX_VALUE)).isEqualTo("alpha\nbeta\n\ngamma\n");
            assertThat(read(h, 2, Long.MAX_VALUE)).isEqualTo("\ngamma\n");
            assertThat(read(h, 4, Long.MAX_VALUE)).isEmpty();
            assertThat(read(h, 99, Long.MAX_VALUE)).isEmpty();
        }
    }

    @Test
    void overLongLinesAreSplitAndStoredExactly() throws IOException {
        try (History h = open(4)) {
            append(h, "abcdefghij\nxy");
            append(h, "zw\n");
            assertThat(delivered).containsExactly("0:abcd", "1:efgh", "2:ij", "3:xyzw");
            // A line of exactly the maximum keeps its newline.
            assertThat(read(h, 0, Long.MAX_VALUE)).isEqualTo("abcd\nefgh\nij\nxyzw\n");
        }
        assertThat(storedBytes()).isEqualTo("abcdefghij\nxyzw\n");
    }

    @Test
    void aFinalLineWithoutNewlineIsKeptWhenTheProgramEnds() throws IOException {
        try (History h = open(64)) {
            append(h, "one\ntwo");
            assertThat(read(h, 0, Long.MAX_VALUE)).isEqualTo("one\n");
            h.finishPartialLine(collect);
            assertThat(delivered).containsExactly("0:one", "1:two");
            assertThat(read(h, 0, Long.MAX_VALUE)).isEqualTo("one\ntwo\n");
        }
        assertThat(storedBytes()).isEqualTo("one\ntwo");
    }

    @Test
    void reopeningContinuesNumberingAndDropsOnlyAnIncompleteLine() throws IOException {
        try (History h = open(64)) {
            append(h, "one\ntwo\nthr");
        }
        try (History h = open(64)) {
            assertThat(h.nextLine()).isEqualTo(2);
            assertThat(read(h, 0, Long.MAX_VALUE)).isEqualTo("one\ntwo\n");
            append(h, "four\n");
            assertThat(read(h, 1, Long.MAX_VALUE)).isEqualTo("two\nfour\n");
            assertThat(delivered).last().isEqualTo("2:four");
        }
    }

    @Test
    void recoveryIgnoresATornIndexEntry() throws IOException {
        try (History h = open(64)) {
            append(h, "one\ntwo\n");
        }
        Path index = dir.resolve(HistorySegment.fileStem(0) + ".idx");
        try (FileChannel ch = FileChannel.open(index, StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
            ch.write(ByteBuffer.wrap(new byte[] {0, 0, 0})); // a crash in the middle of an entry
        }
        try (History h = open(64)) {
            assertThat(h.nextLine()).isEqualTo(2);
            append(h, "three\n");
            assertThat(read(h, 0, Long.MAX_VALUE)).isEqualTo("one\ntwo\nthree\n");
        }
    }

    @Test
    void segmentsRollAndRetentionDropsTheOldestWithAMissedCount() throws IOException {
        StringBuilder expected = new StringBuilder();
        try (History h = History.open(dir, SEGMENT, 4 * SEGMENT, 1024)) {
            for (int i = 0; i < 2000; i++) {
                String line = "line " + i + "\n";
                expected.append(line);
                append(h, line);
            }
            assertThat(h.sizeOnDisk()).isLessThanOrEqualTo(5 * SEGMENT);
            long oldest = h.firstLine();
            assertThat(oldest).isGreaterThan(0);
            HistorySlice slice = h.read(0, Long.MAX_VALUE, ByteBufAllocator.DEFAULT);
            try {
                assertThat(slice.firstLine()).isEqualTo(oldest);
                assertThat(slice.missed()).isEqualTo(oldest);
                assertThat(slice.nextLine()).isEqualTo(2000);
                assertThat(slice.data().toString(StandardCharsets.ISO_8859_1))
                        .startsWith("line " + oldest + "\n")
                        .endsWith("line 1999\n");
            } finally {
                slice.release();
            }
        }
    }

    @Test
    void readsAreCappedOnALineBoundaryButReturnAtLeastOneLine() throws IOException {
        try (History h = open(64)) {
            append(h, "aaaa\nbbbb\ncccc\n");
            HistorySlice slice = h.read(0, 11, ByteBufAllocator.DEFAULT);
            try {
                assertThat(slice.lineCount()).isEqualTo(2);
                assertThat(slice.nextLine()).isEqualTo(2);
                assertThat(slice.data().toString(StandardCharsets.ISO_8859_1)).isEqualTo("aaaa\nbbbb\n");
            } finally {
                slice.release();
            }
            assertThat(read(h, 1, 1)).isEqualTo("bbbb\n");
        }
    }

    @Test
    void randomChunkingNeverChangesTheStoredBytesOrTheLines() throws IOException {
        Random random = new Random(42);
        byte[] text = new byte[200_000];
        for (int i = 0; i < text.length; i++) {
            int r = random.nextInt(20);
            text[i] = r == 0 ? (byte) '\n' : (byte) random.nextInt(256);
        }
        try (History h = History.open(dir, 8192, 1L << 30, 100)) {
            int pos = 0;
            while (pos < text.length) {
                int n = Math.min(text.length - pos, 1 + random.nextInt(3000));
                ByteBuf chunk = Unpooled.wrappedBuffer(text, pos, n);
                h.append(chunk, (line, content) -> {});
                pos += n;
            }
            h.finishPartialLine((line, content) -> {});
            HistorySlice all = h.read(0, Long.MAX_VALUE, ByteBufAllocator.DEFAULT);
            try {
                long expectedLines = 0;
                int lineLength = 0;
                for (byte b : text) {
                    if (b == '\n') {
                        expectedLines++;
                        lineLength = 0;
                    } else if (lineLength == 100) {
                        expectedLines++; // split before this byte: the line is over-long
                        lineLength = 1;
                    } else {
                        lineLength++;
                    }
                }
                if (lineLength > 0) {
                    expectedLines++;
                }
                assertThat(all.lineCount()).isEqualTo(expectedLines);
            } finally {
                all.release();
            }
        }
        assertThat(storedRaw()).isEqualTo(text);
    }

    @Test
    void pollingAGrowingSegmentMapsItAnewOnlyAfterItGrewByAStep() throws IOException {
        long bigSegment = 64L << 20;
        try (History h = History.open(dir, bigSegment, 1L << 30, 1024)) {
            Path dataFile = dir.resolve(HistorySegment.fileStem(0) + ".log");
            List<HistorySlice> held = new ArrayList<>(); // a held slice keeps its mapping alive
            try {
                StringBuilder expected = new StringBuilder();
                for (int i = 0; i < 300; i++) {
                    String line = "poll " + i + "\n";
                    append(h, line);
                    expected.append(line);
                    HistorySlice newest = h.read(i, Long.MAX_VALUE, ByteBufAllocator.DEFAULT);
                    held.add(newest);
                    assertThat(newest.data().toString(StandardCharsets.ISO_8859_1))
                            .isEqualTo(line);
                }
                assertThat(mappingsOf(dataFile)).isEqualTo(1);
                // From the start: a view of the mapped head and a copy of the tail, exactly the bytes.
                assertThat(read(h, 0, Long.MAX_VALUE)).isEqualTo(expected.toString());

                // Grown by more than a step: mapped anew, once.
                String filler = "x".repeat(1000) + "\n";
                int fillerLines = (int) (HistorySegment.REMAP_STEP / filler.length()) + 1;
                for (int i = 0; i < fillerLines; i++) {
                    append(h, filler);
                }
                held.add(h.read(300, Long.MAX_VALUE, ByteBufAllocator.DEFAULT));
                held.add(h.read(0, Long.MAX_VALUE, ByteBufAllocator.DEFAULT));
                assertThat(held.get(held.size() - 1).lineCount()).isEqualTo(300 + fillerLines);
                assertThat(mappingsOf(dataFile)).isEqualTo(2);
            } finally {
                held.forEach(HistorySlice::release);
            }
        }
    }

    /** How many mappings of {@code file} this process has (lines of /proc/self/maps naming it). */
    private static long mappingsOf(Path file) throws IOException {
        String name = file.toRealPath().toString();
        try (Stream<String> maps = Files.lines(Path.of("/proc/self/maps"))) {
            return maps.filter(l -> l.endsWith(" " + name)).count();
        }
    }

    private String storedBytes() throws IOException {
        return new String(storedRaw(), StandardCharsets.ISO_8859_1);
    }

    private byte[] storedRaw() throws IOException {
        java.io.ByteArrayOutputStream all = new java.io.ByteArrayOutputStream();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.filter(HistorySegment::isDataFile).sorted().toList()) {
                all.write(Files.readAllBytes(f));
            }
        }
        return all.toByteArray();
    }
}
