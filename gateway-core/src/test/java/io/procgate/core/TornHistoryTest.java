package io.procgate.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.procgate.core.testing.LogCapture;
import io.procgate.host.HistorySlice;
import io.procgate.host.history.History;
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

/**
 * Histories torn the ways power loss, {@code kill -9} and a stray write tear them, by truncating and
 * overwriting the real files: every complete line stays, only the torn tail goes, a garbage
 * segment is moved aside with one log line, and numbers are never used twice.
 */
class TornHistoryTest {
    private static final long SEGMENT = 4096;
    private static final long RETENTION = 1 << 20;
    private static final int MAX_LINE = 1024;
    /** 11 bytes a line with its newline: a 4 KiB segment holds 373 of them. */
    private static final int LINE_BYTES = 11;

    @TempDir
    Path dir;

    private static String text(long n) {
        return String.format("line-%05d", n);
    }

    private History open() throws IOException {
        return History.open(dir, SEGMENT, RETENTION, MAX_LINE);
    }

    private void write(long from, long to) throws IOException {
        try (History h = open()) {
            assertThat(h.nextLine()).isEqualTo(from);
            appendLines(h, from, to);
        }
    }

    private static void appendLines(History h, long from, long to) throws IOException {
        StringBuilder sb = new StringBuilder();
        for (long i = from; i < to; i++) {
            sb.append(text(i)).append('\n');
        }
        ByteBuf chunk = Unpooled.copiedBuffer(sb, StandardCharsets.US_ASCII);
        try {
            h.append(chunk, null);
        } finally {
            chunk.release();
        }
    }

    /** Every line the history returns, read slice by slice, as "number:text", and each gap as "missed N". */
    private static List<String> readAll(History h) {
        List<String> out = new ArrayList<>();
        long next = 0;
        while (next < h.nextLine()) {
            HistorySlice slice = h.read(next, Long.MAX_VALUE, ByteBufAllocator.DEFAULT);
            try {
                if (slice.missed() > 0) {
                    out.add("missed " + slice.missed());
                }
                String data = slice.data().toString(StandardCharsets.US_ASCII);
                String[] lines = data.isEmpty() ? new String[0] : data.split("\n");
                for (int i = 0; i < slice.lineCount(); i++) {
                    out.add((slice.firstLine() + i) + ":" + lines[i]);
                }
                if (slice.nextLine() <= next) {
                    break;
                }
                next = slice.nextLine();
            } finally {
                slice.release();
            }
        }
        return out;
    }

    private static List<String> expected(long from, long to) {
        List<String> out = new ArrayList<>();
        for (long i = from; i < to; i++) {
            out.add(i + ":" + text(i));
        }
        return out;
    }

    private List<Path> files(String suffix) throws IOException {
        try (Stream<Path> all = Files.list(dir)) {
            return all.filter(p -> p.getFileName().toString().endsWith(suffix))
                    .sorted()
                    .toList();
        }
    }

    private static void appendBytes(Path file, byte[] bytes) throws IOException {
        Files.write(file, bytes, StandardOpenOption.APPEND);
    }

    private static void truncate(Path file, long size) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
            ch.truncate(size);
        }
    }

    private static void overwriteWithRandomBytes(Path file, long seed) throws IOException {
        byte[] garbage = new byte[(int) Files.size(file)];
        new Random(seed).nextBytes(garbage);
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.wrap(garbage), 0);
        }
    }

    private static long warnings(LogCapture logs) {
        return logs.messages("io.procgate.host.history.History").stream()
                .filter(m -> m.startsWith("WARN"))
                .count();
    }

    @Test
    void aPartialLastRecordAndAPartialIndexEntryAreDroppedAndNothingElse() throws IOException {
        write(0, 100);
        appendBytes(files(".log").get(0), "line-001".getBytes(StandardCharsets.US_ASCII));
        appendBytes(files(".idx").get(0), new byte[] {0, 0, 0, 0, 1});
        try (LogCapture logs = LogCapture.start();
                History h = open()) {
            assertThat(h.nextLine()).isEqualTo(100);
            assertThat(readAll(h)).isEqualTo(expected(0, 100));
            assertThat(warnings(logs)).isEqualTo(1);
            assertThat(logs.messages().toString()).contains("dropped a torn tail of 8 bytes", "partial index entry");
            appendLines(h, 100, 101);
            assertThat(readAll(h)).isEqualTo(expected(0, 101));
        }
    }

    @Test
    void anIndexShorterThanItsDataIsCompletedFromTheDataNotCut() throws IOException {
        write(0, 100);
        // kill -9 between the data write and the index write of the last 10 lines
        truncate(files(".idx").get(0), 90L * Long.BYTES);
        try (History h = open()) {
            assertThat(h.nextLine()).isEqualTo(100);
            assertThat(readAll(h)).isEqualTo(expected(0, 100));
        }
    }

    @Test
    void anIndexLongerThanItsDataKeepsWhatTheDataHoldsAndNeverReusesTheLostNumbers() throws IOException {
        write(0, 100);
        // power loss: the index reached the disk, the last 10 and a half lines of data did not
        truncate(files(".log").get(0), 90L * LINE_BYTES + 5);
        try (LogCapture logs = LogCapture.start();
                History h = open()) {
            assertThat(h.nextLine()).isEqualTo(100);
            appendLines(h, 100, 105);
            List<String> want = new ArrayList<>(expected(0, 90));
            want.add("missed 10");
            want.addAll(expected(100, 105));
            assertThat(readAll(h)).isEqualTo(want);
            assertThat(logs.messages().toString()).contains("points past the data", "lines 90 to 99 are lost");
        }
    }

    @Test
    void aGarbageSegmentIsMovedAsideWithOneLogLineAndTheOthersAreKept() throws IOException {
        write(0, 1000); // three segments: 0, 373, 746
        List<Path> data = files(".log");
        assertThat(data).hasSize(3);
        overwriteWithRandomBytes(data.get(1), 1);
        overwriteWithRandomBytes(files(".idx").get(1), 2);
        try (LogCapture logs = LogCapture.start();
                History h = open()) {
            assertThat(warnings(logs)).isEqualTo(1);
            assertThat(logs.messages("io.procgate.host.history.History").get(0))
                    .contains(data.get(1).getFileName().toString(), "not a history segment", "moved aside");
            assertThat(h.nextLine()).isEqualTo(1000);
            List<String> want = new ArrayList<>(expected(0, 373));
            want.add("missed 373");
            want.addAll(expected(746, 1000));
            assertThat(readAll(h)).isEqualTo(want);
            appendLines(h, 1000, 1001);
            assertThat(readAll(h)).endsWith("1000:" + text(1000));
        }
        assertThat(files(".garbage")).hasSize(2);
        try (History h = open()) {
            assertThat(h.nextLine()).isEqualTo(1001); // moved aside once: not looked at again
        }
    }

    @Test
    void aGarbageLastSegmentLeavesNumberingWhereItsIndexSaidItWas() throws IOException {
        write(0, 500); // segments 0 and 373
        overwriteWithRandomBytes(files(".log").get(1), 3);
        overwriteWithRandomBytes(files(".idx").get(1), 4);
        try (History h = open()) {
            assertThat(h.nextLine()).isEqualTo(500);
            appendLines(h, 500, 510);
            List<String> want = new ArrayList<>(expected(0, 373));
            want.add("missed 127");
            want.addAll(expected(500, 510));
            assertThat(readAll(h)).isEqualTo(want);
        }
    }
}
