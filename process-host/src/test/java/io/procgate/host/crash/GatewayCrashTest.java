package io.procgate.host.crash;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.procgate.host.os.Passwd;
import io.procgate.host.testing.Procs;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code kill -9} of the gateway's JVM must leave no child behind, also after run-as switched the user. */
class GatewayCrashTest {
    @TempDir
    Path data;

    @ParameterizedTest
    @ValueSource(strings = {"", "nobody"})
    void killingTheGatewayWithSigkillLeavesNoChild(String runAs) throws Exception {
        boolean switchUser = !runAs.isEmpty();
        if (switchUser && Passwd.currentUid() != 0) {
            return; // switching users needs root; the plain case still runs
        }
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new ArrayList<>(List.of(
                java,
                "--enable-native-access=ALL-UNNAMED",
                "-cp",
                System.getProperty("java.class.path"),
                HostRunner.class.getName(),
                data.toString()));
        if (switchUser) {
            command.add(runAs);
        }
        Process gateway = new ProcessBuilder(command).redirectErrorStream(true).start();
        List<Long> pids = new ArrayList<>();
        try (BufferedReader out =
                new BufferedReader(new InputStreamReader(gateway.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = out.readLine()) != null && !line.equals("ready")) {
                if (line.startsWith("pid ")) {
                    pids.add(Long.parseLong(line.substring(4)));
                }
            }
            assertThat(pids).hasSize(2);
            // The recorded pid is the program itself, not a wrapper that forked it.
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> Procs.commandOf(pids.get(0)).startsWith("sleep"));
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> Procs.commandOf(pids.get(1)).startsWith("sh"));
            long shellGroup = pids.get(1);
            gateway.destroyForcibly().waitFor();
            await().atMost(Duration.ofSeconds(10)).until(() -> pids.stream().noneMatch(Procs::alive));
            // The parent-death signal reaches the leader only; the shell's background child is the crash reaper's.
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> Procs.groupMembers(shellGroup).isEmpty());
        } finally {
            gateway.destroyForcibly();
        }
    }
}
