package io.procgate.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.procgate.core.testing.ChildGateway;
import io.procgate.core.testing.FreePorts;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A gateway on its embedded defaults, started in a fresh working directory as {@code ./gateway}
 * would be (only the TCP port is a free one, with {@code -P}, so that tests can run side by side),
 * and the real client started in the same directory with no options and no environment: it finds
 * {@code data/tcprocd.sock} and is let in as an admin, being the gateway's own account. Another
 * account can neither open the socket (mode 0600) nor, when it is made reachable, log in.
 */
class FirstContactTest {
    private static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    static Path work;

    static ChildGateway gateway;

    @BeforeAll
    static void startGatewayOnItsDefaults() throws IOException {
        gateway = ChildGateway.start(work, "-P", Integer.toString(FreePorts.belowEphemeralRange()));
        await().atMost(WAIT)
                .until(() -> gateway.out().contains("procgate started")
                        || !gateway.process().isAlive());
        assertThat(gateway.process().isAlive())
                .as("gateway output: %s", gateway.out())
                .isTrue();
    }

    @AfterAll
    static void stopGateway() {
        gateway.close();
    }

    /** One run of a child process in the gateway's working directory. */
    record Run(int exit, String out) {}

    private static Run run(List<String> command) throws IOException, InterruptedException {
        ProcessBuilder builder =
                new ProcessBuilder(command).directory(work.toFile()).redirectErrorStream(true);
        builder.environment().keySet().removeIf(key -> key.startsWith("TCPROC_"));
        Process process = builder.start();
        process.getOutputStream().close();
        byte[] out = process.getInputStream().readAllBytes();
        assertThat(process.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
        return new Run(process.exitValue(), new String(out, StandardCharsets.UTF_8));
    }

    private static Run tcproc(String... args) throws IOException, InterruptedException {
        List<String> command =
                new ArrayList<>(List.of(java(), "-cp", System.getProperty("java.class.path"), Tcproc.class.getName()));
        command.addAll(List.of(args));
        return run(command);
    }

    private static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    @Test
    void theClientFindsTheDefaultSocketAndTheGatewaysAccountIsAnAdmin() throws Exception {
        Run list = tcproc("list");
        assertThat(list.exit()).as(list.out()).isZero();
        assertThat(list.out()).isEmpty(); // nothing runs yet, and no error
        // An admin may ask about any name; the answer names the state, not a refusal.
        Run status = tcproc("status", "nothing-here");
        assertThat(status.out()).isEqualTo("nothing-here  unknown\n");
        assertThat(gateway.out()).contains("logged in from");
    }

    @Test
    void theSocketIsTheGatewaysAlone() throws IOException {
        Path socket = work.resolve("data/tcprocd.sock");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(socket)))
                .isEqualTo("rw-------");
        assertThat(gateway.out()).contains("listening on unix:data/tcprocd.sock (mode 0600)");
    }

    @Test
    void anotherAccountIsKeptOutByTheModeAndRefusedByTheGateway() throws Exception {
        Assumptions.assumeTrue(
                "root".equals(System.getProperty("user.name")), "only root can run a probe as another account");
        // The probe is a one-file Java program that nobody can read: it connects, prints what it gets.
        Path probeDir = Files.createTempDirectory("procgate-probe");
        try {
            Files.setPosixFilePermissions(probeDir, PosixFilePermissions.fromString("rwxr-xr-x"));
            Path probe = probeDir.resolve("Probe.java");
            Files.writeString(probe, PROBE);
            Files.setPosixFilePermissions(probe, PosixFilePermissions.fromString("rw-r--r--"));
            List<String> asNobody =
                    List.of("setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups", java(), probe.toString());
            Path socket = work.resolve("data/tcprocd.sock");

            Files.setPosixFilePermissions(work, PosixFilePermissions.fromString("rwxr-xr-x"));
            Files.setPosixFilePermissions(work.resolve("data"), PosixFilePermissions.fromString("rwxr-xr-x"));
            Run denied = run(concat(asNobody, socket.toString()));
            assertThat(denied.out()).contains("Permission denied");

            // Reachable by anyone now: the gateway itself refuses the uid, which is no configured user.
            Files.setPosixFilePermissions(socket, PosixFilePermissions.fromString("rw-rw-rw-"));
            Run refused = run(concat(asNobody, socket.toString()));
            assertThat(refused.out()).isEqualTo("read: 20AUTHENTICATION_ERROR\n");
            await().atMost(WAIT).until(() -> gateway.out().contains("authentication failed for 'nobody'"));
        } finally {
            Files.setPosixFilePermissions(
                    work.resolve("data/tcprocd.sock"), PosixFilePermissions.fromString("rw-------"));
            try (var files = Files.list(probeDir)) {
                for (Path f : files.toList()) {
                    Files.delete(f);
                }
            }
            Files.delete(probeDir);
        }
    }

    private static List<String> concat(List<String> head, String last) {
        List<String> all = new ArrayList<>(head);
        all.add(last);
        return all;
    }

    private static final String PROBE = """
            import java.net.StandardProtocolFamily;
            import java.net.UnixDomainSocketAddress;
            import java.nio.ByteBuffer;
            import java.nio.channels.SocketChannel;
            import java.nio.charset.StandardCharsets;

            class Probe {
                public static void main(String[] args) {
                    try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
                        ch.connect(UnixDomainSocketAddress.of(args[0]));
                        ByteBuffer buf = ByteBuffer.allocate(256);
                        while (ch.read(buf) >= 0) {}
                        buf.flip();
                        System.out.println("read: " + StandardCharsets.UTF_8.decode(buf));
                    } catch (Exception e) {
                        System.out.println("error: " + e.getMessage());
                    }
                }
            }
            """;
}
