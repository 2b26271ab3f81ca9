package io.procgate.tcprocd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.procgate.core.schedule.ScheduledRun;
import io.procgate.host.ExitStatus;
import io.procgate.host.ProcessState;
import io.procgate.host.ProcessStats;
import io.procgate.host.ProcessStatus;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What a {@code stats} answer says of a process status, line by line. */
class TcprocdStatsResponseTest {
    private static final Instant SINCE = Instant.parse("2026-12-03T09:38:12.417Z");

    private static String data(TcprocdStatsResponse response) {
        return new String(response.data(), StandardCharsets.UTF_8);
    }

    @Test
    void aRunningProcessHasItsFiguresItsLimitProblemAndItsSoonestScheduledRun() {
        ProcessStatus status = new ProcessStatus(
                "game",
                ProcessState.RUNNING,
                4242,
                new ExitStatus(1, 0),
                5120,
                "knoppo",
                null,
                SINCE,
                2,
                new ProcessStats(0.9814, 120.5, 222_298_112L, 41, 96, 3725.9, 3),
                "limits.cpu: this machine offers no cpu cgroup controller");
        List<ScheduledRun> schedules = List.of(
                new ScheduledRun("0 4 * * *", "restart", Instant.parse("2026-12-04T04:00:00Z")),
                new ScheduledRun("0 0 30 2 *", "stop", null),
                new ScheduledRun("@hourly", "command", Instant.parse("2026-12-03T11:00:00Z")));
        assertThat(data(TcprocdStatsResponse.of(status, schedules)))
                .isEqualTo("state running\n"
                        + "pid 4242\n"
                        + "owner knoppo\n"
                        + "since 2026-12-03T09:38:12.417Z\n"
                        + "restarts 2\n"
                        + "lines 5120\n"
                        + "cpu 0.981\n"
                        + "rss 222298112\n"
                        + "threads 41\n"
                        + "fds 96\n"
                        + "uptime 3725\n"
                        // the last exit belongs to an earlier run: not shown while running
                        + "limit-problem limits.cpu: this machine offers no cpu cgroup controller\n"
                        + "next-run 2026-12-03T11:00:00Z command\n");
    }

    @Test
    void aRunKilledForItsMemoryShowsTheSignalAndTheReasonAndNoFigures() {
        ProcessStatus status = new ProcessStatus(
                "leak",
                ProcessState.EXITED,
                -1,
                ExitStatus.ofSignal(9).withReason(ExitStatus.MEMORY_LIMIT),
                3,
                null,
                null,
                SINCE,
                0,
                new ProcessStats(1, 1, 1, 1, 1, 1, 1),
                null);
        assertThat(data(TcprocdStatsResponse.of(status, List.of())))
                .isEqualTo("state exited\nsince 2026-12-03T09:38:12.417Z\nrestarts 0\nlines 3\n"
                        + "signal SIGKILL\nreason memory limit\n");
    }

    @Test
    void aStartThatFailedShowsWhyOnOneLine() {
        ProcessStatus status = new ProcessStatus(
                "missing", ProcessState.EXITED, -1, null, 0, "alice", "cannot run /x:\nno such file", null, 0);
        assertThat(data(TcprocdStatsResponse.of(status, List.of())))
                .isEqualTo("state exited\nowner alice\nrestarts 0\nlines 0\nerror cannot run /x: no such file\n");
    }

    @Test
    void keysAreLowerCaseWords() {
        assertThatThrownBy(() -> new TcprocdStatsResponse.Field("two words", "x"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new TcprocdStatsResponse.Field("", "x")).isInstanceOf(IllegalArgumentException.class);
    }
}
