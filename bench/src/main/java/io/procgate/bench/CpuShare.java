package io.procgate.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Where the CPU went during a measurement, from {@code /proc}: a process's threads grouped by name
 * (CPU time, and time spent runnable but waiting for a CPU, from {@code schedstat}), this JVM, and
 * the whole machine (which is shared with other work: its busy share says how much was left).
 */
final class CpuShare {
    private static final long USER_HZ_NANOS = 10_000_000L; // USER_HZ is 100 on Linux

    private final long pid;
    private final long startNanos;
    private final Map<String, long[]> threadsBefore;
    private final long ownBefore;
    private final long[] machineBefore;

    private CpuShare(long pid) throws IOException {
        this.pid = pid;
        this.threadsBefore = threads(pid);
        this.ownBefore = ownCpuNanos();
        this.machineBefore = machine();
        this.startNanos = System.nanoTime();
    }

    /** Starts measuring; {@code pid} is the process whose threads are looked at (the gateway). */
    static CpuShare start(long pid) throws IOException {
        return new CpuShare(pid);
    }

    /** The result so far. */
    Result stop() throws IOException {
        long wall = System.nanoTime() - startNanos;
        Map<String, long[]> after = threads(pid);
        Map<String, long[]> diff = new TreeMap<>();
        after.forEach((name, v) -> {
            long[] b = threadsBefore.getOrDefault(name, new long[2]);
            diff.put(name, new long[] {v[0] - b[0], v[1] - b[1]});
        });
        long[] m = machine();
        double machineCores = (m[0] - machineBefore[0]) * (double) USER_HZ_NANOS / wall;
        return new Result(wall, diff, (ownCpuNanos() - ownBefore) / (double) wall, machineCores);
    }

    /** CPU shares in cores (CPU seconds per second of wall time). */
    record Result(long wallNanos, Map<String, long[]> threads, double ownCores, double machineCores) {
        double processCores() {
            return threads.values().stream().mapToLong(v -> v[0]).sum() / (double) wallNanos;
        }

        /** CPU time of one thread group (as {@link #byThread} names them), in nanoseconds. */
        long groupNanos(String group) {
            long[] v = threads.get(group);
            return v == null ? 0 : v[0];
        }

        /** Time the process's threads were runnable but waited for a CPU, in cores. */
        double processWaitCores() {
            return threads.values().stream().mapToLong(v -> v[1]).sum() / (double) wallNanos;
        }

        /**
         * "procgate-io 0.64 (+0.40 waiting for a CPU), ..." for the thread groups that used at least
         * 2% of a core, busiest first.
         */
        String byThread() {
            StringBuilder sb = new StringBuilder();
            threads.entrySet().stream()
                    .filter(e -> e.getValue()[0] >= wallNanos / 50)
                    .sorted((a, b) -> Long.compare(b.getValue()[0], a.getValue()[0]))
                    .forEach(e -> sb.append(sb.length() == 0 ? "" : ", ")
                            .append(String.format(
                                    Locale.ROOT,
                                    "%s %.2f (+%.2f waiting for a CPU)",
                                    e.getKey(),
                                    e.getValue()[0] / (double) wallNanos,
                                    e.getValue()[1] / (double) wallNanos)));
            return sb.toString();
        }
    }

    /** Per thread group (names with their trailing numbers cut): {cpu ns, run-queue wait ns}. */
    private static Map<String, long[]> threads(long pid) throws IOException {
        Map<String, long[]> byGroup = new TreeMap<>();
        try (var tasks = Files.list(Path.of("/proc", Long.toString(pid), "task"))) {
            for (Path task : tasks.toList()) {
                String name;
                String[] sched;
                try {
                    name = Files.readString(task.resolve("comm"), StandardCharsets.US_ASCII)
                            .trim();
                    sched = Files.readString(task.resolve("schedstat"), StandardCharsets.US_ASCII)
                            .trim()
                            .split(" ");
                } catch (IOException e) {
                    continue; // the thread ended meanwhile
                }
                String group = name.replaceAll("[-_# ]*[0-9]+([-_][0-9]+)*$", "");
                long[] sum = byGroup.computeIfAbsent(group, g -> new long[2]);
                sum[0] += Long.parseLong(sched[0]);
                sum[1] += Long.parseLong(sched[1]);
            }
        }
        return byGroup;
    }

    /** The machine's busy time in USER_HZ ticks (user, nice, system, irq, softirq), from /proc/stat. */
    private static long[] machine() throws IOException {
        String first = Files.readAllLines(Path.of("/proc/stat")).get(0);
        String[] f = first.trim().split(" +");
        long busy = 0;
        for (int i = 1; i < f.length && i <= 7; i++) {
            if (i != 4 && i != 5) { // idle, iowait (and steal, field 8, is not ours)
                busy += Long.parseLong(f[i]);
            }
        }
        return new long[] {busy};
    }

    private static long ownCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }
}
