package io.procgate.host.crash;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.procgate.host.spawn.Passwd;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
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
                java, "-cp", System.getProperty("java.class.path"), HostRunner.class.getName(), data.toString()));
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
                    .until(() -> commandOf(pids.get(0)).startsWith("sleep"));
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> commandOf(pids.get(1)).startsWith("sh"));
            long shellGroup = pids.get(1);
            gateway.destroyForcibly().waitFor();
            await().atMost(Duration.ofSeconds(10)).until(() -> pids.stream().noneMatch(GatewayCrashTest::alive));
            // The parent-death signal reaches the leader only; the shell's background child is the crash reaper's.
            await().atMost(Duration.ofSeconds(10)).until(() -> groupMembers(shellGroup) == 0);
        } finally {
            gateway.destroyForcibly();
        }
    }

    private static boolean alive(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            return !stat.substring(stat.lastIndexOf(')') + 2).startsWith("Z");
        } catch (IOException gone) {
            return false;
        }
    }

    private static String commandOf(long pid) throws IOException {
        return Files.readString(Path.of("/proc/" + pid + "/cmdline")).replace('\0', ' ');
    }

    private static long groupMembers(long pgid) throws IOException {
        long count = 0;
        try (var dirs = Files.list(Path.of("/proc"))) {
            for (Path dir : dirs.filter(d -> d.getFileName().toString().chars().allMatch(Character::isDigit))
                    .toList()) {
                try {
                    String stat = Files.readString(dir.resolve("stat"));
                    String[] rest = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                    if (Long.parseLong(rest[2]) == pgid && !rest[0].equals("Z")) {
                        count++;
                    }
                } catch (IOException gone) {
                    // exited meanwhile
                }
            }
        }
        return count;
    }
}
