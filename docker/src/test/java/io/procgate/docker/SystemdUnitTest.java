package io.procgate.docker;

import static org.assertj.core.api.Assertions.assertThat;

import io.procgate.core.GatewayConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** packaging/systemd/procgate.service: systemd's own check, and the choices the docs explain. */
class SystemdUnitTest {
    static final String UNIT = "packaging/systemd/procgate.service";

    @TempDir
    Path tmp;

    /** The unit's {@code Key=value} lines (the last one wins, as in systemd). */
    static Map<String, String> settings() {
        Map<String, String> out = new LinkedHashMap<>();
        for (String line : Repo.read(UNIT).split("\n")) {
            String t = line.strip();
            int eq = t.indexOf('=');
            if (t.isEmpty() || t.startsWith("#") || t.startsWith("[") || eq < 0) {
                continue;
            }
            out.put(t.substring(0, eq), t.substring(eq + 1));
        }
        return out;
    }

    private record Result(int status, String output) {}

    private static Result run(List<String> command) throws IOException, InterruptedException {
        Process p;
        try {
            p = new ProcessBuilder(command).redirectErrorStream(true).start();
        } catch (IOException e) {
            Assumptions.abort(command.get(0) + " is not installed here: " + e.getMessage());
            throw e;
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return new Result(p.exitValue(), out);
    }

    /** A copy to verify: systemd-analyze wants ExecStart's program to exist, so it names this JVM's java. */
    private Path copy(String name, String text) throws IOException {
        String java = ProcessHandle.current().info().command().orElse("/usr/bin/java");
        if (!Files.isExecutable(Path.of("/usr/bin/java"))) {
            text = text.replace("ExecStart=/usr/bin/java ", "ExecStart=" + java + " ");
        }
        return Files.writeString(tmp.resolve(name), text);
    }

    @Test
    void systemdAnalyzeVerifyFindsNothingToSay() throws Exception {
        Path unit = copy("procgate.service", Repo.read(UNIT));
        Result ok = run(List.of("systemd-analyze", "verify", unit.toString()));
        assertThat(ok.status()).as(ok.output()).isZero();
        // systemd-analyze may talk about other units of this machine; about ours it must say nothing
        assertThat(ok.output()).doesNotContain("procgate.service");

        // the check is real: a bad value in a copy is reported
        Path bad = copy("bad.service", Repo.read(UNIT).replace("KillMode=mixed", "KillMode=bogus"));
        Result reported = run(List.of("systemd-analyze", "verify", bad.toString()));
        assertThat(reported.output()).contains("bad.service").contains("kill mode");
    }

    @Test
    void theGatewayStopsItsChildrenBeforeSystemdKillsAnything() {
        Map<String, String> unit = settings();
        assertThat(unit.get("KillMode")).isEqualTo("mixed");
        assertThat(unit.get("KillSignal")).isEqualTo("SIGTERM");
        Duration shutdown = GatewayConfig.parse("").getDuration("gateway.shutdown-timeout");
        Duration stop = Duration.ofSeconds(Long.parseLong(unit.get("TimeoutStopSec")));
        assertThat(stop).isGreaterThanOrEqualTo(shutdown.plusSeconds(20));
        assertThat(unit.get("ExecReload")).isEqualTo("/bin/kill -HUP $MAINPID");
        assertThat(unit.get("ExecStart"))
                .startsWith("/usr/bin/java ")
                .contains(" -jar /opt/procgate/procgate.jar -c /etc/procgate/gateway.conf");
        assertThat(Repo.read("distribution/pom.xml")).contains("<finalName>procgate</finalName>");
    }

    @Test
    void hardeningOptionsArePresent() {
        Map<String, String> unit = settings();
        assertThat(unit)
                .containsEntry("NoNewPrivileges", "yes")
                .containsEntry("ProtectSystem", "full")
                .containsEntry("ProtectHome", "yes")
                .containsEntry("PrivateTmp", "yes")
                .containsEntry("StateDirectory", "procgate")
                .containsKey("CapabilityBoundingSet");
        assertThat(unit.get("CapabilityBoundingSet")).contains("CAP_SETUID").contains("CAP_SETGID");
    }

    @Test
    void runAsStillWorksUnderNoNewPrivileges() throws Exception {
        // what the unit's comment claims: no_new_privs does not stop root from dropping to another
        // user with setpriv (the process host's run-as); it only stops gaining privileges
        Assumptions.assumeTrue("root".equals(System.getProperty("user.name")), "needs root, to switch to another user");
        Result r = run(List.of(
                "setpriv",
                "--no-new-privs",
                "--",
                "setpriv",
                "--reuid=nobody",
                "--regid=nogroup",
                "--clear-groups",
                "--inh-caps=-all",
                "--",
                "sh",
                "-c",
                "id -u; grep NoNewPrivs /proc/self/status"));
        assertThat(r.status()).as(r.output()).isZero();
        assertThat(r.output()).isEqualTo("65534\nNoNewPrivs:\t1\n");
    }
}
