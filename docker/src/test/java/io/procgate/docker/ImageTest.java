package io.procgate.docker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.github.dockerjava.api.command.InspectContainerResponse;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.Container.ExecResult;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.images.builder.ImageFromDockerfile;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.utility.MountableFile;

/**
 * Builds the image from docker/Dockerfile (context: the repository's sources), runs it as the
 * compose example does (docker/example/local.conf, the example game server, the passwords in the
 * environment) and drives tcprocd and TCPR through the mapped ports. Needs a Docker engine: where
 * none runs, the class is skipped and {@link SkipReporter} prints why.
 */
@Testcontainers(disabledWithoutDocker = true)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ImageTest {
    private static final int TCPROCD = 20103;
    private static final int TCPR = 50301;
    private static final int PCP = 40100;
    private static final int PCP_DATA = 40101;
    private static final int HTTP = 9100;
    private static final Duration WAIT = Duration.ofSeconds(90);

    private static GenericContainer<?> gateway;

    /** The build context: the parent pom, and each module's pom and sources (no target, no .git). */
    static ImageFromDockerfile image() throws IOException {
        Path root = Repo.root();
        ImageFromDockerfile image = new ImageFromDockerfile("procgate-image-test", true)
                .withDockerfilePath("docker/Dockerfile")
                .withFileFromPath("pom.xml", root.resolve("pom.xml"));
        Matcher modules = Pattern.compile("<module>([^<]+)</module>").matcher(Repo.read("pom.xml"));
        while (modules.find()) {
            String module = modules.group(1);
            image.withFileFromPath(module + "/pom.xml", root.resolve(module).resolve("pom.xml"));
            if (Files.isDirectory(root.resolve(module).resolve("src"))) {
                image.withFileFromPath(module + "/src", root.resolve(module).resolve("src"));
            }
        }
        for (String file : new String[] {"docker/Dockerfile", ImageFiles.GATEWAY_CONF, "docker/entrypoint.sh"}) {
            image.withFileFromPath(file, root.resolve(file));
        }
        return image;
    }

    @BeforeAll
    static void start() throws IOException {
        gateway = new GenericContainer<>(image())
                .withEnv("PROCGATE_ADMIN_PASSWORD", ImageFiles.ADMIN_PASSWORD)
                .withEnv("PROCGATE_TCPR_PASSWORD", ImageFiles.TCPR_PASSWORD)
                .withCopyFileToContainer(
                        MountableFile.forHostPath(Repo.path(ImageFiles.LOCAL_CONF), 0644), "/etc/procgate/local.conf")
                .withCopyFileToContainer(MountableFile.forHostPath(Repo.path("docker/example/game"), 0755), "/srv/game")
                .withExposedPorts(TCPROCD, TCPR, PCP, PCP_DATA, HTTP)
                .waitingFor(Wait.forHttp("/readyz")
                        .forPort(HTTP)
                        .forStatusCode(200)
                        .withStartupTimeout(Duration.ofMinutes(15))); // the first build downloads Maven's world
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

    @Test
    @Order(1)
    void tiniIsPidOneAndTheGatewayRunsAsTheProcgateUser() throws Exception {
        assertThat(exec("cat", "/proc/1/comm").strip()).isEqualTo("tini");
        String javaPid = exec("cat", "/proc/1/task/1/children").strip().split(" ")[0];
        assertThat(exec("cat", "/proc/" + javaPid + "/comm").strip()).isEqualTo("java");
        assertThat(exec("grep", "^Uid:", "/proc/" + javaPid + "/status")).contains("10001");
        await().atMost(WAIT).until(() -> {
            InspectContainerResponse.ContainerState state =
                    gateway.getCurrentContainerInfo().getState();
            return state.getHealth() != null
                    && "healthy".equals(state.getHealth().getStatus());
        });
    }

    @Test
    @Order(2)
    void tcprocdThroughTheMappedPort() throws Exception {
        try (TcprocdWire c = new TcprocdWire(gateway.getHost(), gateway.getMappedPort(TCPROCD))) {
            assertThat(c.login("admin", ImageFiles.ADMIN_PASSWORD)).isEqualTo("OK");
            assertThat(c.list()).isEqualTo("game\n");
            assertThat(c.command("game", "say over tcprocd")).isEqualTo("OK");
            await().atMost(WAIT).until(() -> c.cat("game", 0).contains("[Chat] over tcprocd\n"));
        }
    }

    @Test
    @Order(3)
    void tcprThroughTheMappedPort() throws Exception {
        try (Socket s = new Socket(gateway.getHost(), gateway.getMappedPort(TCPR))) {
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
    void orphansOfChildrenAreReaped() throws Exception {
        try (TcprocdWire c = new TcprocdWire(gateway.getHost(), gateway.getMappedPort(TCPROCD))) {
            assertThat(c.login("admin", ImageFiles.ADMIN_PASSWORD)).isEqualTo("OK");
            // the shell exits at once; its background sleep is orphaned, reparented to PID 1 and must be reaped
            String start = "05start" + TcprocdWire.field(2, "orphans")
                    + TcprocdWire.field(3, "sh -c 'sleep 1 & sleep 1 & exit 0'") + TcprocdWire.field(3, "");
            c.send(start);
            assertThat(c.status()).isEqualTo("OK");
        }
        await().atMost(WAIT)
                .pollDelay(Duration.ofSeconds(3))
                .untilAsserted(() -> assertThat(
                                exec("sh", "-c", "cat /proc/[0-9]*/stat 2>/dev/null | awk '$3 == \"Z\"' | wc -l")
                                        .strip())
                        .isEqualTo("0"));
    }

    @Test
    @Order(5)
    void metricsShowTheSession() throws Exception {
        String base = "http://" + gateway.getHost() + ":" + gateway.getMappedPort(HTTP);
        HttpClient http = HttpClient.newHttpClient();
        HttpResponse<String> metrics = http.send(
                HttpRequest.newBuilder(URI.create(base + "/metrics")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(metrics.statusCode()).isEqualTo(200);
        assertThat(metrics.body())
                .contains("procgate_process_state{process=\"game\",state=\"running\"} 1.0")
                .contains("procgate_protocol_connections_total{protocol=\"tcprocd\"}")
                .contains("procgate_protocol_connections_total{protocol=\"tcpr\"}");
    }

    @Test
    @Order(6)
    void dockerStopStopsTheGameServerGracefully() {
        String id = gateway.getContainerId();
        DockerClientFactory.instance()
                .client()
                .stopContainerCmd(id)
                .withTimeout(40)
                .exec();
        InspectContainerResponse.ContainerState state = DockerClientFactory.instance()
                .client()
                .inspectContainerCmd(id)
                .exec()
                .getState();
        assertThat(state.getExitCodeLong()).isZero();
        assertThat(gateway.getLogs()).contains("game: exited with exit code 0").contains("procgate stopped");
    }
}
