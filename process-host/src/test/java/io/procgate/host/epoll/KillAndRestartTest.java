package io.procgate.host.epoll;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.procgate.host.ProcessHost;
import io.procgate.host.ProcessSpec;
import io.procgate.host.ProcessStatus;
import io.procgate.host.RestartPolicy;
import io.procgate.host.StartResult;
import io.procgate.host.StopResult;
import io.procgate.host.Supervision;
import io.procgate.host.testing.TestHost;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link ProcessHost#kill} and {@link ProcessHost#restart} with real children. */
class KillAndRestartTest {
    @TempDir
    Path data;

    /** Ignores SIGTERM and its stop command: only SIGKILL ends it. */
    private static final ProcessSpec STUBBORN = ProcessSpec.of(
                    List.of("sh", "-c", "trap '' TERM; echo up; while :; do sleep 1; done"))
            .withStop("stop", Duration.ofSeconds(30), Duration.ofSeconds(30));

    @Test
    void killEndsTheGroupAtOnceWithSigkillAndItIsNotRestarted() throws Exception {
        try (TestHost t = TestHost.open(data)) {
            ProcessHost host = t.host();
            Supervision always = new Supervision(
                    RestartPolicy.ALWAYS, Duration.ofMillis(50), Duration.ofSeconds(60), 5, Duration.ofSeconds(60));
            assertThat(host.start("stubborn", STUBBORN, "t", always)
                            .get(10, SECONDS)
                            .outcome())
                    .isEqualTo(StartResult.Outcome.STARTED);
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> t.readAll("stubborn").contains("up"));
            long started = System.nanoTime();
            assertThat(host.kill("stubborn").get(10, SECONDS)).isEqualTo(StopResult.STOPPING);
            host.whenStopped("stubborn").get(10, SECONDS);
            // far below the stop timeout and kill grace of 30 s each
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(10));
            ProcessStatus status = host.status("stubborn").orElseThrow();
            assertThat(status.lastExit().signalName()).isEqualTo("SIGKILL");
            // for longer than the restart backoff: it stays down
            await().during(Duration.ofMillis(300))
                    .atMost(Duration.ofSeconds(5))
                    .until(() -> !host.status("stubborn").orElseThrow().running());
            assertThat(host.kill("stubborn").get(10, SECONDS)).isEqualTo(StopResult.NOT_RUNNING);
            assertThat(host.kill("never").get(10, SECONDS)).isEqualTo(StopResult.NOT_RUNNING);
        }
    }

    @Test
    void restartStopsThenStartsTheSameCommandAndStartsAnExitedOneAgain() throws Exception {
        try (TestHost t = TestHost.open(data)) {
            ProcessHost host = t.host();
            host.start("cat", ProcessSpec.of("cat"), "owner").get(10, SECONDS);
            long first = host.status("cat").orElseThrow().pid();
            StartResult again = host.restart("cat").get(20, SECONDS);
            assertThat(again.outcome()).isEqualTo(StartResult.Outcome.STARTED);
            ProcessStatus now = host.status("cat").orElseThrow();
            assertThat(now.pid()).isNotEqualTo(first).isEqualTo(again.pid());
            assertThat(now.owner()).isEqualTo("owner");
            assertThat(now.running()).isTrue();

            host.stop("cat").get(10, SECONDS);
            host.whenStopped("cat").get(10, SECONDS);
            assertThat(host.restart("cat").get(20, SECONDS).outcome()).isEqualTo(StartResult.Outcome.STARTED);
            assertThat(host.status("cat").orElseThrow().running()).isTrue();

            assertThat(host.restart("unknown").get(10, SECONDS).neverStarted()).isTrue();
        }
    }

    /**
     * The child makes its own process group a moment after the spawn returns; a stop or kill sent
     * in that moment once found no group and was lost until the kill grace (10 s) ran out.
     */
    @Test
    void aStopOrKillRightAfterTheStartIsNotLost() throws Exception {
        try (TestHost t = TestHost.open(data)) {
            ProcessHost host = t.host();
            for (int i = 0; i < RACE_ROUNDS; i++) {
                host.start("cat", ProcessSpec.of("cat"), "owner").get(10, SECONDS);
                if (i % 2 == 0) {
                    host.stop("cat").get(10, SECONDS);
                } else {
                    host.kill("cat").get(10, SECONDS);
                }
                // well below the default kill grace, which would end it anyway
                host.whenStopped("cat").get(5, SECONDS);
            }
        }
    }

    /** Enough starts for the signal to land before the child's setsid at least once (it did by 200). */
    private static final int RACE_ROUNDS = 200;
}
