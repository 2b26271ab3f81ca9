package io.procgate.docker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.github.dockerjava.api.model.Capability;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.testcontainers.containers.Container.ExecResult;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.junit.jupiter.Testcontainers;

/**
 * {@code docker run --read-only --tmpfs /tmp --cap-drop ALL --security-opt no-new-privileges} with
 * the data volume, as docs/operations.md recommends: the gateway starts, serves, and keeps
 * histories, writing nothing but the volume and /tmp (which Docker mounts noexec: Netty's epoll
 * library comes unpacked with the image, not from /tmp), with no capability at all.
 */
@Testcontainers(disabledWithoutDocker = true)
class ReadOnlyImageTest {
    private static GenericContainer<?> gateway;

    @BeforeAll
    static void start() {
        gateway = ExampleGateway.container()
                .withCreateContainerCmdModifier(cmd -> cmd.getHostConfig()
                        .withReadonlyRootfs(true)
                        .withTmpFs(Map.of("/tmp", "")) // Docker's defaults: rw, noexec, nosuid, nodev
                        .withCapDrop(Capability.ALL)
                        .withSecurityOpts(List.of("no-new-privileges")));
        gateway.start();
    }

    @AfterAll
    static void stop() {
        if (gateway != null) {
            gateway.stop();
        }
    }

    private static String exec(String... command) throws Exception {
        return gateway.execInContainer(command).getStdout();
    }

    @Test
    void servesAndKeepsHistoriesWithAReadOnlyRootAndNoCapabilities() throws Exception {
        ExecResult write = gateway.execInContainer("touch", "/opt/procgate/probe");
        assertThat(write.getExitCode()).isNotZero();
        assertThat(write.getStderr()).contains("Read-only file system");
        assertThat(exec("grep", " /tmp ", "/proc/mounts")).contains("noexec");
        assertThat(exec("grep", "-E", "^(CapEff|CapBnd|NoNewPrivs):", "/proc/1/status"))
                .contains("CapEff:\t0000000000000000")
                .contains("CapBnd:\t0000000000000000")
                .contains("NoNewPrivs:\t1");
        assertThat(exec("sh", "-c", "ls /tmp | grep -c netty").strip())
                .as("nothing of Netty's unpacked into /tmp")
                .isEqualTo("0");
        try (TcprocdWire c = new TcprocdWire(gateway.getHost(), gateway.getMappedPort(ExampleGateway.TCPROCD))) {
            assertThat(c.login("admin", ImageFiles.ADMIN_PASSWORD)).isEqualTo("OK");
            assertThat(c.command("game", "say read-only root")).isEqualTo("OK");
            await().atMost(ExampleGateway.START).until(() -> c.cat("game", 0).contains("[Chat] read-only root\n"));
        }
        assertThat(ExampleGateway.readFile(gateway.getContainerId(), ExampleGateway.DATA_DIR + "/processes/game"))
                .as("the history on the volume")
                .contains("[Chat] read-only root\n");
    }
}
