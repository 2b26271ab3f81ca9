package io.procgate.docker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.github.dockerjava.api.model.Bind;
import com.github.dockerjava.api.model.Volume;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.junit.jupiter.Testcontainers;

/**
 * {@code docker kill -s KILL}, then {@code docker start}: the gateway, killed with no chance to
 * flush or stop anything, comes back on the same named volume and continues each history: every
 * line it had served is still there under its number, the numbers go on, nothing repeats.
 */
@Testcontainers(disabledWithoutDocker = true)
class ImageRestartTest {
    /** Lines the test has the game server print before the kill. */
    private static final int LINES = 50;

    private final String volume = "procgate-restart-test-" + UUID.randomUUID();
    private GenericContainer<?> gateway;

    @AfterEach
    void removeWhatWasMade() {
        if (gateway != null) {
            gateway.stop();
        }
        ExampleGateway.client().removeVolumeCmd(volume).exec();
    }

    private TcprocdWire tcprocd() throws Exception {
        String id = gateway.getContainerId();
        TcprocdWire c = new TcprocdWire(gateway.getHost(), ExampleGateway.hostPort(id, ExampleGateway.TCPROCD));
        assertThat(c.login("admin", ImageFiles.ADMIN_PASSWORD)).isEqualTo("OK");
        return c;
    }

    private static long lineCount(String text) {
        return text.chars().filter(ch -> ch == '\n').count();
    }

    @Test
    void killedWithSigkillAndStartedAgainItContinuesTheHistoryFromTheVolume() throws Exception {
        ExampleGateway.client().createVolumeCmd().withName(volume).exec();
        gateway = ExampleGateway.container().withCreateContainerCmdModifier(cmd -> {
            List<Bind> binds = new ArrayList<>(List.of(cmd.getHostConfig().getBinds()));
            binds.add(new Bind(volume, new Volume(ExampleGateway.DATA_DIR)));
            cmd.getHostConfig().withBinds(binds);
        });
        gateway.start();
        String id = gateway.getContainerId();

        String before;
        try (TcprocdWire c = tcprocd()) {
            for (int i = 1; i <= LINES; i++) {
                assertThat(c.command("game", "say line " + i)).isEqualTo("OK");
            }
            await().atMost(ExampleGateway.START).until(() -> c.cat("game", 0).contains("[Chat] line " + LINES + "\n"));
            before = c.cat("game", 0);
        }
        long served = lineCount(before);

        ExampleGateway.client().killContainerCmd(id).withSignal("KILL").exec();
        await().atMost(ExampleGateway.START)
                .until(() -> !ExampleGateway.state(id).getRunning());
        assertThat(ExampleGateway.state(id).getExitCodeLong())
                .as("killed by SIGKILL")
                .isEqualTo(137L);

        ExampleGateway.client().startContainerCmd(id).exec();
        await().atMost(ExampleGateway.START)
                .ignoreExceptions()
                .until(() -> ExampleGateway.get(
                                        gateway.getHost(), ExampleGateway.hostPort(id, ExampleGateway.HTTP), "/readyz")
                                .statusCode()
                        == 200);

        try (TcprocdWire c = tcprocd()) {
            String after = c.cat("game", 0);
            assertThat(after)
                    .as("every line served before the kill, in its place")
                    .startsWith(before);
            // the restarted game server's first line is numbered right after the last one served
            String sinceRestart = c.cat("game", served);
            assertThat(sinceRestart).startsWith("[Server] starting on port 25565\n");
            assertThat(sinceRestart).as("nothing from before repeats").doesNotContain("[Chat] line");
            assertThat(after).isEqualTo(before + sinceRestart);
        }
        try (PcpWire pcp = new PcpWire(gateway.getHost(), ExampleGateway.hostPort(id, ExampleGateway.PCP))) {
            String status = pcp.request("request=status&name=game&lines=?");
            assertThat(Long.parseLong(status.replaceAll(".*&lines=(\\d+).*", "$1")))
                    .isGreaterThan(served);
        }
    }
}
