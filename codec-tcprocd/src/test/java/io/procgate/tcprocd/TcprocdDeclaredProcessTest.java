package io.procgate.tcprocd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.procgate.host.ProcessState;
import io.procgate.host.ProcessStatus;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A process declared in the configuration, started and stopped over tcprocd: the client's command
 * is not what runs; the declaration is, with its owner and its stop command.
 */
class TcprocdDeclaredProcessTest {
    private static final Duration WAIT = Duration.ofSeconds(20);

    @TempDir
    Path dir;

    private static String request(WireClient client, byte[] request) {
        client.send(request);
        return client.readStatus();
    }

    private static String cat(WireClient client, String name) {
        client.send(TcprocdWire.cat(name, 0));
        assertThat(client.readStatus()).isEqualTo("OK");
        return client.readData();
    }

    @Test
    void startRunsTheDeclarationAndKillUsesItsStopCommand() {
        String declared = "gateway.processes.srv {\n"
                + "  command = \"\"\"sh -c 'echo declared; read line; echo stopping on $line; exit 3'\"\"\"\n"
                + "  owner = alice, autostart = false, restart = on-failure, stop-command = quit\n"
                + "}\n";
        try (TestGateway gateway = TestGateway.start(dir, declared);
                WireClient alice = gateway.tcpLogin(TestGateway.ALICE);
                WireClient bob = gateway.tcpLogin(TestGateway.BOB)) {
            assertThat(request(bob, TcprocdWire.start("srv", "echo bob", ""))).isEqualTo("PERMISSION_DENIED");

            assertThat(request(alice, TcprocdWire.start("srv", "echo not this", "")))
                    .isEqualTo("OK");
            await().atMost(WAIT).until(() -> cat(alice, "srv").equals("declared\n"));
            assertThat(request(bob, TcprocdWire.cat("srv", 0))).isEqualTo("PERMISSION_DENIED");

            // kill writes the declared stop command first: the program says why it stopped.
            assertThat(request(alice, TcprocdWire.kill("srv"))).isEqualTo("OK");
            await().atMost(WAIT).until(() -> cat(alice, "srv").equals("declared\nstopping on quit\n"));
            // Exiting non-zero after the stop command is not a crash: on-failure does not bring it back.
            gateway.gateway.host().whenStopped("srv").join();
            ProcessStatus status = gateway.gateway.host().status("srv").orElseThrow();
            assertThat(status.state()).isEqualTo(ProcessState.EXITED);
            assertThat(status.owner()).isEqualTo(TestGateway.ALICE);
        }
    }
}
