package io.procgate.docker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.procgate.core.testing.FreePorts;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.testcontainers.junit.jupiter.Testcontainers;

/**
 * docker/compose.yaml brought up with docker-compose as its comment says (built from the jar the
 * reactor made), healthy, answering tcprocd, TCPR, PCP and HTTP on the published ports, then taken
 * down with its volume and image. The host ports are moved to free ones with PROCGATE_*_PORT.
 */
@Testcontainers(disabledWithoutDocker = true)
class ComposeTest {
    private static final String HOST = "127.0.0.1";
    /** A build from the layer cache takes seconds; one from scratch installs the JRE. */
    private static final Duration UP = Duration.ofMinutes(10);

    private static final Duration DOWN = Duration.ofMinutes(2);
    private static final Duration HEALTHY = Duration.ofSeconds(90);

    private final String project =
            "procgate-compose-test-" + UUID.randomUUID().toString().substring(0, 8);
    private final Map<String, String> env = new HashMap<>();

    private DockerCli.Result compose(Duration timeout, String... args) {
        String[] command = new String[args.length + 5];
        command[0] = "docker-compose";
        command[1] = "-f";
        command[2] = ImageFiles.COMPOSE;
        command[3] = "-p";
        command[4] = project;
        System.arraycopy(args, 0, command, 5, args.length);
        return DockerCli.run(Repo.root(), env, timeout, command);
    }

    private int port(String variable) {
        return Integer.parseInt(env.get(variable));
    }

    @Test
    void theExampleComesUpHealthyAnswersEveryProtocolAndGoesDown() throws Exception {
        Assumptions.assumeTrue(DockerCli.has("docker-compose"), "docker-compose is not installed");
        Set<Integer> ports = new LinkedHashSet<>();
        while (ports.size() < 5) {
            ports.add(FreePorts.belowEphemeralRange());
        }
        var free = ports.iterator();
        for (String variable : new String[] {
            "PROCGATE_TCPROCD_PORT",
            "PROCGATE_TCPR_PORT",
            "PROCGATE_PCP_PORT",
            "PROCGATE_PCP_DATA_PORT",
            "PROCGATE_HTTP_PORT"
        }) {
            env.put(variable, Integer.toString(free.next()));
        }
        env.put("PROCGATE_ADMIN_PASSWORD", ImageFiles.ADMIN_PASSWORD);
        env.put("PROCGATE_TCPR_PASSWORD", ImageFiles.TCPR_PASSWORD);
        ProcgateImage.name(); // the base image, and the JRE layer in the cache compose builds from
        try {
            DockerCli.Result up = compose(UP, "up", "-d", "--build");
            assertThat(up.ok()).as(up.describe()).isTrue();
            String id =
                    compose(Duration.ofMinutes(1), "ps", "-q", "gateway").out().strip();
            assertThat(id).isNotEmpty();

            await().atMost(HEALTHY)
                    .untilAsserted(() -> assertThat(
                                    ExampleGateway.state(id).getHealth().getStatus())
                            .isEqualTo("healthy"));
            await().atMost(HEALTHY)
                    .ignoreExceptions()
                    .untilAsserted(() -> assertThat(ExampleGateway.get(HOST, port("PROCGATE_HTTP_PORT"), "/readyz")
                                    .body())
                            .startsWith("ready"));

            try (TcprocdWire c = new TcprocdWire(HOST, port("PROCGATE_TCPROCD_PORT"))) {
                assertThat(c.login("admin", ImageFiles.ADMIN_PASSWORD)).isEqualTo("OK");
                assertThat(c.list()).isEqualTo("game\n");
            }
            try (Socket s = new Socket(HOST, port("PROCGATE_TCPR_PORT"))) {
                s.setSoTimeout(15_000);
                BufferedReader r =
                        new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
                s.getOutputStream().write((ImageFiles.TCPR_PASSWORD + "\n").getBytes(StandardCharsets.UTF_8));
                assertThat(r.readLine()).endsWith("is now authenticated");
            }
            try (PcpWire pcp = new PcpWire(HOST, port("PROCGATE_PCP_PORT"))) {
                assertThat(pcp.request("request=status&name=game&state=?"))
                        .isEqualTo("response=status&result=OK&state=running");
            }
            assertThat(ExampleGateway.state(id).getRunning()).isTrue();
        } finally {
            DockerCli.Result down = compose(DOWN, "down", "--volumes", "--rmi", "all", "--timeout", "40");
            assertThat(down.ok()).as(down.describe()).isTrue();
        }
        assertThat(DockerCli.docker(DOWN, "ps", "-aq", "--filter", "label=com.docker.compose.project=" + project)
                        .out())
                .as("containers left")
                .isBlank();
        assertThat(DockerCli.docker(DOWN, "volume", "ls", "-q", "--filter", "name=" + project)
                        .out())
                .as("volumes left")
                .isBlank();
    }
}
