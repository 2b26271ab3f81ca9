package io.procgate.host.stats;

import io.procgate.host.ProcessStats;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Samples the live figures of every running process group from {@code /proc}, on one thread of
 * its own for the whole host (never on an event loop, never a thread per process): every interval
 * it reads {@code /proc/PID/stat} of every process once, sums the members of each wanted group
 * (CPU time, resident memory, threads, and the entries of {@code /proc/PID/fd}) and hands each
 * group's {@link ProcessStats} to its {@link Target}.
 *
 * <p>The CPU figure is the growth of the group's CPU time over the interval divided by the
 * interval. The group's CPU time counts its live members and what their reaped children used, so
 * work done by a short-lived grandchild counts once it has been waited for. It never goes down: a
 * member reaped by a process outside the group takes its time with it, and the figure then holds.
 */
public final class StatsSampler implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(StatsSampler.class);
    private static final Path PROC = Path.of("/proc");
    private static final double NANOS_PER_SECOND = 1e9;

    /** A running process whose group is sampled. */
    public interface Target {
        /** The process group (the pid of the leader, which {@code setsid} made it). */
        long processGroup();

        /** When the run began ({@link System#nanoTime()}). */
        long startNanos();

        /** The figures of the last interval; called on the sampler's thread. */
        void publish(ProcessStats stats);
    }

    /** What the last sample of a group saw. */
    private record Previous(long startNanos, double cpuSeconds, long atNanos) {}

    /** Sums over one group's members during a scan. */
    private static final class Sum {
        /** When the last member's CPU time was read: the rate is over the time between two reads. */
        long readNanos;

        long ticks;
        long rssPages;
        int threads;
        int fds;
        int members;
    }

    private final Duration interval;
    private final Supplier<? extends Collection<? extends Target>> targets;
    private final ProcFacts facts = ProcFacts.read();
    private final Map<Long, Previous> previous = new HashMap<>();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "procgate-stats");
        t.setDaemon(true);
        return t;
    });

    /**
     * @param targets the processes running now; asked once per interval
     */
    public StatsSampler(Duration interval, Supplier<? extends Collection<? extends Target>> targets) {
        this.interval = interval;
        this.targets = targets;
    }

    /** Samples every interval from now on. */
    public void start() {
        long millis = interval.toMillis();
        timer.scheduleWithFixedDelay(this::sampleSafely, millis, millis, TimeUnit.MILLISECONDS);
    }

    private void sampleSafely() {
        try {
            sample();
        } catch (RuntimeException e) {
            LOG.warn("sampling process figures failed", e);
        }
    }

    /** Whether the last scan could not list /proc (logged once when it starts failing). */
    private boolean listFailing;

    /** One sample of every target; runs on the sampler's thread (or a test's). */
    synchronized void sample() {
        Map<Long, Target> wanted = new HashMap<>();
        for (Target t : targets.get()) {
            wanted.put(t.processGroup(), t);
        }
        previous.keySet().retainAll(wanted.keySet());
        if (wanted.isEmpty()) {
            return; // nothing runs: no scan of /proc
        }
        Map<Long, Sum> sums = scan(wanted);
        for (Target t : wanted.values()) {
            Sum sum = sums.get(t.processGroup());
            if (sum == null) {
                continue; // the group has just gone; its exit is on its way
            }
            // The time of the read, not of the end of the scan: on a busy machine a scan can
            // take long, and the next interval would then be measured short.
            t.publish(figures(t, sum, sum.readNanos));
        }
    }

    private Map<Long, Sum> scan(Map<Long, Target> wanted) {
        Map<Long, Sum> sums = new HashMap<>();
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(PROC, StatsSampler::isPidDirectory)) {
            for (Path dir : dirs) {
                ProcStat stat = ProcStat.read(dir).orElse(null);
                if (stat == null || !wanted.containsKey(stat.processGroup())) {
                    continue;
                }
                Sum sum = sums.computeIfAbsent(stat.processGroup(), g -> new Sum());
                sum.readNanos = System.nanoTime();
                sum.ticks += stat.cpuTicks();
                sum.rssPages += stat.rssPages();
                sum.threads += stat.threads();
                sum.fds += countFds(dir);
                sum.members++;
            }
            if (listFailing) {
                listFailing = false;
                LOG.info("listing /proc works again: live figures resume");
            }
        } catch (IOException e) {
            // once per change, not per interval: out of descriptors, this would repeat every tick
            if (!listFailing) {
                listFailing = true;
                LOG.warn("cannot list /proc: {}; live figures pause until it works again", e.toString());
            }
        }
        return sums;
    }

    private ProcessStats figures(Target t, Sum sum, long now) {
        double cpuSeconds = (double) sum.ticks / facts.clockTicksPerSecond();
        Previous before = previous.get(t.processGroup());
        if (before == null || before.startNanos() != t.startNanos()) {
            before = new Previous(t.startNanos(), 0, t.startNanos()); // a new run: from its start
        }
        cpuSeconds = Math.max(cpuSeconds, before.cpuSeconds());
        double elapsed = (now - before.atNanos()) / NANOS_PER_SECOND;
        double cpu = elapsed > 0 ? (cpuSeconds - before.cpuSeconds()) / elapsed : 0;
        previous.put(t.processGroup(), new Previous(t.startNanos(), cpuSeconds, now));
        return new ProcessStats(
                cpu,
                cpuSeconds,
                sum.rssPages * facts.pageBytes(),
                sum.threads,
                sum.fds,
                (now - t.startNanos()) / NANOS_PER_SECOND,
                sum.members);
    }

    private static int countFds(Path procDir) {
        int n = 0;
        try (DirectoryStream<Path> fds = Files.newDirectoryStream(procDir.resolve("fd"))) {
            for (Path ignored : fds) {
                n++;
            }
        } catch (IOException | RuntimeException e) {
            return 0; // gone, or not ours to read (another user's process without root)
        }
        return n;
    }

    private static boolean isPidDirectory(Path p) {
        String name = p.getFileName().toString();
        if (name.isEmpty()) {
            return false;
        }
        for (int i = 0; i < name.length(); i++) {
            if (!Character.isDigit(name.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
