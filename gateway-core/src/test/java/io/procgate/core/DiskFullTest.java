package io.procgate.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.buffer.ByteBuf;
import io.procgate.core.testing.LogCapture;
import io.procgate.host.HistoryHealth;
import io.procgate.host.HistorySlice;
import io.procgate.host.LineSubscriber;
import io.procgate.host.ProcessState;
import io.procgate.host.ProcessStatus;
import io.procgate.host.StdinResult;
import io.procgate.host.Subscription;
import io.procgate.host.testing.SmallDisk;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The data directory on a 1 MiB tmpfs, filled for real: the child and live clients go on, the
 * history keeps a gap that readers are told about, and storing resumes by itself.
 */
class DiskFullTest {
    private static final Duration WAIT = Duration.ofSeconds(30);
    /** The child prints lines {@code a..b} of its own counting when sent {@code "a b"}. */
    private static final String COUNTER = "sh -c 'while read a b; do seq -f L%012.0f $a $b; done'";

    @TempDir
    Path tmp;

    private static String lineText(long n) {
        return String.format("L%012d", n);
    }

    /** What a live client of the process got: every line with its number, in order. */
    private static final class Collector implements LineSubscriber {
        final List<String> lines = new ArrayList<>();
        volatile long count;
        volatile String mismatch;

        @Override
        public String toString() {
            return count + " lines" + (mismatch == null ? "" : ", " + mismatch);
        }

        @Override
        public synchronized void onLine(long lineNumber, ByteBuf content) {
            String text = content.toString(StandardCharsets.US_ASCII);
            if (mismatch == null && (lineNumber != count || !text.equals(lineText(lineNumber)))) {
                mismatch = "line " + lineNumber + " = " + text + " after " + count + " lines";
            }
            count++;
        }
    }

    private static ProcessStatus status(Gateway g) {
        return g.host().status("counter").orElseThrow();
    }

    private static HistoryHealth health(Gateway g) {
        return g.host().historyHealth("counter").orElseThrow();
    }

    private static void emit(Gateway g, Collector live, long from, long to) {
        assertThat(g.host().writeStdin("counter", (from + " " + to).getBytes(StandardCharsets.US_ASCII)))
                .isEqualTo(StdinResult.WRITTEN);
        await().atMost(WAIT)
                .alias("live " + live + ", " + status(g))
                .until(() -> live.count == to + 1 && status(g).nextLine() == to + 1);
    }

    private static long messages(LogCapture logs, String part) {
        return logs.messages().stream().filter(m -> m.contains(part)).count();
    }

    private static Gateway start(Path data) {
        return Gateway.start(GatewayConfig.parse("gateway { data-dir = \"" + data
                + "\", shutdown-timeout = 5s, allow-root-children = true, http.enabled = false }\n"
                + "gateway.processes.counter { command = \"" + COUNTER.replace("\"", "\\\"")
                + "\", autostart = true, start-seconds = 0s }"));
    }

    @Test
    void aRestartWhileTheDiskIsFullNumbersOnWithoutReusingTheNumbersClientsSaw() throws Exception {
        Path data = tmp.resolve("data");
        try (SmallDisk disk = SmallDisk.mount(data, "1m")) {
            try (Gateway gateway = start(data)) {
                Collector live = new Collector();
                gateway.host().subscribe("counter", live);
                await().atMost(WAIT)
                        .until(() -> gateway.readiness().notReadyReason().isEmpty());
                emit(gateway, live, 0, 999);
                disk.fill();
                emit(gateway, live, 1000, 4999);
                assertThat(health(gateway).storing()).isFalse();
            }
            try (Gateway gateway = start(data)) {
                assertThat(status(gateway).nextLine()).isEqualTo(5000);
                Collector live = new Collector();
                live.count = 5000;
                gateway.host().subscribe("counter", live);
                await().atMost(WAIT).until(() -> status(gateway).running());
                emit(gateway, live, 5000, 5999);
                assertThat(live.mismatch).isNull();
                disk.free();
                await().atMost(WAIT).until(() -> health(gateway).storing());
                emit(gateway, live, 6000, 6999);
                HistorySlice gap = gateway.host().read("counter", 1000, 1 << 20).orElseThrow();
                try {
                    // Whatever fitted on the disk after line 999 is kept; then the gap, then line 6000 on.
                    long from = gap.lineCount() > 0 && gap.missed() == 0 ? gap.nextLine() : 1000;
                    HistorySlice after =
                            gateway.host().read("counter", from, 1 << 20).orElseThrow();
                    try {
                        assertThat(after.firstLine()).isEqualTo(6000);
                        assertThat(after.missed()).isEqualTo(6000 - from);
                        assertThat(after.data().toString(StandardCharsets.US_ASCII))
                                .startsWith(lineText(6000) + "\n");
                    } finally {
                        after.release();
                    }
                } finally {
                    gap.release();
                }
            }
        }
    }

