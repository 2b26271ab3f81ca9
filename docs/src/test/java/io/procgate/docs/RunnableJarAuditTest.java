package io.procgate.docs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The runnable jar's audit trail under pipelining clients on several event loops: every answered
 * {@code command} has its line on stdout. Run from {@code distribution/target/procgate.jar} itself,
 * since what is under test is its logging set-up (asynchronous loggers, their ring and writer
 * thread, log4j2.component.properties), which no module's test class path has, with a ring small
 * enough to fill. With Disruptor 4.0.0, Log4j 2.26.1 lost a large share of the lines of two threads
 * logging at once into a full ring.
 */
class RunnableJarAuditTest {
    /** Clients at once: with several event loops, several threads log at once. */
    private static final int CLIENTS = 4;

    private static final int COMMANDS_PER_CLIENT = 20_000;
    /** Requests in flight per connection, as the request-path benchmark pipelines them. */
    private static final int DEPTH = 64;

    private static final int SMALLEST_RING = 128;

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final Pattern TCPROCD = Pattern.compile("tcprocd listening on 127\\.0\\.0\\.1:(\\d+)");

    @TempDir
    Path tmp;

    @Test
    void everyAnsweredCommandOfPipeliningClientsHasItsAuditLine() throws Exception {
        Path jar = Docs.root().resolve("distribution/target/procgate.jar");
        Assumptions.assumeTrue(
                Files.isRegularFile(jar), "the jar is not built (mvn verify builds it before this module)");
        Path conf = Files.writeString(
                tmp.resolve("audit.conf"),
                "gateway { data-dir = \"" + tmp.resolve("data") + "\", shutdown-timeout = 5s\n"
                        + (System.getProperty("user.name").equals("root") ? " allow-root-children = true\n" : "")
                        + " tcprocd.listeners = [{ host = \"127.0.0.1\", port = 0 }]\n"
                        + " users { admin { password = \"pw\", admin = true } }\n"
                        + " processes { sink { command = \"sh -c 'cat >/dev/null'\", autostart = true } } }\n");
        Path stdout = tmp.resolve("stdout.log");
        Process gateway = new ProcessBuilder(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        // Log4j's smallest ring, so that it fills: a full ring must make the event
                        // loops wait, never lose a line (log4j2.xml)
                        "-Dlog4j2.asyncLoggerRingBufferSize=" + SMALLEST_RING,
                        "-jar",
                        jar.toString(),
                        "-c",
                        conf.toString())
                .directory(tmp.toFile())
                .redirectErrorStream(true)
                .redirectOutput(stdout.toFile())
                .start();
        try {
            await().atMost(WAIT).until(() -> read(stdout).contains("procgate started") || !gateway.isAlive());
            Matcher port = TCPROCD.matcher(read(stdout));
            assertThat(port.find()).as(read(stdout)).isTrue();
            int tcprocd = Integer.parseInt(port.group(1));

            ExecutorService clients = Executors.newFixedThreadPool(CLIENTS);
            List<Future<Integer>> answered = new ArrayList<>();
            for (int c = 0; c < CLIENTS; c++) {
                int client = c;
                answered.add(clients.submit(() -> pipelineCommands(tcprocd, client)));
            }
            long total = 0;
            for (Future<Integer> f : answered) {
                total += f.get(WAIT.toSeconds(), TimeUnit.SECONDS);
            }
            clients.shutdown();
            assertThat(total).isEqualTo((long) CLIENTS * COMMANDS_PER_CLIENT);

            long expected = total;
            await("an audit line per answered command")
                    .atMost(WAIT)
                    .untilAsserted(() -> assertThat(auditedCommands(stdout))
                            .as("audited commands of %d answered", expected)
                            .isGreaterThanOrEqualTo(expected));
            gateway.destroy(); // SIGTERM: a clean stop drains the ring; nothing more may come
            assertThat(gateway.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
            assertThat(auditedCommands(stdout)).isEqualTo(expected);
        } finally {
            gateway.destroyForcibly();
        }
    }

    /** One connection: logs in, sends its commands {@link #DEPTH} at a time; the answers it got. */
    private static int pipelineCommands(int port, int client) throws IOException {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout((int) WAIT.toMillis());
            InputStream in = new BufferedInputStream(s.getInputStream());
            OutputStream out = s.getOutputStream();
            assertThat(status(in)).isEqualTo("AUTHENTICATION_REQUIRED");
            out.write("05admin02pw".getBytes(StandardCharsets.US_ASCII));
            assertThat(status(in)).isEqualTo("OK");
            int answers = 0;
            while (answers < COMMANDS_PER_CLIENT) {
                int batch = Math.min(DEPTH, COMMANDS_PER_CLIENT - answers);
                StringBuilder requests = new StringBuilder();
                for (int i = 0; i < batch; i++) {
                    String line = "c" + client + " " + (answers + i);
                    requests.append("07command04sink")
                            .append(String.format("%03d", line.length()))
                            .append(line);
                }
                out.write(requests.toString().getBytes(StandardCharsets.US_ASCII));
                for (int i = 0; i < batch; i++) {
                    status(in); // OK, or stdin-full if cat fell behind: answered and audited either way
                    answers++;
                }
            }
            return answers;
        }
    }

    private static String status(InputStream in) throws IOException {
        String length = new String(in.readNBytes(2), StandardCharsets.US_ASCII);
        assertThat(length).as("a status").matches("\\d\\d");
        return new String(in.readNBytes(Integer.parseInt(length)), StandardCharsets.US_ASCII);
    }

    private static long auditedCommands(Path stdout) throws IOException {
        try (Stream<String> lines = Files.lines(stdout, StandardCharsets.UTF_8)) {
            return lines.filter(l -> l.contains(" audit - command ") && l.contains("name=sink"))
                    .count();
        }
    }

    private static String read(Path file) throws IOException {
        return Files.readString(file, StandardCharsets.UTF_8);
    }
}
