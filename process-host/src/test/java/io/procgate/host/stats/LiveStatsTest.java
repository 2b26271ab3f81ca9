package io.procgate.host.stats;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

import io.netty.buffer.ByteBuf;
import io.procgate.host.LineSubscriber;
import io.procgate.host.ProcessHost;
import io.procgate.host.ProcessSpec;
import io.procgate.host.ProcessStats;
import io.procgate.host.ProcessStatus;
import io.procgate.host.StartResult;
import io.procgate.host.testing.Procs;
import io.procgate.host.testing.TestHost;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The live figures of real children, checked against what the kernel itself reports in /proc. */
class LiveStatsTest {
    private static final Duration INTERVAL = Duration.ofMillis(300);
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final long MIB = 1L << 20;
    private static final double BURN_SECONDS = 3.0;

    @TempDir
    Path data;

    /** Keeps every figure and line it is given. */
    private static final class Recorder implements LineSubscriber {
        final List<ProcessStats> stats = new CopyOnWriteArrayList<>();
        final List<String> lines = new CopyOnWriteArrayList<>();

        @Override
        public void onLine(long lineNumber, ByteBuf content) {
            lines.add(content.toString(StandardCharsets.UTF_8));
        }

        @Override
        public void onStats(ProcessStats figures) {
            stats.add(figures);
        }

        ProcessStats last() {
            return stats.get(stats.size() - 1);
        }
    }

    private static TestHost host(Path data) {
        return TestHost.open(data, s -> s.withStatsInterval(INTERVAL));
    }

    private static void start(ProcessHost host, String name, String script) {
        StartResult r = host.start(name, ProcessSpec.of(List.of("sh", "-c", script)), "tester")
                .join();
        assertThat(r.outcome()).isEqualTo(StartResult.Outcome.STARTED);
    }

    @Test
    void aGrandchildBurningOneCoreForThreeSecondsShowsAsOneCoreAndItsTimeAsTheKernelCountsIt() throws IOException {
        try (TestHost t = host(data)) {
            ProcessHost host = t.host();
            Recorder rec = new Recorder();
            host.subscribe("burner", rec);
            // The busy loop runs in a grandchild (sh -> timeout -> sh); timeout stays in the group.
            start(host, "burner", "timeout --foreground 3 sh -c 'while :; do :; done'; echo burnt; exec sleep 60");
            long pid = host.status("burner").orElseThrow().pid();
            await().atMost(WAIT).until(() -> rec.lines.contains("burnt"));
            int samplesAtEnd = rec.stats.size();
            await().atMost(WAIT).until(() -> rec.stats.size() > samplesAtEnd + 1);

            double kernelSeconds = kernelGroupCpuSeconds(pid);
            ProcessStats after = rec.last();
            assertThat(after.cpuSeconds()).isCloseTo(kernelSeconds, within(0.05));
            // On an idle machine that is one core; on a busy one (2 cores shared by parallel builds)
            // less, so the figure is checked against what the kernel says the burner got.
            double averageRate = kernelSeconds / BURN_SECONDS;
            assertThat(averageRate).as("the burner ran").isGreaterThan(0.1);
            double peak =
                    rec.stats.stream().mapToDouble(ProcessStats::cpu).max().orElseThrow();
            assertThat(peak).isBetween(averageRate * 0.75, 1.25);
            assertThat(after.cpu()).as("nothing burns any more").isLessThan(0.1);

            ProcessStatus status = host.status("burner").orElseThrow();
            assertThat(status.stats()).isNotNull();
            assertThat(status.stats().uptimeSeconds()).isGreaterThan(BURN_SECONDS);
            host.stop("burner").join();
            host.whenStopped("burner").orTimeout(WAIT.toSeconds(), SECONDS).join();
            assertThat(host.status("burner").orElseThrow().stats()).isNull();
        }
    }

    @Test
    void aGrandchildHoldingTwoHundredMegabytesShowsThemWithTheGroupsThreadsAndDescriptors() throws IOException {
        try (TestHost t = host(data)) {
            ProcessHost host = t.host();
            Recorder rec = new Recorder();
            host.subscribe("hog", rec);
            // perl is a child of the leader (": " keeps sh from exec-ing it); it holds 3 extra descriptors.
            start(
                    host,
                    "hog",
                    "exec 7</dev/null 8</dev/null 9</dev/null; perl -e '$x = q(a); $x x= 200*1024*1024;"
                            + " $| = 1; print qq(allocated\\n); sleep 60'; :");
            long pid = host.status("hog").orElseThrow().pid();
            await().atMost(WAIT).until(() -> rec.lines.contains("allocated"));
            int seen = rec.stats.size();
            await().atMost(WAIT).until(() -> rec.stats.size() > seen + 1);

            ProcessStats figures = rec.last();
            List<Long> members = Procs.groupMembers(pid);
            assertThat(members).hasSize(2);
            assertThat(figures.processes()).isEqualTo(2);
            assertThat(figures.rssBytes()).isBetween(200 * MIB, 240 * MIB);
            long kernelRss = 0;
            int kernelThreads = 0;
            int kernelFds = 0;
            for (long member : members) {
                kernelRss += statusField(member, "VmRSS:") * 1024;
                kernelThreads += (int) statusField(member, "Threads:");
                try (Stream<Path> fds = Files.list(Path.of("/proc/" + member + "/fd"))) {
                    kernelFds += (int) fds.count();
                }
            }
            assertThat((double) figures.rssBytes()).isCloseTo(kernelRss, within(2.0 * MIB));
            assertThat(figures.threads()).isEqualTo(kernelThreads);
            assertThat(figures.fds()).isEqualTo(kernelFds).isGreaterThanOrEqualTo(2 * 6);
        }
    }

    /** utime + stime + cutime + cstime of the group's live members, in seconds, read here independently. */
    private static double kernelGroupCpuSeconds(long pgid) throws IOException {
        long ticks = 0;
        for (long member : Procs.groupMembers(pgid)) {
            String stat = Files.readString(Path.of("/proc/" + member + "/stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            // fields 14..17 of proc(5); f[0] is field 3
            ticks += Long.parseLong(f[11]) + Long.parseLong(f[12]) + Long.parseLong(f[13]) + Long.parseLong(f[14]);
        }
        return ticks / (double) ProcFacts.read().clockTicksPerSecond();
    }

    private static long statusField(long pid, String field) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            if (line.startsWith(field)) {
                return Long.parseLong(line.substring(field.length()).trim().split("\\s+")[0]);
            }
        }
        throw new IllegalStateException(field + " not in /proc/" + pid + "/status");
    }
}
