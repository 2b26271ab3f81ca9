package io.procgate.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.procgate.core.auth.User;
import io.procgate.core.control.Caller;
import io.procgate.core.control.ControlStatus;
import io.procgate.core.testing.LogCapture;
import io.procgate.host.ExitStatus;
import io.procgate.host.ProcessStatus;
import io.procgate.host.limits.Cgroups;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The per-process CPU, memory and limit-kill meters of a gateway, fed by real children. */
class ProcessFiguresMetricsTest {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final long MIB = 1L << 20;

    @TempDir
    Path tmp;

    private String config(String processes) {
        return "gateway { data-dir = \"" + tmp.resolve("data") + "\", shutdown-timeout = 5s,"
                + " allow-root-children = true, stats-interval = 300ms\n" + processes + " }\n";
    }

    @Test
    void cpuSecondsAndResidentMemoryFollowTheLiveFigures() {
        String processes = "processes.hog { autostart = true, command = \"perl -e '$x = q(a); $x x= 100*1024*1024;"
                + " $t = time; while (time - $t < 60) { $i++ }'\" }";
        try (Gateway gateway = Gateway.start(GatewayConfig.parse(config(processes)))) {
            SimpleMeterRegistry meters = new SimpleMeterRegistry();
            gateway.metrics().registry().add(meters);
            await().atMost(WAIT).untilAsserted(() -> {
                ProcessStatus status = gateway.host().status("hog").orElseThrow();
                assertThat(status.stats()).isNotNull();
                assertThat(status.stats().rssBytes()).isGreaterThan(100 * MIB);
                assertThat(status.stats().cpuSeconds()).isGreaterThan(0.3);
            });
            await().atMost(WAIT).untilAsserted(() -> {
                double rss = meters.get("procgate.process.resident.memory")
                        .tag("process", "hog")
                        .gauge()
                        .value();
                double cpu = meters.get("procgate.process.cpu")
                        .tag("process", "hog")
                        .functionCounter()
                        .count();
                ProcessStatus status = gateway.host().status("hog").orElseThrow();
                assertThat(rss).isEqualTo((double) status.stats().rssBytes());
                assertThat(cpu).isEqualTo(status.stats().cpuSeconds());
            });
        }
    }

    @Test
    void aRunKilledForPassingItsMemoryLimitIsCountedAndLogged() {
        assumeThat(Cgroups.detect().offersAll())
                .as("this machine offers memory, cpu and pids cgroup controllers")
                .isTrue();
        String processes = "processes.leak { limits { memory = 64 MiB },"
                + " command = \"perl -e '$x = q(a); $x x= 200*1024*1024; sleep 60'\" }";
        try (LogCapture logs = LogCapture.start();
                Gateway gateway = Gateway.start(GatewayConfig.parse(config(processes)))) {
            // A counter counts in the registries present when it counts: add this one before the start.
            SimpleMeterRegistry meters = new SimpleMeterRegistry();
            gateway.metrics().registry().add(meters);
            Caller admin = new Caller(new User("admin", null, true, null), null, "test", false);
            assertThat(gateway.processes()
                            .start(admin, "leak", "", null)
                            .toCompletableFuture()
                            .join())
                    .isEqualTo(ControlStatus.OK);
            await().atMost(WAIT)
                    .until(() -> gateway.host()
                            .status("leak")
                            .map(s -> s.lastExit() != null)
                            .orElse(false));
            ExitStatus exit = gateway.host().status("leak").orElseThrow().lastExit();
            assertThat(exit.signalName()).isEqualTo("SIGKILL");
            assertThat(exit.reason()).isEqualTo("memory limit");
            assertThat(meters.get("procgate.process.limit.kills")
                            .tag("process", "leak")
                            .counter()
                            .count())
                    .isEqualTo(1.0);
            assertThat(logs.messages())
                    .contains("WARN leak: killed by the kernel for passing its memory limit (67108864 bytes)")
                    .anyMatch(l -> l.contains("leak: exited with signal SIGKILL (memory limit)"));
        }
    }
}
