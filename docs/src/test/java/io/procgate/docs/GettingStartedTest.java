package io.procgate.docs;

import static org.assertj.core.api.Assertions.assertThat;

import io.procgate.core.testing.FreePorts;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the {@code console} blocks of docs/getting-started.md with the real {@code ./gateway} and
 * {@code ./tcproc} scripts, in a temporary directory, and compares what they print with the page.
 * What differs from a reader's terminal: the ports (free ones instead of 20103 and 9100, put into
 * the example config and given to tcproc with -P), and {@code allow-root-children} when the build
 * runs as root. The gateway's own lines are compared without their timestamps, {@code ...} standing
 * for the rest of a line.
 */
class GettingStartedTest {
    private static final Path PAGE = Docs.docsDir().resolve("getting-started.md");

    @TempDir
    Path tmp;

    private int tcprocd;
    private int http;
    private final Map<String, String> env = new HashMap<>();
    private Process gateway;
    private final List<String> gatewayOutput = new ArrayList<>();

    @Test
    void theFirstSessionPrintsWhatThePageShows() throws Exception {
        Path root = Docs.root();
        Assumptions.assumeTrue(
                Files.isRegularFile(root.resolve("distribution/target/procgate.jar"))
                        && Files.isRegularFile(root.resolve("tcproc-cli/target/tcproc.jar")),
                "the jars are not built (mvn verify builds them before this module)");
        tcprocd = FreePorts.belowEphemeralRange();
        http = FreePorts.belowEphemeralRange();
        List<Docs.Block> consoles = Docs.blocks(PAGE).stream()
                .filter(b -> b.lang().equals("console"))
                .toList();
        assertThat(consoles).hasSize(2);
        int last = 0;
        try {
            for (Docs.Block block : consoles) {
                last = run(block, last);
            }
            // Ctrl-C: the gateway stops its processes and exits 0
            gateway.toHandle().destroy();
            assertThat(gateway.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(gateway.exitValue()).as(output()).isZero();
        } finally {
            if (gateway != null && gateway.isAlive()) {
                gateway.destroyForcibly();
                gateway.waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    /** The commands of one block ({@code $ } lines) with the output expected after each. */
    private int run(Docs.Block block, int status) throws Exception {
        List<String> lines = List.of(block.text().split("\n"));
        int i = 0;
        while (i < lines.size()) {
            String command = lines.get(i);
            assertThat(command).as(block.where()).startsWith("$ ");
            command = command.substring(2);
            List<String> expected = new ArrayList<>();
            i++;
            while (i < lines.size() && !lines.get(i).startsWith("$ ")) {
                expected.add(lines.get(i));
                i++;
            }
            status = execute(command, expected, status, block.where());
        }
        return status;
    }

    private int execute(String command, List<String> expected, int status, String where) throws Exception {
        if (command.startsWith("export ")) {
            for (String assignment : command.substring(7).split(" ")) {
                int eq = assignment.indexOf('=');
                env.put(assignment.substring(0, eq), assignment.substring(eq + 1));
            }
            return 0;
        }
        if (command.startsWith("./gateway ")) {
            startGateway(command, expected);
            return 0;
        }
        String real = ports(command).replace("./tcproc ", Docs.root().resolve("tcproc") + " -P " + tcprocd + " ");
        ProcessBuilder pb = new ProcessBuilder("bash", "-c", "(exit " + status + "); " + real)
                .directory(tmp.toFile())
                .redirectErrorStream(true);
        pb.environment().putAll(env);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        String want = expected.isEmpty() ? "" : ports(String.join("\n", expected)) + "\n";
        assertThat(out).as(where + ": $ " + command).isEqualTo(want);
        return p.exitValue();
    }

    private String ports(String text) {
        return text.replace(":20103", ":" + tcprocd).replace(":9100", ":" + http);
    }

    private void startGateway(String command, List<String> expected) throws Exception {
        String documented = "docs/examples/first.conf";
        assertThat(command).isEqualTo("./gateway -c " + documented);
        StringBuilder conf = new StringBuilder(Docs.read(Docs.root().resolve(documented)));
        conf.append("gateway.tcprocd.listeners = [{ host = \"127.0.0.1\", port = ")
                .append(tcprocd)
                .append(" }]\n");
        conf.append("gateway.http.port = ").append(http).append('\n');
        if ("root".equals(System.getProperty("user.name"))) {
            conf.append("gateway.allow-root-children = true\n");
        }
        Path config = Files.writeString(tmp.resolve("first.conf"), conf.toString());
        ProcessBuilder pb = new ProcessBuilder(Docs.root().resolve("gateway").toString(), "-c", config.toString())
                .directory(tmp.toFile())
                .redirectErrorStream(true);
        gateway = pb.start();
        Thread reader = new Thread(() -> {
            try (BufferedReader r =
                    new BufferedReader(new InputStreamReader(gateway.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    synchronized (gatewayOutput) {
                        gatewayOutput.add(line);
                    }
                }
            } catch (IOException e) {
                // ended
            }
        });
        reader.setDaemon(true);
        reader.start();
        // each documented line, in order, without the timestamp; "..." ends a line early
        int from = 0;
        for (String line : expected) {
            String want = ports(line);
            boolean prefix = want.endsWith("...");
            String text = prefix ? want.substring(0, want.length() - 3) : want;
            int[] found = {-1};
            int start = from;
            Awaitility.await("'" + want + "' from the gateway")
                    .atMost(Duration.ofSeconds(120))
                    .until(() -> {
                        List<String> out;
                        synchronized (gatewayOutput) {
                            out = List.copyOf(gatewayOutput);
                        }
                        for (int j = start; j < out.size(); j++) {
                            String shown =
                                    out.get(j).replaceFirst("^\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d\\.\\d{3} ", "");
                            if (prefix ? shown.startsWith(text) : shown.equals(text)) {
                                found[0] = j;
                                return true;
                            }
                        }
                        if (!gateway.isAlive()) {
                            throw new AssertionError("the gateway ended:\n" + output());
                        }
                        return false;
                    });
            from = found[0] + 1;
        }
    }

    private String output() {
        synchronized (gatewayOutput) {
            return String.join("\n", gatewayOutput);
        }
    }
}
