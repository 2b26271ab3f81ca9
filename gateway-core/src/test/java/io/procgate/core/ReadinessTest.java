package io.procgate.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.procgate.host.ProcessState;
import io.procgate.host.ProcessStatus;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Readiness means started for real: up for start-seconds, or its ready-pattern seen, in the current run. */
class ReadinessTest {
    private static final Duration WAIT = Duration.ofSeconds(20);

    @TempDir
    Path tmp;

    private Gateway start(String process) {
        return Gateway.start(GatewayConfig.parse("gateway { data-dir = \"" + tmp.resolve("data")
                + "\", shutdown-timeout = 5s, allow-root-children = true, http.enabled = false }\n"
                + "gateway.processes.game { autostart = true, " + process + " }"));
    }

    private static Optional<String> reason(Gateway gateway) {
        return gateway.readiness().notReadyReason();
    }

    private static ProcessStatus status(Gateway gateway) {
        return gateway.host().status("game").orElseThrow();
    }

    @Test
    void aCrashLoopingProcessIsNeverReadyWhileItIsRunningForAMoment() {
        try (Gateway gateway =
                start("command = \"sh -c 'sleep 0.2; exit 1'\", restart = always, restart-backoff = 10ms,"
                        + " restart-max-failures = 100000")) {
            AtomicInteger runningSeen = new AtomicInteger();
            // Each cycle is "running" for 0.2 s, less than the default start-seconds (1 s): catch several.
            await().atMost(WAIT).until(() -> {
                ProcessStatus s = status(gateway);
                Optional<String> why = reason(gateway);
                assertThat(why).isPresent();
                if (s.state() == ProcessState.RUNNING) {
                    runningSeen.incrementAndGet();
                }
                return runningSeen.get() >= 3;
            });
            assertThat(status(gateway).restarts()).isPositive();
        }
    }

    @Test
    void withoutAReadyPatternAProcessIsReadyOnceUpForItsStartSeconds() {
        try (Gateway gateway = start("command = cat, start-seconds = 1h")) {
            await().atMost(WAIT).until(() -> status(gateway).state() == ProcessState.RUNNING);
            assertThat(reason(gateway))
                    .hasValueSatisfying(r -> assertThat(r)
                            .startsWith("process game is running for ")
                            .endsWith("less than its start-seconds (3600000 ms)"));
        }
        try (Gateway gateway = start("command = cat, start-seconds = 0s")) {
            await().atMost(WAIT).until(() -> reason(gateway).isEmpty());
            assertThat(status(gateway).state()).isEqualTo(ProcessState.RUNNING);
        }
    }

    @Test
    void withAReadyPatternAProcessIsReadyOnceItsCurrentRunPrintedAMatchingLine() {
        String command = "command = \"sh -c 'echo booting; read go; echo Done in 1s; exec cat'\","
                + " ready-pattern = \"^Done \", start-seconds = 0s, restart = always, restart-backoff = 10ms";
        try (Gateway gateway = start(command)) {
            await().atMost(WAIT).until(() -> status(gateway).nextLine() >= 1);
            assertThat(status(gateway).state()).isEqualTo(ProcessState.RUNNING);
            assertThat(reason(gateway))
                    .hasValue("process game is running but printed no line matching its ready-pattern \"^Done \" yet");

            gateway.host().writeStdin("game", "go".getBytes(StandardCharsets.UTF_8));
            await().atMost(WAIT).until(() -> reason(gateway).isEmpty());
            // The check watches the lines, but is no client.
            SimpleMeterRegistry meters = new SimpleMeterRegistry();
            gateway.metrics().registry().add(meters);
            assertThat(meters.get("procgate.process.attached.clients")
                            .tag("process", "game")
                            .gauge()
                            .value())
                    .isZero();

            // A new run must match again: the match of the last one does not count.
            long firstPid = status(gateway).pid();
            ProcessHandle.of(firstPid).orElseThrow().destroyForcibly();
            await().atMost(WAIT).until(() -> {
                ProcessStatus s = status(gateway);
                return s.state() == ProcessState.RUNNING && s.pid() != firstPid && s.nextLine() >= 3;
            });
            assertThat(reason(gateway)).hasValueSatisfying(r -> assertThat(r).contains("ready-pattern"));
            gateway.host().writeStdin("game", "go".getBytes(StandardCharsets.UTF_8));
            await().atMost(WAIT).until(() -> reason(gateway).isEmpty());
        }
    }
}
