package io.procgate.host.epoll;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.netty.buffer.ByteBuf;
import io.procgate.host.ExitStatus;
import io.procgate.host.HistorySlice;
import io.procgate.host.LineSubscriber;
import io.procgate.host.ProcessHost;
import io.procgate.host.ProcessSpec;
import io.procgate.host.ProcessState;
import io.procgate.host.ProcessStatus;
import io.procgate.host.RunAs;
import io.procgate.host.Signals;
import io.procgate.host.StartResult;
import io.procgate.host.StdinResult;
import io.procgate.host.StopResult;
import io.procgate.host.Subscription;
import io.procgate.host.os.Passwd;
import io.procgate.host.testing.Procs;
import io.procgate.host.testing.TestHost;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EpollProcessHostTest {
    private static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    Path data;

    private static StartResult start(ProcessHost host, String name, String... argv) {
        return host.start(name, ProcessSpec.of(List.of(argv)), "tester").join();
    }

    private static ProcessStatus awaitExit(ProcessHost host, String name) {
        host.whenStopped(name).orTimeout(WAIT.toSeconds(), SECONDS).join();
        return host.status(name).orElseThrow();
    }

    private static String numbered(int from, int to) {
        StringBuilder sb = new StringBuilder();
        for (int i = from; i < to; i++) {
            sb.append(i).append('\n');
        }
        return sb.toString();
    }

    @Test
    void historyHoldsExactlyAHundredThousandLinesAndReadsTheTailFromItsIndex() {
        try (TestHost t = TestHost.open(data)) {
            ProcessHost host = t.host();
            assertThat(start(host, "counter", "seq", "0", "99999").outcome()).isEqualTo(StartResult.Outcome.STARTED);
            ProcessStatus status = awaitExit(host, "counter");
            assertThat(status.lastExit().success()).isTrue();
            assertThat(status.nextLine()).isEqualTo(100_000);
            assertThat(t.readAll("counter")).isEqualTo(numbered(0, 100_000));
            HistorySlice tail = host.read("counter", 99_990, Long.MAX_VALUE).orElseThrow();
            try {
                assertThat(tail.lineCount()).isEqualTo(10);
                assertThat(tail.data().toString(StandardCharsets.UTF_8)).isEqualTo(numbered(99_990, 100_000));
            } finally {
                tail.release();
            }
        }
    }

    @Test
    void aNewHostOnTheSameDataDirKeepsTheHistoryAndContinuesTheLineNumbers() {
        try (TestHost t = TestHost.open(data)) {
            start(t.host(), "game", "seq", "1", "5");
            awaitExit(t.host(), "game");
        }
        try (TestHost t = TestHost.open(data)) {
            ProcessHost host = t.host();
            assertThat(host.list()).extracting(ProcessStatus::name).containsExactly("game");
            assertThat(host.status("game").orElseThrow().owner()).isEqualTo("tester");
            assertThat(t.readAll("game")).isEqualTo("1\n2\n3\n4\n5\n");
            List<Long> numbers = new CopyOnWriteArrayList<>();
            host.subscribe("game", (n, content) -> numbers.add(n));
            start(host, "game", "echo", "again");
            awaitExit(host, "game");
            assertThat(numbers).containsExactly(5L);
            assertThat(t.readAll("game")).isEqualTo("1\n2\n3\n4\n5\nagain\n");
        }
    }

    @Test
    void aNullOwnerKeepsTheRecordedOne() {
        try (TestHost t = TestHost.open(data)) {
            start(t.host(), "kept", "true");
            awaitExit(t.host(), "kept");
            t.host().start("kept", ProcessSpec.of("true"), null).join();
            assertThat(awaitExit(t.host(), "kept").owner()).isEqualTo("tester");
        }
    }

    @Test
    void stdoutAndStderrAreMergedAndAFinalPartialLineIsKept() {
        try (TestHost t = TestHost.open(data)) {
            start(t.host(), "mixed", "sh", "-c", "echo out; echo err >&2; printf 'no newline'");
            ProcessStatus status = awaitExit(t.host(), "mixed");
            assertThat(status.nextLine()).isEqualTo(3);
            assertThat(t.readAll("mixed")).isEqualTo("out\nerr\nno newline\n");
        }
    }

    @Test
    void subscribersGetEveryLineInOrderAndThenTheExit() {
        try (TestHost t = TestHost.open(data)) {
            List<String> events = Collections.synchronizedList(new ArrayList<>());
            CompletableFuture<ExitStatus> exit = new CompletableFuture<>();
            Subscription sub = t.host().subscribe("talker", new LineSubscriber() {
                @Override
                public void onStart(long pid) {
                    events.add("start");
                }

                @Override
                public void onLine(long lineNumber, ByteBuf content) {
                    events.add(lineNumber + ":" + content.toString(StandardCharsets.UTF_8));
                }

                @Override
                public void onExit(ExitStatus status) {
                    events.add("exit");
                    exit.complete(status);
                }
            });
            start(t.host(), "talker", "sh", "-c", "echo a; echo b; exit 3");
            assertThat(exit.orTimeout(30, SECONDS).join().code()).isEqualTo(3);
            assertThat(events).containsExactly("start", "0:a", "1:b", "exit");
            sub.close();
        }
    }

    @Test
    void stdinLinesReachTheChildAndAChildThatNeverReadsGetsABoundNotAnEndlessBuffer() {
        try (TestHost t = TestHost.open(
                data,
                s -> new io.procgate.host.HostSettings(
                        s.dataDir(),
                        s.retentionBytes(),
                        s.segmentBytes(),
                        s.maxLineBytes(),
                        256 * 1024,
                        true,
                        s.stopAllTimeout()))) {
            ProcessHost host = t.host();
            start(host, "echo", "cat");
            assertThat(host.writeStdin("echo", "hello there".getBytes(StandardCharsets.UTF_8)))
                    .isEqualTo(StdinResult.WRITTEN);
            await().atMost(WAIT).until(() -> t.readAll("echo").equals("hello there\n"));

            start(host, "deaf", "sleep", "60");
            byte[] line = new byte[16 * 1024];
            java.util.Arrays.fill(line, (byte) 'x');
            int written = 0;
            StdinResult result;
            while ((result = host.writeStdin("deaf", line)) == StdinResult.WRITTEN) {
                written++;
                assertThat(written).isLessThan(1000);
            }
            assertThat(result).isEqualTo(StdinResult.BUFFER_FULL);
            // The pipe (64 KiB) plus the 256 KiB queue: nothing beyond the bound was accepted.
            assertThat((long) written * (line.length + 1)).isLessThanOrEqualTo(256 * 1024 + 64 * 1024 + line.length);
            assertThat(host.writeStdin("nobody-here", line)).isEqualTo(StdinResult.NOT_RUNNING);
        }
    }

    @Test
    void stoppingAShellStopsTheBackgroundProcessesItStarted() throws IOException {
        try (TestHost t = TestHost.open(data)) {
            ProcessHost host = t.host();
            start(host, "shell", "sh", "-c", "sleep 1000 & sleep 1000 & echo ready; wait");
            await().atMost(WAIT).until(() -> t.readAll("shell").equals("ready\n"));
            long pgid = host.status("shell").orElseThrow().pid();
            assertThat(Procs.groupMembers(pgid)).hasSizeGreaterThanOrEqualTo(3);
            assertThat(host.stop("shell").join()).isEqualTo(StopResult.STOPPING);
            ProcessStatus status = awaitExit(host, "shell");
            assertThat(status.state()).isEqualTo(ProcessState.EXITED);
            assertThat(status.lastExit().signal()).isEqualTo(Signals.SIGTERM);
            await().atMost(WAIT).until(() -> Procs.groupMembers(pgid).isEmpty());
            assertThat(host.stop("shell").join()).isEqualTo(StopResult.NOT_RUNNING);
        }
    }

    @Test
    void aChildThatIgnoresSigtermIsKilledAfterTheGrace() {
        try (TestHost t = TestHost.open(data)) {
            ProcessHost host = t.host();
            ProcessSpec stubborn = ProcessSpec.of(
                            List.of("sh", "-c", "trap '' TERM; echo armed; while :; do sleep 0.1; done"))
                    .withStop(null, null, Duration.ofMillis(500));
            host.start("stubborn", stubborn, "tester").join();
            await().atMost(WAIT).until(() -> t.readAll("stubborn").equals("armed\n"));
            host.stop("stubborn").join();
            ProcessStatus status = awaitExit(host, "stubborn");
            assertThat(status.lastExit().signal()).isEqualTo(Signals.SIGKILL);
        }
    }

    @Test
    void aStopCommandIsTriedBeforeAnySignal() {
        try (TestHost t = TestHost.open(data)) {
            ProcessHost host = t.host();
            ProcessSpec polite = ProcessSpec.of(List.of("sh", "-c", "echo up; read cmd; echo got $cmd; exit 0"))
                    .withStop("stop", Duration.ofSeconds(20), Duration.ofSeconds(20));
            host.start("polite", polite, "tester").join();
            await().atMost(WAIT).until(() -> t.readAll("polite").equals("up\n"));
            host.stop("polite").join();
            ProcessStatus status = awaitExit(host, "polite");
            assertThat(status.lastExit().success()).isTrue();
            assertThat(t.readAll("polite")).isEqualTo("up\ngot stop\n");
        }
    }

    @Test
    void startingARunningNameIsExistsAndAMissingProgramFailsWithItsReason() {
        try (TestHost t = TestHost.open(data)) {
            ProcessHost host = t.host();
            start(host, "long", "sleep", "60");
            assertThat(start(host, "long", "sleep", "60").outcome()).isEqualTo(StartResult.Outcome.EXISTS);
            StartResult missing = start(host, "ghost", "/no/such/program");
            assertThat(missing.outcome()).isEqualTo(StartResult.Outcome.FAILED);
            assertThat(missing.error()).contains("no such file");
            assertThat(host.status("ghost").orElseThrow().lastError()).contains("no such file");
            assertThat(host.status("ghost").orElseThrow().owner()).isEqualTo("tester");
            StartResult badDir = host.start(
                            "nowhere", ProcessSpec.of("true").withWorkingDirectory(Path.of("/no/such/dir")), "tester")
                    .join();
            assertThat(badDir.outcome()).isEqualTo(StartResult.Outcome.FAILED);
            assertThat(host.status("never-seen")).isEmpty();
            assertThat(host.read("never-seen", 0, 100)).isEmpty();
        }
    }

    @Test
    void rootChildrenAreRefusedUnlessAllowedAndRunAsSwitchesTheUser() {
        try (TestHost t = TestHost.open(data, s -> s.withAllowRootChildren(false))) {
            ProcessHost host = t.host();
            StartResult asRoot = host.start("r", ProcessSpec.of("id -un").withRunAs(RunAs.user("root")), "tester")
                    .join();
            assertThat(asRoot.outcome()).isEqualTo(StartResult.Outcome.REFUSED_ROOT);
            if (Passwd.currentUid() == 0) {
                assertThat(start(host, "r", "id", "-un").outcome()).isEqualTo(StartResult.Outcome.REFUSED_ROOT);
                host.start("n", ProcessSpec.of("id -un").withRunAs(RunAs.user("nobody")), "tester")
                        .join();
                awaitExit(host, "n");
                assertThat(t.readAll("n")).isEqualTo("nobody\n");
            }
        }
    }

    @Test
    void aThousandStartExitCyclesAndTwoHundredConcurrentChildrenLeaveNoFdsOrZombies() throws IOException {
        try (TestHost t = TestHost.open(data)) {
            ProcessHost host = t.host();
            start(host, "warmup", "true");
            awaitExit(host, "warmup");
            long fdsBefore = openFds();
            for (int i = 0; i < 1000; i++) {
                assertThat(start(host, "cycle", "echo", Integer.toString(i)).outcome())
                        .isEqualTo(StartResult.Outcome.STARTED);
                awaitExit(host, "cycle");
            }
            assertThat(t.readAll("cycle")).isEqualTo(numbered(0, 1000));

            List<String> names =
                    IntStream.range(0, 200).mapToObj(i -> "child-" + i).toList();
            for (String name : names) {
                host.start(
                                name,
                                ProcessSpec.of(List.of("sh", "-c", "echo $0 started; sleep 1; echo $0 done", name)),
                                "t")
                        .join();
            }
            for (String name : names) {
                awaitExit(host, name);
                assertThat(t.readAll(name)).isEqualTo(name + " started\n" + name + " done\n");
            }
            await().atMost(WAIT)
                    .untilAsserted(() -> assertThat(openFds())
                            .isLessThanOrEqualTo(fdsBefore + 2 * names.size() / 100 + 4 + historyFds(201)));
            await().atMost(WAIT).until(() -> Procs.zombieChildren().isEmpty());
        }
    }

    /** Each known name keeps its history segment files open: two per name. */
    private static long historyFds(int names) {
        return 2L * names;
    }

    private static long openFds() throws IOException {
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.count();
        }
    }
}
