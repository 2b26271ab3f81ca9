package io.procgate.host.limits;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;

import io.netty.buffer.ByteBuf;
import io.procgate.host.ExitStatus;
import io.procgate.host.LineSubscriber;
import io.procgate.host.ProcessHost;
import io.procgate.host.ProcessLimits;
import io.procgate.host.ProcessSpec;
import io.procgate.host.ProcessState;
import io.procgate.host.ProcessStats;
import io.procgate.host.ProcessStatus;
import io.procgate.host.RestartPolicy;
import io.procgate.host.Signals;
import io.procgate.host.StartResult;
import io.procgate.host.Supervision;
import io.procgate.host.testing.TestHost;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Limits applied for real: cgroups of this machine (v1 or v2) and the child's rlimits. */
class LimitsTest {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final long MIB = 1L << 20;
    /** Allocates 200 MB and touches every page, then waits. */
    private static final String ALLOCATE_200_MB =
            "perl -e '$| = 1; $x = q(a); $x x= 200*1024*1024; print qq(allocated\\n); sleep 60'";

    @TempDir
    Path data;

    private static ProcessSpec sh(String script, ProcessLimits limits) {
        return ProcessSpec.of(List.of("sh", "-c", script)).withLimits(limits);
    }

    private static ProcessStatus awaitExit(ProcessHost host, String name) {
        host.whenStopped(name).orTimeout(WAIT.toSeconds(), SECONDS).join();
        return host.status(name).orElseThrow();
    }

    private static void assumeCgroups() {
        assumeThat(Cgroups.detect().offersAll())
                .as("this machine offers memory, cpu and pids cgroup controllers")
                .isTrue();
    }

    @Test
    void aChildAllocatingPastItsMemoryLimitIsKilledAndReportedAsSuchAndItsRestartPolicyApplies() {
        assumeCgroups();
        try (TestHost t = TestHost.open(data)) {
            ProcessHost host = t.host();
            List<ExitStatus> exits = new CopyOnWriteArrayList<>();
            host.subscribe("leak", new LineSubscriber() {
                @Override
                public void onLine(long lineNumber, ByteBuf content) {}

                @Override
                public void onExit(ExitStatus status) {
                    exits.add(status);
                }
            });
            ProcessLimits limits = new ProcessLimits(64 * MIB, 0, 0, 0, true);
            Supervision once = new Supervision(
                    RestartPolicy.ON_FAILURE,
                    Duration.ofSeconds(30),
                    Duration.ofSeconds(60),
                    5,
                    Duration.ofSeconds(60));
            StartResult r = host.start("leak", sh(ALLOCATE_200_MB, limits), "tester", once)
                    .join();
            assertThat(r.outcome()).isEqualTo(StartResult.Outcome.STARTED);

            await().atMost(WAIT).until(() -> !exits.isEmpty());
            ExitStatus exit = exits.get(0);
            assertThat(exit.signal()).isEqualTo(Signals.SIGKILL);
            assertThat(exit.reason()).isEqualTo(ExitStatus.MEMORY_LIMIT);
            // on-failure: it waits to be restarted, and its status says why the last run ended
            await().atMost(WAIT).until(() -> host.status("leak").orElseThrow().state() == ProcessState.BACKOFF);
            assertThat(host.status("leak").orElseThrow().lastExit().reason()).isEqualTo("memory limit");
            assertThat(t.readAll("leak")).doesNotContain("allocated");
            host.stop("leak").join();
        }
    }

    @Test
    void aChildWithinItsMemoryLimitRunsAndAnExitOfItsOwnHasNoReason() {
        assumeCgroups();
        try (TestHost t = TestHost.open(data)) {
            ProcessHost host = t.host();
            ProcessLimits limits = new ProcessLimits(400 * MIB, 0, 0, 0, true);
            host.start("fits", sh(ALLOCATE_200_MB.replace("sleep 60", "exit 3"), limits), "tester")
                    .join();
            ProcessStatus status = awaitExit(host, "fits");
            assertThat(t.readAll("fits")).contains("allocated");
            assertThat(status.lastExit().code()).isEqualTo(3);
            assertThat(status.lastExit().reason()).isNull();
        }
    }

    @Test
    void anOpenFilesLimitMakesTheChildsOpenFailPastIt() {
        try (TestHost t = TestHost.open(data)) {
            ProcessHost host = t.host();
            ProcessLimits limits = new ProcessLimits(0, 0, 0, 20, true);
            String script = "ulimit -n; perl -e 'for $i (1..100) { open($f[$i], q(<), q(/dev/null))"
                    + " or do { print qq(failed at $i: $!\\n); exit 0 } } print qq(all opened\\n)'";
            host.start("files", sh(script, limits), "tester").join();
            awaitExit(host, "files");
            String out = t.readAll("files");
            assertThat(out).startsWith("20\n");
            // stdin, stdout and stderr are open before the loop: the 18th open would be the 21st descriptor
            assertThat(out).contains("failed at 18: Too many open files").doesNotContain("all opened");
        }
    }

