package io.procgate.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.procgate.core.testing.ChildGateway;
import io.procgate.host.HistorySlice;
import io.procgate.host.testing.Procs;
import io.procgate.host.testing.TestHost;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Declared processes through the real gateway in a child JVM: reload, shutdown, crash and restart. */
class SupervisionGatewayTest {
    private static final Duration WAIT = ChildGateway.WAIT;
    private static final Pattern STARTED = Pattern.compile("(\\S+): started pid (\\d+)");

    @TempDir
    Path tmp;

    private final List<ChildGateway> gateways = new ArrayList<>();

    @AfterEach
    void killLeftovers() {
        gateways.forEach(ChildGateway::close);
    }

    private ChildGateway gateway(Path conf) throws IOException {
        ChildGateway g = ChildGateway.start(tmp, "-c", conf.toString());
        gateways.add(g);
        await().atMost(WAIT)
                .until(() ->
                        g.out().contains("procgate started") || !g.process().isAlive());
        assertThat(g.process().isAlive()).as("stderr: %s", g.err()).isTrue();
        return g;
    }

    private Path config(String processes) throws IOException {
        Path conf = tmp.resolve("gateway.conf");
        Files.writeString(
                conf,
                "gateway {\n data-dir = data\n allow-root-children = true\n shutdown-timeout = 20s\n" + " processes {\n"
                        + processes + "\n }\n}\n");
        return conf;
    }

    private static String process(String name, String command, String extra) {
        return "  " + name + " { command = \"\"\"" + command + "\"\"\", autostart = true" + extra + " }\n";
    }

    /** The pids of every "NAME: started pid N" line so far, by name (the last one wins). */
    private static Map<String, Long> startedPids(ChildGateway g) {
        Matcher m = STARTED.matcher(g.out());
        Map<String, Long> pids = new java.util.HashMap<>();
        while (m.find()) {
            pids.put(m.group(1), Long.parseLong(m.group(2)));
        }
        return pids;
    }

    private static long countStarts(ChildGateway g, String name) {
        Matcher m = STARTED.matcher(g.out());
        long n = 0;
        while (m.find()) {
            n += m.group(1).equals(name) ? 1 : 0;
        }
        return n;
    }

    @Test
    void aReloadStartsAddedStopsRemovedAndLeavesUnchangedProcessesAlone() throws Exception {
        String keep = process("keep", "sleep 600", "");
        String gone = process("gone", "sleep 600", "");
        ChildGateway g = gateway(config(keep + gone));
        await().atMost(WAIT).until(() -> startedPids(g).keySet().containsAll(List.of("keep", "gone")));
        long keepPid = startedPids(g).get("keep");
        long gonePid = startedPids(g).get("gone");

        config(keep + process("added", "sleep 600", ""));
        g.signal("HUP");
        await().atMost(WAIT).until(() -> startedPids(g).containsKey("added"));
        await().atMost(WAIT).until(() -> !Procs.alive(gonePid));
        assertThat(Procs.alive(keepPid)).isTrue();
        assertThat(countStarts(g, "keep")).isEqualTo(1);
        assertThat(Procs.alive(startedPids(g).get("added"))).isTrue();

        g.signal("TERM");
        assertThat(g.waitFor()).isZero();
    }

    @Test
    void shutdownStopsTwentyChildrenSomeSlowWithinTheDeadlineAndFlushesTheirHistories() throws Exception {
        StringBuilder processes = new StringBuilder();
        for (int i = 0; i < 10; i++) {
            processes.append(process("plain" + i, "sleep 600", ""));
        }
        for (int i = 0; i < 5; i++) {
            processes.append(process(
                    "trapper" + i,
                    "sh -c 'trap \"sleep 1; echo bye; exit 0\" TERM; echo up; while :; do sleep 0.2; done'",
                    ""));
        }
        for (int i = 0; i < 5; i++) {
            processes.append(process(
                    "saver" + i,
                    "sh -c 'echo up; read cmd; sleep 1; echo saved after $cmd; exit 0'",
                    ", stop-command = save"));
        }
        ChildGateway g = gateway(config(processes.toString()));
        await().atMost(WAIT).until(() -> startedPids(g).size() == 20);
        // Let the shells install their traps.
        await().atMost(WAIT)
                .until(() -> Files.exists(tmp.resolve("data/processes/saver4"))
                        && IntStream.range(0, 5).allMatch(i -> g.out().contains("trapper" + i + ": started")));
        Thread.sleep(500);
        List<Long> pids = new ArrayList<>(startedPids(g).values());

        long before = System.nanoTime();
        g.signal("TERM");
        assertThat(g.waitFor()).isZero();
        assertThat(Duration.ofNanos(System.nanoTime() - before)).isLessThan(Duration.ofSeconds(20));
        assertThat(pids).noneMatch(Procs::alive);

        try (TestHost t = TestHost.open(tmp.resolve("data"))) {
            for (int i = 0; i < 5; i++) {
                // sh also reports its sleep, killed by the same group signal, as "Terminated".
                assertThat(t.readAll("trapper" + i)).startsWith("up\n").endsWith("bye\n");
                assertThat(t.readAll("saver" + i)).isEqualTo("up\nsaved after save\n");
            }
        }
    }

    @Test
    void afterKillMinusNineNoChildSurvivesAndTheNextStartContinuesTheHistory() throws Exception {
        Path conf = config(process(
                "ticker", "sh -c 'sleep 600 & i=0; while :; do echo tick $i; i=$((i+1)); sleep 0.05; done'", ""));
        ChildGateway first = gateway(conf);
        await().atMost(WAIT).until(() -> startedPids(first).containsKey("ticker"));
        long pid = startedPids(first).get("ticker");
        await().atMost(WAIT).until(() -> Procs.groupMembers(pid).size() >= 2);
        Thread.sleep(500);
        first.signal("KILL");
        first.waitFor();
        await().atMost(Duration.ofSeconds(10))
                .until(() -> Procs.groupMembers(pid).isEmpty());

        long linesAfterCrash;
        String historyAfterCrash;
        try (TestHost t = TestHost.open(tmp.resolve("data"))) {
            linesAfterCrash = t.host().status("ticker").orElseThrow().nextLine();
            historyAfterCrash = t.readAll("ticker");
        }
        assertThat(linesAfterCrash).isPositive();
        assertThat(historyAfterCrash).startsWith("tick 0\ntick 1\n");

        ChildGateway second = gateway(conf);
        await().atMost(WAIT).until(() -> startedPids(second).containsKey("ticker"));
        Thread.sleep(500);
        second.signal("TERM");
        assertThat(second.waitFor()).isZero();

        try (TestHost t = TestHost.open(tmp.resolve("data"))) {
            assertThat(t.host().status("ticker").orElseThrow().nextLine()).isGreaterThan(linesAfterCrash);
            HistorySlice secondRun =
                    t.host().read("ticker", linesAfterCrash, Long.MAX_VALUE).orElseThrow();
            try {
                assertThat(secondRun.firstLine()).isEqualTo(linesAfterCrash);
                assertThat(secondRun.data().toString(StandardCharsets.UTF_8)).startsWith("tick 0\n");
            } finally {
                secondRun.release();
            }
            assertThat(t.readAll("ticker")).startsWith(historyAfterCrash);
        }
    }
}
