package io.procgate.host.flood;

import io.netty.buffer.ByteBuf;
import io.procgate.host.ExitStatus;
import io.procgate.host.HistorySlice;
import io.procgate.host.HostSettings;
import io.procgate.host.LineSubscriber;
import io.procgate.host.ProcessSpec;
import io.procgate.host.testing.TestHost;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Run in a child JVM with a small heap by {@link FloodTest}: one child floods a real host, a live
 * subscriber checks every line it gets, the history is read back whole; prints what it saw as
 * {@code key=value} words, and exits non-zero on any mismatch.
 */
public final class FloodRunner {
    private FloodRunner() {}

    /** What the live subscriber saw. */
    private static final class Counter implements LineSubscriber {
        final byte fill;
        final CompletableFuture<ExitStatus> exit = new CompletableFuture<>();
        long lines;
        long bytes;
        int longest;
        long wrongBytes;
        String last = "";

        Counter(byte fill) {
            this.fill = fill;
        }

        @Override
        public void onLine(long lineNumber, ByteBuf content) {
            if (lineNumber != lines) {
                throw new IllegalStateException("line " + lineNumber + " after " + lines);
            }
            lines++;
            int n = content.readableBytes();
            bytes += n;
            longest = Math.max(longest, n);
            int wrong = content.forEachByte(b -> b == fill);
            if (wrong >= 0) {
                last = content.toString(java.nio.charset.StandardCharsets.US_ASCII);
                if (!last.equals("after")) {
                    wrongBytes++;
                }
            }
        }

        @Override
        public void onExit(ExitStatus status) {
            exit.complete(status);
        }
    }

    public static void main(String[] args) throws Exception {
        Path data = Path.of(args[0]);
        String mode = args[1];
        long size = Long.parseLong(args[2]);
        byte fill = mode.equals("line") ? (byte) 'x' : 0;
        String script = mode.equals("line")
                ? "head -c " + size + " /dev/zero | tr '\\0' x; echo; echo after"
                : "head -c " + size + " /dev/zero";
        try (TestHost t = TestHost.open(data, s -> s.withRetention(64L << 20, 8L << 20))) {
            resetPeaks();
            Counter live = new Counter(fill);
            t.host().subscribe("flood", live);
            long started = System.nanoTime();
            t.host()
                    .start("flood", ProcessSpec.of(List.of("sh", "-c", script)), "test")
                    .join();
            live.exit.join();
            double seconds = (System.nanoTime() - started) / 1e9;
            long next = t.host().status("flood").orElseThrow().nextLine();
            // Read back what retention kept, slice by slice: every line as long as the split says.
            long keptLines = 0;
            long keptBytes = 0;
            long badLines = 0;
            int maxLine = HostSettings.defaults(data).maxLineBytes();
            for (long from = 0; from < next; ) {
                HistorySlice slice = t.host().read("flood", from, 8L << 20).orElseThrow();
                try {
                    ByteBuf d = slice.data();
                    keptLines += slice.lineCount();
                    keptBytes += d.readableBytes();
                    for (int at = d.readerIndex(); at < d.writerIndex(); ) {
                        int nl = d.indexOf(at, d.writerIndex(), (byte) '\n');
                        int len = nl - at;
                        if (len != maxLine && !(len == 5 && mode.equals("line"))) {
                            badLines++;
                        }
                        at = nl + 1;
                    }
                    from = slice.nextLine();
                } finally {
                    slice.release();
                }
            }
            System.out.printf(
                    "lines=%d liveLines=%d liveBytes=%d longest=%d wrong=%d last=%s keptLines=%d keptBytes=%d"
                            + " badLines=%d peakHeapMiB=%.1f seconds=%.2f MBps=%.0f%n",
                    next,
                    live.lines,
                    live.bytes,
                    live.longest,
                    live.wrongBytes,
                    live.last.isEmpty() ? "-" : live.last,
                    keptLines,
                    keptBytes,
                    badLines,
                    peakHeap() / 1048576.0,
                    seconds,
                    size / seconds / 1e6);
        }
    }

    private static void resetPeaks() {
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            pool.resetPeakUsage();
        }
    }

    /** The sum of the heap pools' peaks since {@link #resetPeaks}: an upper bound of the peak heap. */
    private static long peakHeap() {
        long sum = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) {
                sum += pool.getPeakUsage().getUsed();
            }
        }
        return sum;
    }
}
