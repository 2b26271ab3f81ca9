package io.procgate.docker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.testcontainers.containers.Container.ExecResult;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.junit.jupiter.Testcontainers;

/**
 * The image ({@link ProcgateImage}, built from docker/Dockerfile) run as the compose example runs
 * it, driven over tcprocd, TCPR, PCP and HTTP through the published ports: tini is PID 1 and reaps
 * orphans, everything runs as the non-root user, and docker stop ends it cleanly. Needs a Docker
 * engine: where none runs, the class is skipped and {@link SkipReporter} prints why.
 */
@Testcontainers(disabledWithoutDocker = true)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ImageTest {
    private static final Duration WAIT = Duration.ofSeconds(60);
    /** The image's HEALTHCHECK runs every 15 s: the first verdict comes after one interval. */
    private static final Duration HEALTHY = Duration.ofSeconds(90);
    /** Orphans the test makes: each a grandchild whose parent exits at once. */
    private static final int ORPHANS = 100;

    private static final String UID = "10001";

    private static GenericContainer<?> gateway;

    @BeforeAll
    static void start() {
        gateway = ExampleGateway.container();
        gateway.start();
    }

    @AfterAll
    static void stop() {
        if (gateway != null) {
            gateway.stop();
        }
    }

    private static String exec(String... command) throws IOException, InterruptedException {
        ExecResult r = gateway.execInContainer(command);
        assertThat(r.getExitCode()).as(r.getStderr()).isZero();
        return r.getStdout();
    }

    /** Every process of the container: {@code pid ppid state name}, one per line. */
    private static List<String[]> processes() throws IOException, InterruptedException {
        // cat goes on past processes that end while it reads; awk's fields after the "(name)" field
        String table = exec(
                "sh",
                "-c",
                "cat /proc/[0-9]*/stat 2>/dev/null | sed 's/^\\([0-9]*\\) (\\(.*\\)) /\\1 \\2 /'"
                        + " | awk '{print $1, $4, $3, $2}'");
        return table.lines().map(l -> l.split(" ")).toList();
    }

    private static TcprocdWire tcprocd() throws IOException {
        TcprocdWire c = new TcprocdWire(gateway.getHost(), gateway.getMappedPort(ExampleGateway.TCPROCD));
        assertThat(c.login("admin", ImageFiles.ADMIN_PASSWORD)).isEqualTo("OK");
        return c;
    }

    @Test
    @Order(1)
    void tiniIsPidOneAndEveryProcessRunsAsTheNonRootUser() throws Exception {
        assertThat(exec("cat", "/proc/1/comm").strip()).isEqualTo("tini");
        String javaPid = exec("cat", "/proc/1/task/1/children").strip().split(" ")[0];
        assertThat(exec("cat", "/proc/" + javaPid + "/comm").strip()).isEqualTo("java");
        // tini, the JVM, the group agent and the game server: all uid 10001, none root
        String uids = exec("sh", "-c", "grep -h '^Uid:' /proc/[0-9]*/status");
        assertThat(uids.lines().toList())
                .hasSizeGreaterThanOrEqualTo(4)
                .allSatisfy(l -> assertThat(l.split("\\s+")).containsExactly("Uid:", UID, UID, UID, UID));
        assertThat(exec("id", "-un").strip()).isEqualTo("procgate");
        await().atMost(HEALTHY)
                .untilAsserted(() -> assertThat(ExampleGateway.state(gateway.getContainerId())
                                .getHealth()
                                .getStatus())
                        .isEqualTo("healthy"));
    }

    @Test
    @Order(2)
    void tcprocdThroughThePublishedPort() throws Exception {
        try (TcprocdWire c = tcprocd()) {
            assertThat(c.list()).isEqualTo("game\n");
            assertThat(c.command("game", "say over tcprocd")).isEqualTo("OK");
            await().atMost(WAIT).until(() -> c.cat("game", 0).contains("[Chat] over tcprocd\n"));
        }
    }

    @Test
    @Order(3)
    void tcprThroughThePublishedPort() throws Exception {
        try (Socket s = new Socket(gateway.getHost(), gateway.getMappedPort(ExampleGateway.TCPR))) {
            s.setSoTimeout(15_000);
            BufferedReader r = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
            s.getOutputStream().write((ImageFiles.TCPR_PASSWORD + "\n").getBytes(StandardCharsets.UTF_8));
            assertThat(r.readLine()).contains("TCP RCON Connection from ").endsWith("is now authenticated");
            s.getOutputStream().write("say over tcpr\n".getBytes(StandardCharsets.UTF_8));
            String line;
            do {
                line = r.readLine();
            } while (line != null && !line.endsWith("[Chat] over tcpr"));
            assertThat(line).isNotNull().matches("\\[\\d\\d:\\d\\d:\\d\\d] \\[Chat] over tcpr");
        }
    }

    @Test
    @Order(4)
    void pcpThroughThePublishedPort() throws Exception {
        try (PcpWire pcp = new PcpWire(gateway.getHost(), gateway.getMappedPort(ExampleGateway.PCP))) {
            assertThat(pcp.request("request=status&name=game&state=?"))
                    .isEqualTo("response=status&result=OK&state=running");
            assertThat(pcp.request("request=command&name=game&line=say%20over%20pcp"))
                    .isEqualTo("response=command&result=OK");
        }
        try (TcprocdWire c = tcprocd()) {
            await().atMost(WAIT).until(() -> c.cat("game", 0).contains("[Chat] over pcp\n"));
        }
    }

    @Test
    @Order(5)
    void readyzSaysReadyWithTheGameServerUpAndReady() throws Exception {
        try (TcprocdWire c = tcprocd()) {
            assertThat(c.cat("game", 0)).contains("[Server] loading world\n[Server] ready\n");
        }
        HttpResponse<String> ready =
                ExampleGateway.get(gateway.getHost(), gateway.getMappedPort(ExampleGateway.HTTP), "/readyz");
        assertThat(ready.statusCode()).isEqualTo(200);
        assertThat(ready.body()).startsWith("ready");
    }

    @Test
    @Order(6)
    void hundredOrphansAreReapedByTini() throws Exception {
        // The child forks a subshell per orphan; the subshell starts a sleep in the background and
        // exits, so each sleep is orphaned and reparented to PID 1 (the JVM is no subreaper). The
        // sleeps leave the child's output, as a daemon does, so the gateway does not stop them with
        // the group. When they end, only PID 1 can reap them: without tini they stay zombies.
        String spawn = "sh -c 'i=0; while [ $i -lt " + ORPHANS + " ]; do"
                + " (sleep 3 </dev/null >/dev/null 2>&1 &); i=$((i+1)); done'";
        try (TcprocdWire c = tcprocd()) {
            c.send("05start" + TcprocdWire.field(2, "orphans") + TcprocdWire.field(3, spawn)
                    + TcprocdWire.field(3, ""));
            assertThat(c.status()).isEqualTo("OK");
        }
        await().atMost(WAIT)
                .untilAsserted(() -> assertThat(
                                processes().stream().filter(p -> p[3].equals("sleep") && p[1].equals("1")))
                        .as("sleeps orphaned to PID 1")
                        .hasSize(ORPHANS));
        await().atMost(WAIT).untilAsserted(() -> {
            List<String[]> left = processes();
            assertThat(left.stream().filter(p -> p[3].equals("sleep")).map(Arrays::toString))
                    .as("orphans left (zombies or running)")
                    .isEmpty();
            assertThat(left.stream().filter(p -> p[2].equals("Z")).map(Arrays::toString))
                    .as("zombies")
                    .isEmpty();
        });
    }

    @Test
    @Order(7)
    void metricsShowTheSessions() throws Exception {
        HttpResponse<String> metrics =
                ExampleGateway.get(gateway.getHost(), gateway.getMappedPort(ExampleGateway.HTTP), "/metrics");
        assertThat(metrics.statusCode()).isEqualTo(200);
        assertThat(metrics.body())
                .contains("procgate_process_state{process=\"game\",state=\"running\"} 1.0")
                .contains("procgate_protocol_connections_total{protocol=\"tcprocd\"}")
                .contains("procgate_protocol_connections_total{protocol=\"tcpr\"}")
                .contains("procgate_protocol_connections_total{protocol=\"pcp\"}");
    }

    @Test
    @Order(8)
    void dockerStopRunsTheStopCommandStopsTheChildrenFirstAndExitsZeroInTime() {
        String id = gateway.getContainerId();
        long start = System.nanoTime();
        ExampleGateway.client()
                .stopContainerCmd(id)
                .withTimeout(ExampleGateway.STOP_SECONDS)
                .exec();
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        assertThat(ExampleGateway.state(id).getExitCodeLong())
                .as("exit code (137 would be docker's SIGKILL after the grace period)")
                .isZero();
        assertThat(took).isLessThan(Duration.ofSeconds(ExampleGateway.STOP_SECONDS));
        String logs = gateway.getLogs();
        assertThat(logs).contains("game: exited with exit code 0").contains("procgate stopped");
        assertThat(logs.indexOf("game: exited with exit code 0"))
                .as("the game server stopped before the gateway")
                .isLessThan(logs.indexOf("procgate stopped"));
        // the stop command (stop-command = "stop") reached the game server, which said so in its history
        assertThat(ExampleGateway.readFile(id, ExampleGateway.DATA_DIR + "/processes/game"))
                .contains("[Server] stopping\n");
    }
}