    @Test
    void aCpuLimitHoldsABusyLoopToItsShare() {
        assumeCgroups();
        try (TestHost t = TestHost.open(data, s -> s.withStatsInterval(Duration.ofMillis(500)))) {
            ProcessHost host = t.host();
            List<ProcessStats> figures = new CopyOnWriteArrayList<>();
            host.subscribe("capped", new LineSubscriber() {
                @Override
                public void onLine(long lineNumber, ByteBuf content) {}

                @Override
                public void onStats(ProcessStats stats) {
                    figures.add(stats);
                }
            });
            ProcessLimits limits = new ProcessLimits(0, 0.2, 0, 0, true);
            host.start("capped", sh("while :; do :; done", limits), "tester").join();
            await().atMost(WAIT).until(() -> figures.size() >= 6);
            // Each figure is over 500 ms, five CFS periods: the quota holds it to 20 % of a core.
            assertThat(figures.stream().mapToDouble(ProcessStats::cpu).max().orElseThrow())
                    .isLessThan(0.3);
            assertThat(figures.get(figures.size() - 1).cpuSeconds()).isGreaterThan(0.1);
            host.stop("capped").join();
            awaitExit(host, "capped");
        }
    }

    @Test
    void aPidsLimitStopsTheGroupFromForkingPastIt() {
        assumeCgroups();
        try (TestHost t = TestHost.open(data)) {
            ProcessHost host = t.host();
            ProcessLimits limits = new ProcessLimits(0, 0, 4, 0, true);
            String script = "for i in 1 2 3 4 5 6 7 8; do sleep 60 & echo started $i; done; echo all started";
            host.start("forks", sh(script, limits), "tester").join();
            ProcessStatus status = awaitExit(host, "forks");
            // The shell and three sleeps are the four pids the group may have; the next fork fails.
            assertThat(t.readAll("forks"))
                    .contains("started 3\n")
                    .doesNotContain("started 4")
                    .contains("Cannot fork");
            assertThat(status.lastExit().success()).isFalse();
        }
    }

    @Test
    void theRunsCgroupsAreRemovedOnceItHasExited() throws Exception {
        assumeCgroups();
        try (TestHost t = TestHost.open(data)) {
            ProcessHost host = t.host();
            ProcessLimits limits = new ProcessLimits(64 * MIB, 1.0, 64, 0, true);
            host.start("tidy", sh("cat /proc/self/cgroup; exit 0", limits), "tester")
                    .join();
            awaitExit(host, "tidy");
            String cgroups = t.readAll("tidy");
            String gatewayGroup = "procgate-" + ProcessHandle.current().pid() + "/tidy";
            assertThat(cgroups).contains(gatewayGroup);
            List<Path> dirs = Cgroups.detect().directoriesOf("tidy");
            assertThat(dirs).isNotEmpty();
            await().atMost(WAIT).untilAsserted(() -> assertThat(dirs).allMatch(d -> !Files.exists(d)));
        }
    }

    @Test
    void aRequiredLimitThatCannotBeAppliedFailsTheStartWithTheReason() {
        try (TestHost t = TestHost.open(data, s -> s, Cgroups.unavailable())) {
            ProcessHost host = t.host();
            StartResult r = host.start("strict", sh("sleep 60", new ProcessLimits(64 * MIB, 0, 0, 0, true)), "tester")
                    .join();
            assertThat(r.outcome()).isEqualTo(StartResult.Outcome.FAILED);
            assertThat(r.error())
                    .isEqualTo("limits.memory: this machine offers no memory cgroup controller (neither a cgroup v1"
                            + " memory hierarchy nor a cgroup v2 mount) (limits.required = true)");
            assertThat(host.status("strict").orElseThrow().lastError()).isEqualTo(r.error());
        }
    }

    @Test
    void aLimitThatIsNotRequiredIsSkippedAndShownInTheStatus() {
        try (TestHost t = TestHost.open(data, s -> s, Cgroups.unavailable())) {
            ProcessHost host = t.host();
            StartResult r = host.start("lenient", sh("sleep 60", new ProcessLimits(0, 1.5, 0, 0, false)), "tester")
                    .join();
            assertThat(r.outcome()).isEqualTo(StartResult.Outcome.STARTED);
            assertThat(host.status("lenient").orElseThrow().limitProblem())
                    .startsWith("limits.cpu: this machine offers no cpu cgroup controller");
            host.stop("lenient").join();
            awaitExit(host, "lenient");
        }
    }
}
