package io.procgate.host.epoll;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.netty.buffer.ByteBuf;
import io.procgate.host.LineSubscriber;
import io.procgate.host.ProcessHost;
import io.procgate.host.ProcessSpec;
import io.procgate.host.ProcessState;
import io.procgate.host.ProcessStatus;
import io.procgate.host.RestartPolicy;
import io.procgate.host.StopResult;
import io.procgate.host.Supervision;
import io.procgate.host.testing.TestHost;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SupervisionTest {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final Duration BACKOFF = Duration.ofMillis(100);

    @TempDir
    Path data;

    private static Supervision policy(RestartPolicy policy, int maxFailures) {
        return new Supervision(policy, BACKOFF, Duration.ofSeconds(60), maxFailures, Duration.ofSeconds(60));
    }

    /** Records when each run started (System.nanoTime). */
    private static List<Long> startTimes(ProcessHost host, String name) {
        List<Long> starts = new CopyOnWriteArrayList<>();
        host.subscribe(name, new LineSubscriber() {
            @Override
            public void onLine(long lineNumber, ByteBuf content) {}

            @Override
            public void onStart(long pid) {
                starts.add(System.nanoTime());
            }
        });
        return starts;
    }

    private static ProcessState state(ProcessHost host, String name) {
        return host.status(name).map(ProcessStatus::state).orElseThrow();
    }

    @Test
    void aCrashingProcessIsRestartedWithGrowingDelaysThenMarkedFailed() {
        try (TestHost t = TestHost.open(data)) {
            ProcessHost host = t.host();
            List<Long> starts = startTimes(host, "crasher");
            host.start(
                            "crasher",
                            ProcessSpec.of(List.of("sh", "-c", "echo run; exit 1")),
                            "t",
                            policy(RestartPolicy.ON_FAILURE, 3))
                    .join();
            await().atMost(WAIT).until(() -> state(host, "crasher") == ProcessState.FAILED);
            // The first run and three restarts; the fourth failure trips the guard.
            assertThat(starts).hasSize(4);
            assertThat(host.status("crasher").orElseThrow().restarts()).isEqualTo(3);
            for (int i = 1; i < starts.size(); i++) {
                long gapMillis = (starts.get(i) - starts.get(i - 1)) / 1_000_000;
                assertThat(gapMillis).isGreaterThanOrEqualTo(BACKOFF.toMillis() << (i - 1));
            }
            assertThat(t.readAll("crasher")).isEqualTo("run\nrun\nrun\nrun\n");
        }
    }

    @Test
    void aCleanExitIsNotRestartedOnFailureButIsUnderAlways() {
        try (TestHost t = TestHost.open(data)) {
            ProcessHost host = t.host();
            host.start("clean", ProcessSpec.of("true"), "t", policy(RestartPolicy.ON_FAILURE, 3))
                    .join();
            List<Long> alwaysStarts = startTimes(host, "again");
            host.start("again", ProcessSpec.of("true"), "t", policy(RestartPolicy.ALWAYS, 3))
                    .join();
            await().atMost(WAIT).until(() -> alwaysStarts.size() >= 3);
            // By now "clean" has had many backoff periods to be restarted in, and was not.
            assertThat(state(host, "clean")).isEqualTo(ProcessState.EXITED);
            assertThat(host.status("clean").orElseThrow().restarts()).isZero();
            assertThat(host.stop("again").join()).isEqualTo(StopResult.STOPPING);
            await().atMost(WAIT).until(() -> state(host, "again") == ProcessState.EXITED);
        }
    }

    @Test
    void aStopCommandThatEndsTheProcessIsNotACrash() {
        try (TestHost t = TestHost.open(data)) {
            ProcessHost host = t.host();
            ProcessSpec game = ProcessSpec.of(List.of("sh", "-c", "echo up; read cmd; echo saving; exit 3"))
                    .withStop("stop", Duration.ofSeconds(20), Duration.ofSeconds(20));
            List<Long> starts = startTimes(host, "game");
            host.start("game", game, "t", policy(RestartPolicy.ALWAYS, 3)).join();
            await().atMost(WAIT).until(() -> t.readAll("game").equals("up\n"));
            host.stop("game").join();
            host.whenStopped("game").orTimeout(30, SECONDS).join();
            ProcessStatus status = host.status("game").orElseThrow();
            assertThat(status.lastExit().code()).isEqualTo(3); // exited by itself: no signal was needed
            assertThat(t.readAll("game")).isEqualTo("up\nsaving\n");
            await().during(Duration.ofMillis(5 * BACKOFF.toMillis()))
                    .atMost(WAIT)
                    .until(() -> state(host, "game") == ProcessState.EXITED && starts.size() == 1);
        }
    }

    @Test
    void aStopWhileWaitingToRestartKeepsItDown() {
        try (TestHost t = TestHost.open(data)) {
            ProcessHost host = t.host();
            Supervision slow = new Supervision(
                    RestartPolicy.ON_FAILURE,
                    Duration.ofSeconds(30),
                    Duration.ofSeconds(60),
                    5,
                    Duration.ofSeconds(60));
            host.start("flaky", ProcessSpec.of("false"), "t", slow).join();
            await().atMost(WAIT).until(() -> state(host, "flaky") == ProcessState.BACKOFF);
            assertThat(host.stop("flaky").join()).isEqualTo(StopResult.STOPPING);
            assertThat(state(host, "flaky")).isEqualTo(ProcessState.EXITED);
        }
    }

    @Test
    void aTtyProcessSeesATerminalAndItsOutputStillReachesTheHistory() {
        try (TestHost t = TestHost.open(data)) {
            ProcessHost host = t.host();
            host.start(
                            "term",
                            ProcessSpec.of(List.of("sh", "-c", "tty; echo done"))
                                    .withTty(true),
                            "t")
                    .join();
            host.whenStopped("term").orTimeout(30, SECONDS).join();
            assertThat(t.readAll("term")).matches("(?s)/dev/pts/\\d+\r?\ndone\r?\n");
        }
    }
}
