package io.procgate.bench;

import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollIoHandler;
import io.procgate.host.HistorySlice;
import io.procgate.host.HostSettings;
import io.procgate.host.ProcessSpec;
import io.procgate.host.ProcessStatus;
import io.procgate.host.epoll.EpollProcessHost;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * The process host's benchmarks, each against a plain-Unix baseline measured in the same run, so
 * the figure that counts is a ratio (these machines are shared and noisy):
 *
 * <ul>
 *   <li>{@code ingest}: a child writing 1 GiB of 100-byte lines; rate vs {@code cat FILE | cat > OUT}.
 *   <li>{@code read}: 1,000,000 lines read from line 0 and from the middle; vs {@code tail -n +N FILE}.
 *   <li>{@code idle}: heap and threads for 1,000 idle children.
 * </ul>
 *
 * Usage: {@code HostBenchmark WORKDIR [ingest-MiB]}; prints a Markdown table.
 */
public final class HostBenchmark {
    private static final int LINE_BYTES = Lines.LINE_BYTES;
    private static final int READ_LINES = 1_000_000;
    private static final int IDLE_CHILDREN = 1000;
    /** Each side is run this many times, alternating; the best time of each counts. */
    private static final int ROUNDS = 3;

    private HostBenchmark() {}

    public static void main(String[] args) throws Exception {
        Path work = Path.of(args.length > 0 ? args[0] : "target/bench-work");
        long ingestMiB = args.length > 1 ? Long.parseLong(args[1]) : 1024;
        Files.createDirectories(work);
        MultiThreadIoEventLoopGroup loops = new MultiThreadIoEventLoopGroup(2, EpollIoHandler.newFactory());
        try {
            ingest(work, ingestMiB, loops);
            read(work, loops);
            idle(work, loops);
        } finally {
            loops.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    private static EpollProcessHost host(Path dataDir, MultiThreadIoEventLoopGroup loops) throws IOException {
        deleteTree(dataDir);
        HostSettings settings =
                HostSettings.defaults(dataDir).withAllowRootChildren(true).withRetention(64L << 30, 256L << 20);
        return new EpollProcessHost(settings, loops);
    }

    private static void ingest(Path work, long mib, MultiThreadIoEventLoopGroup loops) throws Exception {
        long lines = (mib << 20) / LINE_BYTES;
        Path file = work.resolve("lines-" + mib + "m.txt");
        Lines.write(file, lines);
        Path out = work.resolve("pipe-out.txt");
        // Warm the page cache so both sides read the file from memory.
        run("cat " + file + " > /dev/null");
        long baseline = Long.MAX_VALUE;
        long gateway = Long.MAX_VALUE;
        long gatewayCpu = 0;
        for (int round = 0; round < ROUNDS; round++) {
            baseline = Math.min(baseline, time(() -> run("cat " + file + " | cat > " + out)));
            Files.delete(out);
            try (EpollProcessHost host = host(work.resolve("data-ingest"), loops)) {
                long cpuBefore = processCpuNanos();
                long took = time(() -> {
                    host.start("ingest", ProcessSpec.of(List.of("cat", file.toString())), "bench")
                            .join();
                    host.whenStopped("ingest").join();
                });
                if (took < gateway) {
                    gateway = took;
                    gatewayCpu = processCpuNanos() - cpuBefore;
                }
                checkComplete(host, lines);
            }
        }
        double bytes = (double) lines * LINE_BYTES;
        System.out.printf(
                Locale.ROOT,
                "| ingest %d MiB of %d-byte lines | gateway %.0f MiB/s (JVM busy %.0f%% of one core) | `cat F | cat > OUT` %.0f MiB/s | ratio %.2f |%n",
                mib,
                LINE_BYTES,
                mibPerSec(bytes, gateway),
                100.0 * gatewayCpu / gateway,
                mibPerSec(bytes, baseline),
                (double) baseline / gateway);
    }

    private static void checkComplete(EpollProcessHost host, long lines) {
        ProcessStatus status = host.status("ingest").orElseThrow();
        if (status.nextLine() != lines) {
            throw new IllegalStateException("history has " + status.nextLine() + " lines, expected " + lines);
        }
        HistorySlice tail = host.read("ingest", lines - 1, Long.MAX_VALUE).orElseThrow();
        String last = tail.data().toString(StandardCharsets.US_ASCII);
        tail.release();
        if (!last.equals(Lines.line(lines - 1))) {
            throw new IllegalStateException("last line differs: " + last);
        }
    }

    private static void read(Path work, MultiThreadIoEventLoopGroup loops) throws Exception {
        Path file = work.resolve("lines-read.txt");
        Lines.write(file, READ_LINES);
        try (EpollProcessHost host = host(work.resolve("data-read"), loops)) {
            host.start("reader", ProcessSpec.of(List.of("cat", file.toString())), "bench")
                    .join();
            host.whenStopped("reader").join();
            for (long from : new long[] {0, READ_LINES / 2}) {
                run("tail -n +" + (from + 1) + " " + file + " > /dev/null"); // warm up both
                readAll(host, from);
                long best = Long.MAX_VALUE;
                long bestTail = Long.MAX_VALUE;
                for (int round = 0; round < 2 * ROUNDS; round++) {
                    long f = from;
                    bestTail = Math.min(bestTail, time(() -> run("tail -n +" + (f + 1) + " " + file + " > /dev/null")));
                    best = Math.min(best, time(() -> readAll(host, f)));
                }
                System.out.printf(
                        Locale.ROOT,
                        "| read %d lines from line %d | gateway %.1f ms | `tail -n +N` %.1f ms | ratio %.2f |%n",
                        READ_LINES - from,
                        from,
                        best / 1e6,
                        bestTail / 1e6,
                        (double) bestTail / best);
            }
        }
    }

    private static void readAll(EpollProcessHost host, long from) {
        long next = from;
        while (true) {
            HistorySlice slice = host.read("reader", next, 64L << 20).orElseThrow();
            long count = slice.lineCount();
            next = slice.nextLine();
            slice.release();
            if (count == 0) {
                return;
            }
        }
    }

    private static void idle(Path work, MultiThreadIoEventLoopGroup loops) throws Exception {
        try (EpollProcessHost host = host(work.resolve("data-idle"), loops)) {
            host.start("warmup", ProcessSpec.of("true"), "bench").join();
            host.whenStopped("warmup").join();
            long heapBefore = usedHeapAfterGc();
            int threadsBefore = ManagementFactory.getThreadMXBean().getThreadCount();
            for (int i = 0; i < IDLE_CHILDREN; i++) {
                host.start("idle-" + i, ProcessSpec.of(List.of("sleep", "600")), "bench")
                        .join();
            }
            long heapAfter = usedHeapAfterGc();
            int threadsAfter = ManagementFactory.getThreadMXBean().getThreadCount();
            System.out.printf(
                    Locale.ROOT,
                    "| %d idle children | heap +%.1f KiB per child | threads %d -> %d (all JVM threads, the JDK process reaper included) |%n",
                    IDLE_CHILDREN,
                    (heapAfter - heapBefore) / 1024.0 / IDLE_CHILDREN,
                    threadsBefore,
                    threadsAfter);
        }
    }

    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    private static long usedHeapAfterGc() throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(200);
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    private static void run(String shell) {
        try {
            Process p = new ProcessBuilder("sh", "-c", shell).inheritIO().start();
            if (p.waitFor() != 0) {
                throw new IllegalStateException(shell + " failed");
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private interface Work {
        void run() throws Exception;
    }

    private static long time(Work work) throws Exception {
        long start = System.nanoTime();
        work.run();
        return System.nanoTime() - start;
    }

    private static double mibPerSec(double bytes, long nanos) {
        return bytes / (1 << 20) / (nanos / 1e9);
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (var paths = Files.walk(dir)) {
            for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