    @Test
    void aFullDiskStopsNeitherTheChildNorLiveClientsLeavesATellingGapAndStoringResumes() throws Exception {
        Path data = tmp.resolve("data");
        try (SmallDisk disk = SmallDisk.mount(data, "1m");
                LogCapture logs = LogCapture.start();
                Gateway gateway = start(data)) {
            SimpleMeterRegistry meters = new SimpleMeterRegistry();
            gateway.metrics().registry().add(meters);
            Collector live = new Collector();
            Subscription subscription = gateway.host().subscribe("counter", live);
            await().atMost(WAIT)
                    .until(() -> gateway.readiness().notReadyReason().isEmpty());
            long pid = status(gateway).pid();

            emit(gateway, live, 0, 999);
            assertThat(health(gateway).storing()).isTrue();

            disk.fill();
            emit(gateway, live, 1000, 19_999);
            HistoryHealth full = health(gateway);
            assertThat(full.storing()).isFalse();
            assertThat(full.error()).contains("No space left on device");
            assertThat(full.linesNotKept()).isPositive();
            assertThat(gateway.readiness().notReadyReason())
                    .hasValue("history of counter is not being written: No space left on device");
            assertThat(meters.get("procgate.history.storing")
                            .tag("process", "counter")
                            .gauge()
                            .value())
                    .isZero();
            assertThat(meters.get("procgate.history.lines.not.kept")
                            .tag("process", "counter")
                            .functionCounter()
                            .count())
                    .isEqualTo(full.linesNotKept());
            assertThat(status(gateway).state()).isEqualTo(ProcessState.RUNNING);
            assertThat(status(gateway).pid()).isEqualTo(pid);

            disk.free();
            // No output needed: the host tries again on its own and /readyz recovers.
            await().atMost(WAIT).until(() -> health(gateway).storing());
            assertThat(gateway.readiness().notReadyReason()).isEmpty();
            emit(gateway, live, 20_000, 20_999);
            assertThat(health(gateway).storing()).isTrue();
            assertThat(live.mismatch).isNull();
            assertThat(messages(logs, "cannot store lines")).isEqualTo(1);
            assertThat(messages(logs, "storing lines again")).isEqualTo(1);
            subscription.close();

            // The history: every kept line under its own number, and one announced gap.
            long kept = 0;
            long missed = 0;
            long gaps = 0;
            long next = 0;
            while (next < 21_000) {
                HistorySlice slice =
                        gateway.host().read("counter", next, Long.MAX_VALUE).orElseThrow();
                try {
                    if (slice.missed() > 0) {
                        gaps++;
                        missed += slice.missed();
                    }
                    String[] lines =
                            slice.data().toString(StandardCharsets.US_ASCII).split("\n", -1);
                    assertThat(lines).hasSize((int) slice.lineCount() + 1);
                    for (int i = 0; i < slice.lineCount(); i++) {
                        assertThat(lines[i]).isEqualTo(lineText(slice.firstLine() + i));
                    }
                    kept += slice.lineCount();
                    assertThat(slice.nextLine()).isGreaterThan(next);
                    next = slice.nextLine();
                } finally {
                    slice.release();
                }
            }
            assertThat(gaps).isEqualTo(1);
            assertThat(kept + missed).isEqualTo(21_000);
            assertThat(missed).isEqualTo(health(gateway).linesNotKept());
            assertThat(kept).isGreaterThanOrEqualTo(2000); // at least the lines before and after
        }
    }
}
